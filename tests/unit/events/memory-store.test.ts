import { describe, expect, it } from "vitest";
import { MemoryEventStore } from "@/lib/events/memory";
import type { WebhookEventJson } from "@/lib/shared/event-model";
import { buildWebhookEvent } from "@/lib/livekit-wire";
import { describeEventStoreContract } from "../../support/event-store-contract";

describeEventStoreContract("memory", async () => ({
  store: new MemoryEventStore(1000),
  close: async () => {},
}));

describe("MemoryEventStore", () => {
  const event = () =>
    buildWebhookEvent("room_started", { room: "r" }) as unknown as WebhookEventJson;

  it("keeps only the newest `limit` events and forgets the dedupe of evicted ones", async () => {
    const store = new MemoryEventStore(3);
    const first = event();
    await store.append(first);
    for (let i = 0; i < 5; i++) await store.append(event());
    const kept = await store.readLatest({ room: null, limit: 10 });
    expect(kept).toHaveLength(3);
    expect(kept.map((stored) => stored.event.id)).not.toContain(first.id);
    expect((await store.health()).events).toBe(3);
  });

  it("gives ids that keep ascending within one millisecond", async () => {
    const store = new MemoryEventStore(100);
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) {
      const result = await store.append(event());
      if (result.stored) ids.push(result.id);
    }
    expect(new Set(ids).size).toBe(50);
    expect((await store.readSince(ids[48]!, { room: null, limit: 5 })).events).toHaveLength(1);
  });
});
