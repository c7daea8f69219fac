/**
 * Before/after of a change, on a machine others share: two production builds served side by
 * side and measured in alternating rounds, so both see the same moments of load.
 *
 *   npx tsx scripts/bench/investigate/compare.ts --before .next-before --after .next-bench <scenario> [--rounds 6] [--seconds 4] [--gzip]
 *
 * Scenarios: webhook, webhook-redis, token, health (autocannon, 50 connections) and fanout
 * (--subscribers 1000). --gzip sends `Accept-Encoding: gzip` as livekit-server's Go client and
 * browsers do (the bench's own clients do not). Build each dir first: NEXT_DIST_DIR=<dir> npx next build.
 */
import { parseArgs } from "node:util";
import { startRedis, type RunningRedis } from "../../../tests/support/redis";
import { TEST_API_KEY, TEST_API_SECRET } from "../../../tests/support/keys";
import { startServer, tokenFromServer, type RunningServer } from "../../../tests/support/server";
import { getTarget, tokenTarget, webhookTarget } from "../load-targets";
import { measureAlternating, type LoadTarget } from "../measure/http-load";
import {
  closeSubscribers,
  measureFanout,
  openSubscribers,
  type FanoutResult,
} from "../measure/sse-fanout";
import { mean, round } from "../measure/stats";
import { signedWebhooks } from "../measure/webhooks";
import { ROOM } from "../settings";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function target(
  server: RunningServer,
  key: string,
  scenario: string,
  extraHeaders: Record<string, string>,
): LoadTarget {
  const made =
    scenario === "health"
      ? getTarget(server, key, key)
      : scenario === "token"
        ? tokenTarget(server, key, key)
        : webhookTarget(server, key, key);
  return { ...made, headers: { ...extraHeaders, ...made.headers } };
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      before: { type: "string" },
      after: { type: "string" },
      rounds: { type: "string", default: "6" },
      seconds: { type: "string", default: "4" },
      subscribers: { type: "string", default: "1000" },
      gzip: { type: "boolean", default: false },
    },
  });
  const scenario = positionals[0] ?? "webhook";
  if (!values.before || !values.after) throw new Error("--before <dist dir> --after <dist dir>");
  const rounds = Number(values.rounds);
  const extraHeaders: Record<string, string> = values.gzip ? { "Accept-Encoding": "gzip" } : {};
  let redis: RunningRedis | null = null;
  const env = (distDir: string) => ({
    NEXT_DIST_DIR: distDir,
    TOKEN_RATE_LIMIT_PER_MINUTE: "1000000",
    ...(redis ? { REDIS_URL: redis.url } : {}),
  });
  if (scenario === "webhook-redis") redis = await startRedis();
  const before = await startServer(env(values.before));
  const after = await startServer(env(values.after));
  try {
    if (scenario !== "fanout") {
      const results = await measureAlternating(
        [before, after].map((server, i) =>
          target(server, i ? "after" : "before", scenario, extraHeaders),
        ),
        { connections: 50, rounds, seconds: Number(values.seconds), warmupSeconds: 3 },
        console.log,
      );
      const [b, a] = [results.get("before")!, results.get("after")!];
      for (const result of [b, a]) {
        console.log(
          `${result.key.padEnd(6)} ${result.requestsPerSecond} req/s (rounds ${result.roundsRequestsPerSecond.join(", ")}), ` +
            `p50 ${result.p50} ms, p99 ${result.p99} ms, server CPU ${result.cpuMsPerRequest} ms/request`,
        );
      }
      // Each round pairs the two sides a few seconds apart: the median of the paired ratios is
      // what a change did, least disturbed by the machine's other work.
      const paired = (x: number[], y: number[]) => median(x.map((value, i) => value / y[i]!));
      console.log(
        `after/before, median of ${rounds} paired rounds: req/s ${round(paired(a.roundsRequestsPerSecond, b.roundsRequestsPerSecond), 3)}×, ` +
          `CPU per request ${round(paired(a.roundsCpuMsPerRequest as number[], b.roundsCpuMsPerRequest as number[]), 3)}×`,
      );
      return;
    }
    const count = Number(values.subscribers);
    const sides = await Promise.all(
      [before, after].map(async (server) => {
        const token = await tokenFromServer(server.url, ROOM, "viewer");
        return { server, token, results: [] as FanoutResult[] };
      }),
    );
    const nextWebhook = signedWebhooks(ROOM, TEST_API_KEY, TEST_API_SECRET);
    for (let round_ = 0; round_ <= rounds; round_++) {
      for (const side of sides) {
        const subscribers = await openSubscribers(
          [side.server.url],
          round_ ? count : 20,
          ROOM,
          side.token,
        );
        const result = await measureFanout({
          webhookUrls: [`${side.server.url}/api/webhook`],
          pids: [side.server.process.pid!],
          subscribers,
          webhooks: round_ ? 30 : 20,
          perSecond: 10,
          nextWebhook,
        });
        await closeSubscribers(subscribers);
        if (round_ === 0) continue; // warm-up
        side.results.push(result);
        console.log(
          `  round ${round_} ${side === sides[0] ? "before" : "after "}: p50 ${result.p50} ms, p99 ${result.p99} ms, ` +
            `CPU ${result.cpuMicrosPerDelivery} µs/delivery, lost ${result.lost}`,
        );
      }
    }
    for (const [name, side] of [
      ["before", sides[0]!],
      ["after", sides[1]!],
    ] as const) {
      const cpu = side.results.map((result) => result.cpuMicrosPerDelivery ?? NaN);
      console.log(
        `${name.padEnd(6)} median p50 ${median(side.results.map((r) => r.p50))} ms, median p99 ${median(side.results.map((r) => r.p99))} ms, ` +
          `CPU ${round(median(cpu), 1)} µs/delivery (mean ${round(mean(cpu), 1)})`,
      );
    }
  } finally {
    await Promise.all([before.stop(), after.stop()]);
    await redis?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
