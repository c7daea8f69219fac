/**
 * Requests per second, latency and server CPU of the token route (in both dialects: the
 * tutorial servers' and LiveKit's standard endpoint, answered 201) and the webhook route (memory
 * and Redis stores), next to two floors and the Express baseline, measured in alternating rounds so
 * a slow moment of the machine falls on all of them alike. The floors: our emptiest route (GET
 * /api/health), and for each kind of POST an empty route of a Next app with no code of ours that
 * reads the same JSON body and answers (baselines/framework-floor.ts, `/api/echo`), so a POST
 * route's ratio is against what the framework costs for that kind of request.
 */
import { startServer } from "../../../tests/support/server";
import { buildFrameworkFloor, startFrameworkFloor } from "../baselines/framework-floor";
import { getTarget, standardTokenTarget, tokenTarget, webhookTarget } from "../load-targets";
import { CONNECTION_RAMP_MS, measureAlternating, type LoadResult } from "../measure/http-load";
import { ratio } from "../measure/stats";
import { startBaseline } from "../processes";
import { cpu, ms, table } from "../report";
import type { Figures, Section } from "../section";
import { HTTP } from "../settings";

/**
 * The table's rows in order: each route's key in `figures.http`, the POST floor its ratios are
 * of (ours only), and whose req/s it is compared with.
 */
interface Row {
  key: string;
  postFloor?: string;
  express?: string;
}
const ROWS: Row[] = [
  { key: "floor", express: "expressToken" },
  { key: "postFloorToken" },
  { key: "token", postFloor: "postFloorToken", express: "expressToken" },
  { key: "tokenStandard", postFloor: "postFloorToken", express: "expressToken" },
  { key: "expressToken" },
  { key: "postFloorWebhook" },
  { key: "webhook", postFloor: "postFloorWebhook", express: "expressWebhook" },
  { key: "webhookRedis", postFloor: "postFloorWebhook", express: "expressWebhook" },
  { key: "expressWebhook" },
];
const POST_FLOORS = new Set(["postFloorToken", "postFloorWebhook"]);

function render({ http }: Figures): string | null {
  if (!http) return null;
  const getFloor = http.floor;
  const versus = (result: LoadResult, reference: LoadResult | undefined) =>
    reference ? `${ratio(result.requestsPerSecond, reference.requestsPerSecond)}×` : "";
  const rows = ROWS.filter(({ key }) => http[key]).map(({ key, postFloor, express }) => {
    const result = http[key]!;
    const isOurs = postFloor !== undefined;
    const floor = postFloor ? http[postFloor] : undefined;
    return [
      result.label,
      String(result.requestsPerSecond),
      ms(result.p50),
      ms(result.p99),
      (isOurs || POST_FLOORS.has(key)) && getFloor ? versus(result, getFloor) : "",
      floor ? versus(result, floor) : "",
      floor ? `${ratio(result.p99, floor.p99)}×` : "",
      express ? versus(result, http[express]) : "",
      cpu(result),
    ];
  });
  return (
    `\nHTTP, ${HTTP.connections} connections (autocannon), mean of ${HTTP.rounds} alternating ${HTTP.seconds} s rounds; ` +
    `latency of the requests sent after a round's first ${CONNECTION_RAMP_MS} ms (the connection ramp, see http-load.ts). ` +
    `GET floor: our emptiest route; POST floor: an empty route of a Next app with no code of ours that reads ` +
    `the same JSON body (framework-floor.ts), the reference of the route's POST-floor ratios:\n` +
    table(
      [
        "route",
        "req/s",
        "p50 ms",
        "p99 ms",
        "req/s vs GET floor",
        "req/s vs POST floor",
        "p99 vs POST floor",
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
    await buildFrameworkFloor(log);
    const memory = await startServer(serverEnv());
    const redis = redisUrl ? await startServer(serverEnv({ REDIS_URL: redisUrl })) : null;
    const baseline = await startBaseline();
    const floorApp = await startFrameworkFloor(serverEnv());
    try {
      const targets = [
        getTarget(memory, "floor", "GET floor: GET /api/health"),
        tokenTarget(floorApp, "postFloorToken", "POST floor, token body", "/api/echo"),
        tokenTarget(memory, "token", "POST /api/token (tutorial)"),
        standardTokenTarget(memory, "tokenStandard", "POST /api/token (standard)"),
        tokenTarget(baseline, "expressToken", "Express: POST /token", "/token"),
        webhookTarget(floorApp, "postFloorWebhook", "POST floor, webhook body", "/api/echo"),
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
      await Promise.all([memory.stop(), redis?.stop(), baseline.stop(), floorApp.stop()]);
    }
  },
  render,
};
