import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { RedisEventStore } from "@/lib/events/redis";
import type { StoredEvent, WebhookEventJson } from "@/lib/shared/event-model";
import { buildWebhookEvent } from "@/lib/livekit-wire";
import { waitUntil } from "../support/wait";
import { describeEventStoreContract } from "../support/event-store-contract";
import { redisForFile } from "../support/fixtures";

const redis = redisForFile();

/** Two stores on one prefix stand for two app instances sharing one Redis. */
function openPair(maxLen = 10_000) {
  const prefix = `test:{${randomUUID()}}`;
  const store = new RedisEventStore({ url: redis.url, maxLen, prefix });
  const peer = new RedisEventStore({ url: `${redis.url}/0`, maxLen, prefix });
  return {
    store,
    peer,
    close: async () => {
      await Promise.all([store.close(), peer.close()]);
    },
  };
}

describeEventStoreContract("redis", async () => openPair());

describe("RedisEventStore", () => {
  const event = (room = "r") =>
    buildWebhookEvent("participant_joined", { room }) as unknown as WebhookEventJson;

  it("trims the stream to about maxLen", async () => {
    const { store, close } = openPair(100);
    try {
      for (let i = 0; i < 400; i++) await store.append(event());
      const { events } = await store.health();
      expect(events).toBeGreaterThanOrEqual(100);
      expect(events).toBeLessThan(400);
    } finally {
      await close();
    }
  });

  it("answers a 503 (storeUnavailable) while Redis is down, and the reader resumes after", async () => {
    const { store, peer, close } = openPair();
    try {
      const received: StoredEvent[] = [];
      await store.subscribe("r", (stored) => {
        received.push(stored);
        return true;
      });
      const before = event();
      await peer.append(before);
      await waitUntil(() => received.length === 1, "the reader delivers");

      await redis.stop();
      const unavailable = { status: 503, brand: "livekit-app-server.HttpError" };
      await expect(peer.append(event())).rejects.toMatchObject(unavailable);
      await expect(store.readLatest({ room: null, limit: 1 })).rejects.toMatchObject(unavailable);
      expect((await store.health()).ok).toBe(false);

      // A fresh Redis (the data went with the old one): the reader must follow the new stream.
      await redis.restart();
      const after = event();
      await waitUntil(
        () =>
          peer.append(after).then(
            () => true,
            () => false,
          ),
        "appends succeed once Redis is back",
      );
      await waitUntil(() => received.length === 2, "the reader resumes after Redis came back");
      expect(received.map((stored) => stored.event.id)).toEqual([before.id, after.id]);
    } finally {
      await close();
    }
  });
});
