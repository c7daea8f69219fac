/**
 * The report of a run: a Markdown table per measurement, the machine and timings line, the
 * targets; printed, and written with the figures to bench-results/ (a dated JSON, latest.json,
 * latest.md).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { LoadResult } from "./measure/http-load";
import type { Machine } from "./machine";
import type { Figures, Section, Target } from "./section";

/** A Markdown table: first column left-aligned, the others right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join(" | ")} |`;
  const rule = `|${widths.map((width, column) => (column === 0 ? `${"-".repeat(width + 1)}-` : `${"-".repeat(width + 1)}:`)).join("|")}|`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}

/** Milliseconds for a table cell; "n/a" when there was no sample (NaN). */
export const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : "n/a");

/** Server CPU per request, or blank when the server's process was not measured. */
export const cpu = (result: LoadResult) =>
  result.cpuMsPerRequest === null ? "" : result.cpuMsPerRequest.toFixed(3);

export interface RunSummary {
  machine: Machine;
  /** What the build step did (reused, or built in N s). */
  build: string;
  seconds: number;
  /** Seconds per section, the build first. */
  sectionSeconds: Record<string, number>;
}

export function renderReport(
  figures: Figures,
  sections: Section[],
  targets: Target[],
  run: RunSummary,
): string {
  const { machine } = run;
  const parts: string[] = [
    `Machine: ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}, ` +
      `Next ${machine.next}, commit ${machine.commit}; load average ${machine.loadAverage.start} at the start, ` +
      `${machine.loadAverage.end} at the end; ${run.build}; whole run ${run.seconds} s ` +
      `(${Object.entries(run.sectionSeconds)
        .map(([name, value]) => `${name} ${value} s`)
        .join(", ")}).`,
  ];
  for (const section of sections) {
    const part = section.render?.(figures);
    if (part) parts.push(part);
  }
  if (targets.length) {
    parts.push(
      `\nTargets:\n` +
        table(
          ["target", "goal", "measured", "met"],
          targets.map((target) => [
            target.name,
            target.goal,
            target.measured,
            target.met === null ? "n/a" : target.met ? "yes" : "NO",
          ]),
        ),
    );
  }
  return parts.join("\n");
}

/** Writes bench-<date>.json, latest.json and latest.md into `dir`; returns the dated file's name. */
export function writeResults(dir: string, report: string, results: object): string {
  mkdirSync(dir, { recursive: true });
  const json = JSON.stringify({ date: new Date().toISOString(), ...results }, null, 2);
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const file = `bench-${stamp}.json`;
  writeFileSync(path.join(dir, file), json);
  writeFileSync(path.join(dir, "latest.json"), json);
  writeFileSync(path.join(dir, "latest.md"), `${report}\n`);
  return file;
}
