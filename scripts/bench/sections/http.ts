/**
 * Requests per second, latency and server CPU of the token and webhook routes (memory and
 * Redis stores), next to our emptiest route (the floor) and the Express baseline, measured in
 * alternating rounds so a slow moment of the machine falls on all of them alike.
 */
import { startServer } from "../../../tests/support/server";
import { getTarget, tokenTarget, webhookTarget } from "../load-targets";
import { CONNECTION_RAMP_MS, measureAlternating, type LoadResult } from "../measure/http-load";
import { ratio } from "../measure/stats";
import { startBaseline } from "../processes";
import { cpu, table } from "../report";
import type { Figures, Section } from "../section";
import { HTTP } from "../settings";

/** Each row's route, and whose req/s it is compared with. */
const ROWS: [key: string, reference: string][] = [
  ["floor", "expressToken"],
  ["token", "expressToken"],
  ["expressToken", ""],
  ["webhook", "expressWebhook"],
  ["webhookRedis", "expressWebhook"],
  ["expressWebhook", ""],
];
const OURS = new Set(["token", "webhook", "webhookRedis"]);

function render({ http }: Figures): string | null {
  if (!http) return null;
  const floor = http.floor;
  const versus = (result: LoadResult, reference: LoadResult | undefined) =>
    reference ? `${ratio(result.requestsPerSecond, reference.requestsPerSecond)}×` : "";
  const rows = ROWS.filter(([key]) => http[key]).map(([key, reference]) => {
    const result = http[key]!;
    const isOurs = OURS.has(key);
    return [
      result.label,
      String(result.requestsPerSecond),
      result.p50.toFixed(2),
      result.p99.toFixed(2),
      isOurs && floor ? versus(result, floor) : "",
      isOurs && floor ? `${ratio(result.p99, floor.p99)}×` : "",
      isOurs || key === "floor" ? versus(result, http[reference]) : "",
      cpu(result),
    ];
  });
  return (
    `\nHTTP, ${HTTP.connections} connections (autocannon), mean of ${HTTP.rounds} alternating ${HTTP.seconds} s rounds; ` +
    `latency of the requests sent after a round's first ${CONNECTION_RAMP_MS} ms (the connection ramp, see http-load.ts):\n` +
    table(
      [
        "route",
        "req/s",
        "p50 ms",
        "p99 ms",
        "req/s vs floor",
        "p99 vs floor",
        "req/s vs Express",
        "server CPU ms/req",
      ],
      rows,
    )
  );
}

export const httpSection: Section = {
  name: "http",
  selectors: ["http"],
  byDefault: true,
  needsRedis: true,
  async run({ figures, redisUrl, log, serverEnv }) {
    log(
      `\n# HTTP: ${HTTP.connections} connections, ${HTTP.rounds} alternating rounds of ${HTTP.seconds} s per target`,
    );
    const memory = await startServer(serverEnv());
    const redis = redisUrl ? await startServer(serverEnv({ REDIS_URL: redisUrl })) : null;
    const baseline = await startBaseline();
    try {
      const targets = [
        getTarget(memory, "floor", "floor: GET /api/health"),
        tokenTarget(memory, "token", "POST /api/token"),
        tokenTarget(baseline, "expressToken", "Express: POST /token", "/token"),
        webhookTarget(memory, "webhook", "POST /api/webhook (memory)"),
        ...(redis ? [webhookTarget(redis, "webhookRedis", "POST /api/webhook (redis)")] : []),
        webhookTarget(
          baseline,
          "expressWebhook",
          "Express: POST /livekit/webhook",
          "/livekit/webhook",
        ),
      ];
      figures.http = Object.fromEntries(await measureAlternating(targets, HTTP, log));
    } finally {
      await Promise.all([memory.stop(), redis?.stop(), baseline.stop()]);
    }
  },
  render,
};
