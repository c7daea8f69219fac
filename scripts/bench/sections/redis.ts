/**
 * Webhook → browser through Redis: two instances share the run's Redis, webhooks go to both in
 * turn and subscribers are spread over both. Its rows are in the fan-out table (one-instance.ts).
 */
import { startServer } from "../../../tests/support/server";
import { fanoutSeries } from "../fanout";
import type { Section } from "../section";
import { FANOUT } from "../settings";

export const redisSection: Section = {
  name: "redis",
  selectors: ["redis"],
  byDefault: true,
  needsRedis: true,
  async run({ figures, redisUrl, log, serverEnv }) {
    if (!redisUrl) throw new Error("the redis section runs with the run's Redis");
    log(
      `\n# Webhook -> browser, two instances through Redis: ${FANOUT.webhooks} webhooks at ${FANOUT.perSecond}/s`,
    );
    const servers = [
      await startServer(serverEnv({ REDIS_URL: redisUrl })),
      await startServer(serverEnv({ REDIS_URL: redisUrl })),
    ];
    try {
      const { results } = await fanoutSeries(servers, "two instances + Redis", { log });
      figures.fanout = { oneInstance: figures.fanout?.oneInstance ?? [], redis: results };
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
    }
  },
};
