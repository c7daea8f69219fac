/**
 * Request-rate measurements with autocannon: every target runs in turn, round after round, so
 * a slow moment of the machine (or a JIT warming up) falls on all of them alike.
 */
import autocannon, { type AutocannonRequest } from "autocannon";
import { performance } from "node:perf_hooks";
import { cpuMilliseconds } from "../processes";
import { mean, round, summarize, type LatencySummary } from "./stats";

export interface LoadTarget {
  key: string;
  label: string;
  /** Absolute URL, loopback only. */
  url: string;
  method: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  /** The server process, whose CPU time per request is measured beside the rate. */
  pid?: number;
  /** A fresh body and headers for every request (each webhook a new event id). */
  fresh?: () => { body: string; headers: Record<string, string> };
  /**
   * The status a request must get, checked once before the target is loaded: a route that
   * answers something else (a 4xx for a body it does not take) would be measured refusing.
   */
  expectStatus?: number;
}

export interface LoadResult extends LatencySummary {
  key: string;
  label: string;
  /** Mean over the rounds of 2xx responses per second. */
  requestsPerSecond: number;
  roundsRequestsPerSecond: number[];
  /**
   * Server CPU milliseconds (all threads) per answered request: what a request costs, steadier
   * than req/s on a machine that is busy with other work.
   */
  cpuMsPerRequest: number | null;
  roundsCpuMsPerRequest: (number | null)[];
  /** Answers other than 2xx, errors and timeouts: a valid run has none. */
  failures: number;
}

export interface LoadOptions {
  connections: number;
  rounds: number;
  seconds: number;
  warmupSeconds: number;
}

/**
 * Latency counts requests sent after this much of a run. All connections open at once when a
 * run starts, and `next start` serves such a burst's first requests one by one, far slower than
 * the Express baseline does (docs/performance.md): kept, those few dozen requests would be a
 * run's p99 whatever the route. All clients connecting within the same millisecond is the
 * benchmark's artefact, not traffic.
 */
export const CONNECTION_RAMP_MS = 500;

interface RunOutcome {
  requestsPerSecond: number;
  cpuMsPerRequest: number | null;
  latencies: number[];
  failures: number;
}

export function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (!["127.0.0.1", "localhost", "[::1]"].includes(host)) {
    throw new Error(`refusing to load ${host}: benchmarks target loopback addresses only`);
  }
}

/** One autocannon run; latencies are taken per response (autocannon's histogram keeps whole ms). */
export async function runOnce(target: LoadTarget, seconds: number, connections: number) {
  assertLoopback(target.url);
  const { pathname, search } = new URL(target.url);
  const request: AutocannonRequest = {
    method: target.method,
    path: pathname + search,
    headers: target.headers,
    body: target.body,
  };
  if (target.fresh) {
    const fresh = target.fresh;
    request.setupRequest = (base) => {
      const { body, headers } = fresh();
      return { ...base, body, headers: { ...base.headers, ...headers } };
    };
  }
  const latencies: number[] = [];
  const cpuBefore = target.pid ? cpuMilliseconds(target.pid) : 0;
  const started = performance.now();
  const instance = autocannon({
    url: target.url,
    connections,
    duration: seconds,
    timeout: 10,
    requests: [request],
  });
  instance.on("response", (_client, statusCode, _bytes, milliseconds) => {
    const sentAt = performance.now() - milliseconds - started;
    if (statusCode >= 200 && statusCode < 300 && sentAt >= CONNECTION_RAMP_MS) {
      latencies.push(milliseconds);
    }
  });
  const result = await instance;
  const answered = result["2xx"] + result.non2xx;
  const outcome: RunOutcome = {
    requestsPerSecond: result["2xx"] / result.duration,
    // No answer in a round (a machine busy with others' work): no cost per request, not Infinity.
    cpuMsPerRequest:
      target.pid && answered ? (cpuMilliseconds(target.pid) - cpuBefore) / answered : null,
    latencies,
    failures: result.non2xx + result.errors + result.timeouts,
  };
  return outcome;
}

/** One request to each target that names an `expectStatus`; throws with the answer if it differs. */
export async function checkAnswers(targets: LoadTarget[]): Promise<void> {
  for (const target of targets) {
    if (target.expectStatus === undefined) continue;
    assertLoopback(target.url);
    const fresh = target.fresh?.();
    const response = await fetch(target.url, {
      method: target.method,
      headers: { ...target.headers, ...fresh?.headers },
      body: fresh?.body ?? target.body,
    });
    const text = await response.text();
    if (response.status !== target.expectStatus) {
      throw new Error(
        `${target.label}: expected ${target.expectStatus}, got ${response.status}: ${text.slice(0, 300)}`,
      );
    }
  }
}

/**
 * Checks the targets' answers, warms every target up, then runs them alternately for `rounds` rounds, every other round in
 * reverse order (A B C, C B A, …) so no target always follows the same one.
 */
export async function measureAlternating(
  targets: LoadTarget[],
  options: LoadOptions,
  log: (line: string) => void,
): Promise<Map<string, LoadResult>> {
  await checkAnswers(targets);
  for (const target of targets) {
    await runOnce(target, options.warmupSeconds, options.connections);
  }
  const runs = new Map<string, RunOutcome[]>(targets.map((target) => [target.key, []]));
  for (let round_ = 1; round_ <= options.rounds; round_++) {
    const line: string[] = [];
    const order = round_ % 2 === 1 ? targets : [...targets].reverse();
    for (const target of order) {
      const outcome = await runOnce(target, options.seconds, options.connections);
      runs.get(target.key)!.push(outcome);
      const cpu =
        outcome.cpuMsPerRequest === null ? "" : ` ${outcome.cpuMsPerRequest.toFixed(2)} ms CPU`;
      line.push(`${target.key} ${Math.round(outcome.requestsPerSecond)}/s${cpu}`);
    }
    log(`  round ${round_}/${options.rounds}: ${line.join(", ")}`);
  }
  const results = new Map<string, LoadResult>();
  for (const target of targets) {
    const outcomes = runs.get(target.key)!;
    const perRound = outcomes.map((outcome) => outcome.requestsPerSecond);
    const cpu = outcomes.map((outcome) => outcome.cpuMsPerRequest);
    const latency = summarize(outcomes.flatMap((outcome) => outcome.latencies));
    results.set(target.key, {
      key: target.key,
      label: target.label,
      requestsPerSecond: round(mean(perRound), 0),
      roundsRequestsPerSecond: perRound.map((value) => round(value, 0)),
      cpuMsPerRequest: cpu.every((value) => value !== null)
        ? round(mean(cpu as number[]), 3)
        : null,
      roundsCpuMsPerRequest: cpu.map((value) => (value === null ? null : round(value, 3))),
      samples: latency.samples,
      p50: round(latency.p50),
      p99: round(latency.p99),
      max: round(latency.max),
      failures: outcomes.reduce((sum, outcome) => sum + outcome.failures, 0),
    });
  }
  return results;
}
