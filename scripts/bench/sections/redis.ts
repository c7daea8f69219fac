/**
 * Webhook → browser through Redis: two instances share the run's Redis, webhooks go to both in
 * turn and subscribers are spread over both, in rounds interleaved with the empty Pages-route
 * floor's (one instance: the framework's cost of a fan-out, with no store in between). Its rows
 * are in the fan-out table (one-instance.ts).
 */
import { startServer } from "../../../tests/support/server";
import { buildFrameworkFloor, startFrameworkFloor } from "../baselines/framework-floor";
import { interleavedFanout } from "../fanout";
import type { Section } from "../section";
import { FANOUT } from "../settings";
import { FLOOR_STREAM_PATH, FLOOR_WEBHOOK_PATH } from "./one-instance";

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
    await buildFrameworkFloor(log);
    const floor = await startFrameworkFloor();
    const servers = [
      await startServer(serverEnv({ REDIS_URL: redisUrl })),
      await startServer(serverEnv({ REDIS_URL: redisUrl })),
    ];
    try {
      const { results } = await interleavedFanout(
        [
          {
            key: "floor",
            label: "floor (empty Pages route)",
            servers: [floor],
            token: "unused",
            streamPath: FLOOR_STREAM_PATH,
            webhookPath: FLOOR_WEBHOOK_PATH,
          },
          { key: "ours", label: "ours, two instances + Redis", servers },
        ],
        { log },
      );
      figures.fanout = {
        floor: figures.fanout?.floor ?? [],
        oneInstance: figures.fanout?.oneInstance ?? [],
        redisFloor: results.floor ?? [],
        redis: results.ours ?? [],
      };
    } finally {
      await Promise.all([floor.stop(), ...servers.map((server) => server.stop())]);
    }
  },
};
