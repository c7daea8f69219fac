/**
 * `npm run bench`: token (both dialects), webhook ingest, webhook verification in-process,
 * webhook → browser fan-out, memory per SSE connection, page weight, and the operator console
 * (its first-load JS, its rooms route), measured against the real production build over HTTP,
 * next to the framework's floors (our emptiest GET route; for POST routes an empty route of a
 * generated Next app that reads the same body) and an Express baseline measured in the same
 * run. Prints a table and writes the same figures to bench-results/. Results and how to read
 * them: docs/performance.md.
 *
 *   npm run bench [-- --only http,sse,redis,page,console,webhook-verify,framework] [-- --profile]
 *
 * `console` is both of the console's parts; `console-page` or `rooms` selects one. The default
 * is every section but `framework` (a Next app with no code of ours, measured beside ours, a
 * few minutes more). The sections are in sections/index.ts. `live` (not by default: a real
 * livekit-server and Chromium, sections/live.ts; `live-joins` or `live-burst` selects one part)
 * runs only inside the loopback-only namespace:
 *
 *   bash scripts/loopback-only.sh npm run bench -- --only live
 *
 * --profile runs the next servers under V8's CPU profiler (tests/support/server-probe.mjs;
 * bench-results/profiles). NEXT_DIST_DIR selects the build (default .next); it is built when
 * missing or older than a source. REDIS_URL (loopback only) is used instead of the bench's own
 * redis-server.
 */
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { probeEnv } from "../../tests/support/probes";
import { startRedis, type RunningRedis } from "../../tests/support/redis";
import { ROOT } from "../../tests/support/server";
import { describeMachine } from "./machine";
import { assertLoopback } from "./measure/http-load";
import { ensureBuild } from "./processes";
import { renderReport, writeResults } from "./report";
import type { BenchContext, Figures } from "./section";
import { SECTIONS } from "./sections";
import { CONSOLE, FANOUT, HTTP, IDLE_CONNECTIONS, SERVER_ENV } from "./settings";
import { checkTargets, TARGET_RULES } from "./targets";

const RESULTS_DIR = path.join(ROOT, "bench-results");

const { values: args } = parseArgs({
  options: {
    only: {
      type: "string",
      default: SECTIONS.filter((section) => section.byDefault)
        .flatMap((section) => section.selectors)
        .join(","),
    },
    profile: { type: "boolean", default: false },
  },
});
const selected = new Set(args.only.split(",").map((name) => name.trim()));
const sections = SECTIONS.filter((section) => section.selectors.some((name) => selected.has(name)));

const log = (line: string) => console.log(line);

function loopbackRedis(url: string): string {
  const host = new URL(url).hostname;
  assertLoopback(`http://${host.includes(":") ? `[${host}]` : host}/`);
  return url;
}

const secondsSince = (started: number) => Math.round((Date.now() - started) / 1000);

async function main(): Promise<void> {
  const started = Date.now();
  const loadAtStart = os.loadavg()[0]!;
  /** Seconds each step took, for the report (the whole run must stay under 5 minutes). */
  const sectionSeconds: Record<string, number> = {};
  const build = await ensureBuild(log);
  sectionSeconds.build = secondsSince(started);

  let ownRedis: RunningRedis | null = null;
  const redisUrl = process.env.REDIS_URL
    ? loopbackRedis(process.env.REDIS_URL)
    : sections.some((section) => section.needsRedis)
      ? (ownRedis = await startRedis()).url
      : null;

  const figures: Figures = {};
  const profileDir = args.profile ? path.join(RESULTS_DIR, "profiles") : undefined;
  const context: BenchContext = {
    selected,
    figures,
    redisUrl,
    log,
    serverEnv: (extra = {}, { memory = false } = {}) => ({
      ...SERVER_ENV,
      ...extra,
      ...(profileDir || memory ? probeEnv({ profileDir, memory }) : {}),
    }),
  };
  try {
    for (const section of sections) {
      const sectionStarted = Date.now();
      await section.run(context);
      sectionSeconds[section.name] = secondsSince(sectionStarted);
    }
  } finally {
    await ownRedis?.stop();
  }

  const seconds = secondsSince(started);
  const machine = describeMachine(loadAtStart);
  const targets = checkTargets(figures, [
    ...TARGET_RULES,
    ...SECTIONS.flatMap((section) => section.targets ?? []),
  ]);
  const report = renderReport(figures, SECTIONS, targets, {
    machine,
    build,
    seconds,
    sectionSeconds,
  });
  console.log(`\n${report}`);
  const file = writeResults(RESULTS_DIR, report, {
    machine,
    build,
    seconds,
    sectionSeconds,
    settings: { HTTP, FANOUT, IDLE_CONNECTIONS, CONSOLE },
    figures,
    targets,
  });
  log(`\nfigures written to bench-results/${file} (and latest.json, latest.md)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
