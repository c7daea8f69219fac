/**
 * What the Redis store costs a managed Redis that bills commands (issue 19), counted by the
 * real redis-server's INFO commandstats: nothing once an instance's last subscriber has left,
 * at most one blocking read per READ_BLOCK_MS while subscribers wait and no webhook comes, and
 * a fixed count per stored webhook. Counts, never timings.
 */
import { randomUUID } from "node:crypto";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { READ_BLOCK_MS, RedisEventStore } from "@/lib/events/redis";
import type { StoredEvent, WebhookEventJson } from "@/lib/shared/event-model";
import { buildWebhookEvent } from "@/lib/livekit-wire";
import { redisForFile } from "../support/fixtures";
import { waitUntil } from "../support/wait";

const redis = redisForFile();
let observer: ReturnType<typeof createClient>;

beforeAll(async () => {
  observer = createClient({ url: redis.url, RESP: 2 });
  await observer.connect();
});
afterAll(async () => {
  observer?.destroy();
});

/** Calls per command name since the server started, without the observer's own INFO. */
async function commandCounts(): Promise<Map<string, number>> {
  const info = await observer.sendCommand(["INFO", "commandstats"]);
  const counts = new Map<string, number>();
  for (const match of String(info).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    if (match[1] !== "info") counts.set(match[1]!, Number(match[2]));
  }
  return counts;
}

function difference(after: Map<string, number>, before: Map<string, number>) {
  const changed: Record<string, number> = {};
  for (const [name, calls] of after) {
    const delta = calls - (before.get(name) ?? 0);
    if (delta) changed[name] = delta;
  }
  return changed;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const event = (room: string) =>
  buildWebhookEvent("participant_joined", { room }) as unknown as WebhookEventJson;

describe("RedisEventStore's commands (issue 19)", () => {
  it("sends nothing while it has no subscriber, one blocking read per READ_BLOCK_MS while it has, and stops after the last one leaves", async () => {
    // The rate the goal allows (≤ 2 a minute) follows from the block time.
    expect(READ_BLOCK_MS).toBeGreaterThanOrEqual(30_000);
    const prefix = `test:{${randomUUID()}}`;
    const store = new RedisEventStore({ url: redis.url, maxLen: 1000, prefix });
    const peer = new RedisEventStore({ url: `${redis.url}/0`, maxLen: 1000, prefix });
    try {
      // Both connections' handshakes done: a health check answers over the command connection.
      await store.health();
      await sleep(500);
      const idleStart = await commandCounts();
      await sleep(3000);
      expect(difference(await commandCounts(), idleStart)).toEqual({});

      const received: StoredEvent[] = [];
      const unsubscribe = await store.subscribe("quiet", (stored) => {
        received.push(stored);
        return true;
      });
      // Starting: where the stream ends (XREVRANGE), then one blocking read.
      await waitUntil(
        async () => ((await commandCounts()).get("xread") ?? 0) > (idleStart.get("xread") ?? 0),
        "the reader's first XREAD",
      );
      const waiting = await commandCounts();
      expect(difference(waiting, idleStart)).toEqual({ xrevrange: 1, xread: 1 });
      await sleep(5000);
      expect(difference(await commandCounts(), waiting)).toEqual({});

      // Per stored webhook: the append script (its SET and XADD) and the reader's next XREAD.
      const before = await commandCounts();
      const webhooks = 10;
      for (let i = 0; i < webhooks; i++) {
        await peer.append(event("quiet"));
        await waitUntil(() => received.length === i + 1, "the reader delivers");
      }
      await sleep(200);
      const perWebhook = difference(await commandCounts(), before);
      expect(perWebhook).toEqual({
        eval: webhooks,
        set: webhooks,
        xadd: webhooks,
        xread: webhooks,
      });

      unsubscribe();
      const left = await commandCounts();
      // The XREAD still blocked returns with the next event; the reader then stops.
      await peer.append(event("quiet"));
      await sleep(3000);
      expect(difference(await commandCounts(), left)).toEqual({ eval: 1, set: 1, xadd: 1 });

      // A new subscriber starts the reader again and misses nothing stored after it subscribed.
      const again: StoredEvent[] = [];
      const unsubscribeAgain = await store.subscribe("quiet", (stored) => {
        again.push(stored);
        return true;
      });
      const later = event("quiet");
      await peer.append(later);
      await waitUntil(() => again.length === 1, "the restarted reader delivers");
      expect(again[0]!.event.id).toBe(later.id);
      unsubscribeAgain();
    } finally {
      await Promise.all([store.close(), peer.close()]);
    }
  }, 60_000);
});
