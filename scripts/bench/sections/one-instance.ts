/**
 * On one fresh memory-store instance: webhook → browser fan-out (`sse`), memory per idle SSE
 * connection, and first-load JS in Chromium (`page`). Its report part is the fan-out table
 * (with the Redis section's rows, measured later), idle memory and page weight.
 */
import { DIST_DIR, ROOT, startServer } from "../../../tests/support/server";
import { buildFrameworkFloor, startFrameworkFloor } from "../baselines/framework-floor";
import { interleavedFanout, type FanoutRounds } from "../fanout";
import { frameworkWeight, measurePageWeight, type PageWeight } from "../measure/page-weight";
import type { IdleMemory } from "../measure/sse-fanout";
import { kb, ratio } from "../measure/stats";
import { table } from "../report";
import type { Figures, Section } from "../section";
import { FANOUT, IDLE_CONNECTIONS } from "../settings";

const spread = (min: number | null, max: number | null) =>
  min === null || max === null ? "" : `${min}–${max}`;

function renderFanout({ fanout }: Figures): string | null {
  if (!fanout || !(fanout.oneInstance.length || fanout.redis.length)) return null;
  const pairs: [string, FanoutRounds, FanoutRounds | undefined][] = [];
  const add = (where: string, ours: FanoutRounds[], floor: FanoutRounds[]) => {
    for (const result of ours) {
      const floorResult = floor.find((each) => each.subscribers === result.subscribers);
      if (floorResult) pairs.push([`${where}: empty Pages-route floor`, floorResult, undefined]);
      pairs.push([where, result, floorResult]);
    }
  };
  add("one instance (memory)", fanout.oneInstance, fanout.floor);
  add("two instances + Redis", fanout.redis, fanout.redisFloor);
  const versus = (ours: number | null, base: number | null | undefined) =>
    ours !== null && base !== null && base !== undefined ? `${ratio(ours, base)}×` : "";
  const rows = pairs.map(([where, result, floor]) => [
    where,
    String(result.subscribers),
    String(result.rounds.length),
    `${result.received}/${result.expected}`,
    result.p50.toFixed(2),
    result.p99.toFixed(2),
    spread(result.p99Min, result.p99Max),
    floor ? `${ratio(result.p99, floor.p99)}×` : "",
    String(result.cpuMicrosPerDelivery ?? ""),
    spread(result.cpuMin, result.cpuMax),
    versus(result.cpuMicrosPerDelivery, floor?.cpuMicrosPerDelivery),
    String(result.webhookCpuMicros ?? ""),
    String(result.deliveryCpuMicros ?? ""),
    spread(result.deliveryCpuMin, result.deliveryCpuMax),
    versus(result.deliveryCpuMicros, floor?.deliveryCpuMicros),
    String(result.lost + result.duplicates),
  ]);
  return (
    `\nWebhook -> browser, ${FANOUT.webhooks} webhooks at ${FANOUT.perSecond}/s, POST sent -> frame received at each subscriber; ` +
    `rounds interleaved with the empty Pages-route floor's (a Next app with no code of ours, one instance), medians of the rounds. ` +
    `CPU: the servers' over the whole run per frame delivered; webhook CPU: per POST with no subscriber ` +
    `(${FANOUT.webhookOnly.webhooks} at ${FANOUT.webhookOnly.perSecond}/s, same rounds; ours verifies, stores and logs it, the floor only reads it); ` +
    `fan-out CPU: the run's CPU less its webhooks' own, per frame:\n` +
    table(
      [
        "setup",
        "subscribers",
        "rounds",
        "delivered",
        "p50 ms",
        "p99 ms",
        "p99 spread",
        "p99 vs floor",
        "CPU µs/delivery",
        "CPU spread",
        "CPU vs floor",
        "webhook CPU µs",
        "fan-out CPU µs/delivery",
        "fan-out CPU spread",
        "fan-out CPU vs floor",
        "lost",
      ],
      rows,
    )
  );
}

function describeIdle(name: string, idle: IdleMemory): string {
  return (
    `${name}: resident growth ${kb(idle.bytesPerConnection)} KB, ` +
    `JS heap retained ${kb(idle.heapBytesPerConnection)} KB (server RSS ${kb(idle.before.rss)} KB -> ` +
    `${kb(idle.after.rss)} KB, heap ${kb(idle.before.heapUsed)} KB -> ${kb(idle.after.heapUsed)} KB, each after a full GC)`
  );
}

function renderIdle({ idleConnection: idle, idleConnectionFloor: floor }: Figures): string | null {
  if (!idle) return null;
  return (
    `\nMemory per idle SSE connection, ${idle.connections} open: ${describeIdle("ours", idle)}` +
    (floor ? `; ${describeIdle("the empty Pages-route floor", floor)}` : "") +
    "."
  );
}

function renderPage({ page }: Figures): string | null {
  if (!page) return null;
  const weights: [string, PageWeight][] = [
    ["Next + React runtime (every page)", page.framework],
    ["landing page /", page.landing],
  ];
  if (page.room) weights.push(["room page (after Join)", page.room]);
  const rows = weights.map(([name, weight]) => [
    name,
    String(weight.scripts.length),
    kb(weight.bytes).toFixed(1),
    kb(weight.gzipBytes).toFixed(1),
  ]);
  return (
    `\nFirst-load JS (KB = 1024 B; gzip level 6 as next start sends it); ${page.note}:\n` +
    table(["page", "scripts", "KB", "KB gzip"], rows)
  );
}

/** The framework-floor app's Pages Router stream and the POST that writes to it. */
export const FLOOR_STREAM_PATH = "/api/pages-events";
export const FLOOR_WEBHOOK_PATH = "/api/pages-webhook";

export const oneInstanceSection: Section = {
  name: "one instance",
  selectors: ["sse", "page"],
  byDefault: true,
  async run({ selected, figures, log, serverEnv }) {
    const server = await startServer(serverEnv({}, { memory: true }));
    try {
      if (selected.has("sse")) {
        log(
          `\n# Webhook -> browser, one instance: ${FANOUT.webhooks} webhooks at ${FANOUT.perSecond}/s, ` +
            `${FANOUT.rounds} rounds interleaved with the empty Pages-route floor`,
        );
        await buildFrameworkFloor(log);
        const floor = await startFrameworkFloor();
        try {
          const { results, idle } = await interleavedFanout(
            [
              {
                key: "floor",
                label: "floor (empty Pages route)",
                servers: [floor],
                token: "unused",
                streamPath: FLOOR_STREAM_PATH,
                webhookPath: FLOOR_WEBHOOK_PATH,
              },
              { key: "ours", label: "ours, one instance", servers: [server] },
            ],
            { log, idleAt: IDLE_CONNECTIONS },
          );
          figures.fanout = {
            floor: results.floor ?? [],
            oneInstance: results.ours ?? [],
            redisFloor: figures.fanout?.redisFloor ?? [],
            redis: figures.fanout?.redis ?? [],
          };
          if (idle.ours) figures.idleConnection = idle.ours;
          if (idle.floor) figures.idleConnectionFloor = idle.floor;
        } finally {
          await floor.stop();
        }
      }
      if (selected.has("page")) {
        log("\n# First-load JS (Chromium)");
        figures.page = await measurePageWeight(server.url, frameworkWeight(ROOT, DIST_DIR));
        log(`  ${figures.page.note}`);
      }
    } finally {
      await server.stop();
    }
  },
  render: (figures) =>
    [renderFanout(figures), renderIdle(figures), renderPage(figures)]
      .filter((part) => part !== null)
      .join("\n") || null,
};
