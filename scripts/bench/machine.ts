/** The machine and code a run measured, for the report's first line and the JSON. */
import { execSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT } from "../../tests/support/server";
import { round } from "./measure/stats";

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  next: string;
  commit: string;
  /** 1-minute load average when the run started and ended: others' work on the machine. */
  loadAverage: { start: number; end: number };
}

export function describeMachine(loadAtStart: number): Machine {
  const next = (
    JSON.parse(readFileSync(path.join(ROOT, "node_modules/next/package.json"), "utf8")) as {
      version: string;
    }
  ).version;
  let commit = "unknown";
  try {
    commit = execSync("git rev-parse --short HEAD", { cwd: ROOT }).toString().trim();
    if (execSync("git status --porcelain -- app lib", { cwd: ROOT }).toString().trim())
      commit += "+changes";
  } catch {
    // not a git checkout
  }
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.versions.node,
    next,
    commit,
    loadAverage: { start: round(loadAtStart), end: round(os.loadavg()[0]!) },
  };
}
