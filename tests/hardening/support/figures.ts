/**
 * The figures of each hardening scenario. A test records its row as soon as it has counted
 * (before asserting, so a failing run still shows what it saw); the global teardown
 * (summary.ts) gathers the rows into the printed table and test-results/hardening.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "../../support/server";

export const RESULTS_DIR = path.join(ROOT, "test-results");
/** One JSON file per scenario, written by the test files' workers, read by the teardown. */
export const PARTS_DIR = path.join(RESULTS_DIR, "hardening-parts");

export interface ScenarioFigures {
  /** Short name, also the row's key: "bad input: token". */
  scenario: string;
  /** Requests or checks tried (generated inputs, probes, scanned files). */
  inputs: number;
  /** Faults injected: processes killed, streams cut, Redis outages. */
  faults: number;
  /** Webhook events sent (distinct LiveKit ids). */
  sent: number;
  /** Of those, answered 2xx (after the sender's retries, as livekit-server retries). */
  accepted: number;
  /** Accepted events found in the log afterwards. */
  stored: number;
  /** Deliveries to SSE subscribers (one per subscriber per event of its room). */
  delivered: number;
  /** Deliveries expected but missing, plus accepted events missing from the log. */
  lost: number;
  /** Deliveries or log entries seen more than once. */
  duplicated: number;
  /** Deliveries out of the order the room's events were sent in. */
  outOfOrder: number;
  /** Responses with status >= 500 that the scenario did not inject (503 while Redis is down is). */
  unexpected5xx: number;
  /** Server processes that exited without being told to. */
  crashes: number;
  /** What else was counted: statuses seen, reconnects, 503s while down... */
  notes: string;
  seconds: number;
}

export type FiguresInput = Partial<ScenarioFigures> & Pick<ScenarioFigures, "scenario">;

const DEFAULTS: Omit<ScenarioFigures, "scenario"> = {
  inputs: 0,
  faults: 0,
  sent: 0,
  accepted: 0,
  stored: 0,
  delivered: 0,
  lost: 0,
  duplicated: 0,
  outOfOrder: 0,
  unexpected5xx: 0,
  crashes: 0,
  notes: "",
  seconds: 0,
};

/** Writes (or rewrites) the scenario's row. */
export function recordFigures(figures: FiguresInput): ScenarioFigures {
  const row: ScenarioFigures = { ...DEFAULTS, ...figures };
  row.seconds = Math.round(row.seconds * 10) / 10;
  mkdirSync(PARTS_DIR, { recursive: true });
  const file = row.scenario.replace(/[^a-z0-9]+/gi, "-").toLowerCase();
  writeFileSync(path.join(PARTS_DIR, `${file}.json`), JSON.stringify(row, null, 2));
  return row;
}

/** Seconds since `start` (a performance.now() value). */
export function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}
