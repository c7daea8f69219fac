/**
 * vitest globalSetup of `npm run test:hardening`: clears the previous rows before the run and,
 * after it, prints the summary table and writes test-results/hardening.json.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PARTS_DIR, RESULTS_DIR, type ScenarioFigures } from "./figures";

const COLUMNS: [key: keyof ScenarioFigures, title: string][] = [
  ["scenario", "scenario"],
  ["inputs", "inputs"],
  ["faults", "faults"],
  ["sent", "sent"],
  ["accepted", "2xx"],
  ["stored", "stored"],
  ["delivered", "delivered"],
  ["lost", "lost"],
  ["duplicated", "dup"],
  ["outOfOrder", "order"],
  ["unexpected5xx", "5xx"],
  ["crashes", "crash"],
  ["seconds", "s"],
];

const NUMERIC = COLUMNS.map(([key]) => key).filter((key) => key !== "scenario");

/** A Markdown table (it reads as well in a terminal as in the README). */
export function formatTable(rows: ScenarioFigures[]): string {
  const total = Object.fromEntries(
    NUMERIC.map((key) => [key, rows.reduce((sum, row) => sum + Number(row[key]), 0)]),
  ) as Record<string, number>;
  total.seconds = Math.round((total.seconds ?? 0) * 10) / 10;
  const body = [
    ...rows.map((row) => COLUMNS.map(([key]) => String(row[key]))),
    ["**total**", ...NUMERIC.map((key) => `**${total[key]}**`)],
  ];
  const header = COLUMNS.map(([, title]) => title);
  const widths = header.map((title, i) => Math.max(title.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(" | ")} |`;
  const rule = `|${widths.map((width, i) => (i === 0 ? "-".repeat(width + 2) : `${"-".repeat(width + 1)}:`)).join("|")}|`;
  const notes = rows
    .filter((row) => row.notes)
    .map((row) => `- ${row.scenario}: ${row.notes}`)
    .join("\n");
  return [line(header), rule, ...body.map(line), "", notes].join("\n");
}

function readRows(): ScenarioFigures[] {
  let files: string[] = [];
  try {
    files = readdirSync(PARTS_DIR).filter((file) => file.endsWith(".json"));
  } catch {
    return [];
  }
  return files
    .map((file) => JSON.parse(readFileSync(path.join(PARTS_DIR, file), "utf8")) as ScenarioFigures)
    .sort((a, b) => a.scenario.localeCompare(b.scenario));
}

function commit(): string | null {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return null;
  }
}

export function setup(): () => void {
  rmSync(PARTS_DIR, { recursive: true, force: true });
  const started = Date.now();
  return () => {
    const rows = readRows();
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    const table = formatTable(rows);
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(
      path.join(RESULTS_DIR, "hardening.json"),
      JSON.stringify(
        { generatedAt: new Date().toISOString(), commit: commit(), seconds, rows, table },
        null,
        2,
      ) + "\n",
    );
    console.log(`\nHardening summary (${rows.length} scenarios, ${seconds} s):\n\n${table}\n`);
    console.log(
      `written to ${path.relative(process.cwd(), path.join(RESULTS_DIR, "hardening.json"))}`,
    );
  };
}
