/**
 * What a handler file costs the webhook route (issue 21): POST /api/webhook's latency with the
 * shipped webhook-handlers.ts (its example commented out: no handler, nothing recorded) against a
 * build with handlers for every event (tests/support/webhook-handlers.ts, two per
 * participant_joined: its own and "*", each doing nothing without TEST_HANDLER_LOG), in memory
 * and in Redis, in alternating rounds. What the "present" rows pay is the runner's own work:
 * the runs recorded before the 2xx (Redis: one script), and after it the claim, the handler and
 * the finish (Next's after()). Target: p99 within 1.1× of the same store's "absent" row.
 *
 *   npm run bench -- --only handlers
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { HANDLERS_DIST_DIR } from "../../../tests/support/handlers";
import { ROOT, startServer } from "../../../tests/support/server";
import { webhookTarget } from "../load-targets";
import { CONNECTION_RAMP_MS, measureAlternating } from "../measure/http-load";
import { ratio } from "../measure/stats";
import { runNextBuild } from "../processes";
import { cpu, ms, table } from "../report";
import type { Figures, Section } from "../section";
import { HTTP } from "../settings";

export const HANDLERS_P99_TARGET = 1.1;

const PAIRS = [
  { store: "memory", absent: "handlersAbsent", present: "handlersPresent" },
  { store: "redis", absent: "handlersAbsentRedis", present: "handlersPresentRedis" },
] as const;

function render({ handlers }: Figures): string | null {
  if (!handlers) return null;
  const rows = PAIRS.filter(({ absent, present }) => handlers[absent] && handlers[present]).map(
    ({ store, absent, present }) => {
      const without = handlers[absent]!;
      const withHandlers = handlers[present]!;
      const p99Ratio = withHandlers.p99 / without.p99;
      const cpuRatio =
        without.cpuMsPerRequest && withHandlers.cpuMsPerRequest
          ? `${ratio(withHandlers.cpuMsPerRequest, without.cpuMsPerRequest)}×`
          : "";
      return [
        store,
        String(without.requestsPerSecond),
        ms(without.p99),
        cpu(without),
        String(withHandlers.requestsPerSecond),
        ms(withHandlers.p99),
        cpu(withHandlers),
        `${ratio(withHandlers.p99, without.p99)}×`,
        cpuRatio,
        p99Ratio <= HANDLERS_P99_TARGET ? "met" : "MISSED",
      ];
    },
  );
  return (
    `\nWebhook route with a handler file present vs absent, ${HTTP.connections} connections, mean of ` +
    `${HTTP.rounds} alternating ${HTTP.seconds} s rounds (latency after the first ${CONNECTION_RAMP_MS} ms); ` +
    `target p99 ratio ≤ ${HANDLERS_P99_TARGET}×; the server CPU per request (handlers' runs included, after the ` +
    `answer) is the steadier figure on a shared machine:\n` +
    table(
      [
        "store",
        "absent req/s",
        "absent p99 ms",
        "absent CPU ms/req",
        "present req/s",
        "present p99 ms",
        "present CPU ms/req",
        "p99 present/absent",
        "CPU present/absent",
        "target",
      ],
      rows,
    )
  );
}

export const handlersSection: Section = {
  name: "handlers",
  selectors: ["handlers"],
  byDefault: false,
  needsRedis: true,
  async run({ figures, redisUrl, log, serverEnv }) {
    log(`\n# Handlers: webhook route with and without a handler file`);
    if (!existsSync(path.join(ROOT, HANDLERS_DIST_DIR, "BUILD_ID"))) {
      log(`building the handlers build into ${HANDLERS_DIST_DIR} ...`);
      await runNextBuild(ROOT, {
        NEXT_DIST_DIR: HANDLERS_DIST_DIR,
        WEBHOOK_HANDLERS_MODULE: "./tests/support/webhook-handlers.ts",
      });
    }
    const present = { NEXT_DIST_DIR: HANDLERS_DIST_DIR };
    const servers = await Promise.all([
      startServer(serverEnv()),
      startServer(serverEnv(present)),
      ...(redisUrl
        ? [
            startServer(serverEnv({ REDIS_URL: redisUrl })),
            startServer(serverEnv({ ...present, REDIS_URL: redisUrl })),
          ]
        : []),
    ]);
    try {
      const [absent, withHandlers, absentRedis, withHandlersRedis] = servers;
      const targets = [
        webhookTarget(absent!, "handlersAbsent", "webhook, no handler (memory)"),
        webhookTarget(withHandlers!, "handlersPresent", "webhook, handlers (memory)"),
        ...(absentRedis && withHandlersRedis
          ? [
              webhookTarget(absentRedis, "handlersAbsentRedis", "webhook, no handler (redis)"),
              webhookTarget(withHandlersRedis, "handlersPresentRedis", "webhook, handlers (redis)"),
            ]
          : []),
      ];
      figures.handlers = Object.fromEntries(await measureAlternating(targets, HTTP, log));
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
    }
  },
  render,
};
