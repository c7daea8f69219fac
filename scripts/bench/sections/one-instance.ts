/**
 * On one fresh memory-store instance: webhook → browser fan-out (`sse`), memory per idle SSE
 * connection, and first-load JS in Chromium (`page`). Its report part is the fan-out table
 * (with the Redis section's rows, measured later), idle memory and page weight.
 */
import { DIST_DIR, ROOT, startServer } from "../../../tests/support/server";
import { fanoutSeries } from "../fanout";
import { frameworkWeight, measurePageWeight, type PageWeight } from "../measure/page-weight";
import { kb } from "../measure/stats";
import { table } from "../report";
import type { Figures, Section } from "../section";
import { FANOUT, IDLE_CONNECTIONS } from "../settings";

function renderFanout({ fanout }: Figures): string | null {
  if (!fanout || !(fanout.oneInstance.length || fanout.redis.length)) return null;
  const rows = [
    ...fanout.oneInstance.map((result) => ["one instance (memory)", result] as const),
    ...fanout.redis.map((result) => ["two instances + Redis", result] as const),
  ].map(([where, result]) => [
    where,
    String(result.subscribers),
    `${result.received}/${result.expected}`,
    result.p50.toFixed(2),
    result.p99.toFixed(2),
    result.max.toFixed(2),
    String(result.lost + result.duplicates),
  ]);
  return (
    `\nWebhook -> browser, ${FANOUT.webhooks} webhooks at ${FANOUT.perSecond}/s, POST sent -> frame received at each subscriber:\n` +
    table(["setup", "subscribers", "delivered", "p50 ms", "p99 ms", "max ms", "lost"], rows)
  );
}

function renderIdle({ idleConnection: idle }: Figures): string | null {
  if (!idle) return null;
  return (
    `\nMemory per idle SSE connection, ${idle.connections} open: resident growth ${kb(idle.bytesPerConnection)} KB, ` +
    `JS heap retained ${kb(idle.heapBytesPerConnection)} KB (server RSS ${kb(idle.before.rss)} KB -> ` +
    `${kb(idle.after.rss)} KB, heap ${kb(idle.before.heapUsed)} KB -> ${kb(idle.after.heapUsed)} KB, each after a full GC).`
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

export const oneInstanceSection: Section = {
  name: "one instance",
  selectors: ["sse", "page"],
  byDefault: true,
  async run({ selected, figures, log, serverEnv }) {
    const server = await startServer(serverEnv({}, { memory: true }));
    try {
      if (selected.has("sse")) {
        log(
          `\n# Webhook -> browser, one instance: ${FANOUT.webhooks} webhooks at ${FANOUT.perSecond}/s`,
        );
        const { results, idle } = await fanoutSeries([server], "one instance", {
          log,
          idleAt: IDLE_CONNECTIONS,
        });
        figures.fanout = { oneInstance: results, redis: figures.fanout?.redis ?? [] };
        if (idle) figures.idleConnection = idle;
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
