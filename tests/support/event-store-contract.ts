/**
 * The EventStore contract: one suite, run against the memory store (tests/unit) and the Redis
 * store on a real redis-server (tests/integration).
 */
import { describe, expect, it } from "vitest";
import { compareEventIds } from "@/lib/shared/event-ids";
import type { EventStore } from "@/lib/events/types";
import type { StoredEvent, WebhookEventJson } from "@/lib/shared/event-model";
import { buildWebhookEvent } from "@/lib/livekit-wire";
import type { EventType } from "@/lib/shared/event-catalogue";
import { waitUntil } from "./wait";

export interface StoreUnderTest {
  store: EventStore;
  /** A second store on the same backend (another instance), where the implementation has one. */
  peer?: EventStore;
  close(): Promise<void>;
}

function event(type: EventType, room: string): WebhookEventJson {
  return buildWebhookEvent(type, { room }) as unknown as WebhookEventJson;
}

function collect(store: EventStore, room: string | null) {
  const received: StoredEvent[] = [];
  const frames: string[] = [];
  const ready = store.subscribe(room, (stored, frame) => {
    received.push(stored);
    frames.push(new TextDecoder().decode(frame("operator")));
    return true;
  });
  return { received, frames, ready };
}

export function describeEventStoreContract(name: string, open: () => Promise<StoreUnderTest>) {
  describe(`EventStore contract: ${name}`, () => {
    const withStore = (test: (subject: StoreUnderTest) => Promise<void>) => async () => {
      const subject = await open();
      try {
        await test(subject);
      } finally {
        await subject.close();
      }
    };

    it(
      "appends with ascending ids and keeps the event exactly as sent",
      withStore(async ({ store }) => {
        const sent = { ...event("participant_joined", "r1"), futureField: { nested: [1, "2"] } };
        const first = await store.append(sent);
        const second = await store.append(event("room_started", "r1"));
        if (!first.stored || !second.stored) throw new Error("expected both stored");
        expect(compareEventIds(first.id, second.id)).toBeLessThan(0);
        const [stored] = await store.readLatest({ room: null, limit: 2 });
        expect(stored).toMatchObject({ id: first.id, room: "r1", event: sent });
        expect(stored!.event.createdAt).toBe(sent.createdAt);
        expect(typeof stored!.receivedAt).toBe("number");
      }),
    );

    it(
      "stores a retried delivery (same LiveKit id) once",
      withStore(async ({ store, peer }) => {
        const sent = event("track_published", "r1");
        expect((await store.append(sent)).stored).toBe(true);
        expect(await store.append(sent)).toEqual({ stored: false, duplicate: true });
        expect(await (peer ?? store).append({ ...sent })).toEqual({
          stored: false,
          duplicate: true,
        });
        expect(await store.readLatest({ room: null, limit: 10 })).toHaveLength(1);
      }),
    );

    it(
      "stores one copy when the same delivery arrives at two instances at once",
      withStore(async ({ store, peer }) => {
        const sent = event("participant_left", "r1");
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) => (i % 2 && peer ? peer : store).append({ ...sent })),
        );
        expect(results.filter((result) => result.stored)).toHaveLength(1);
        expect(await store.readLatest({ room: null, limit: 20 })).toHaveLength(1);
      }),
    );

    it(
      "reads the newest events, oldest first, for one room or all",
      withStore(async ({ store }) => {
        for (let i = 0; i < 6; i++)
          await store.append(event("participant_joined", i % 2 ? "odd" : "even"));
        const all = await store.readLatest({ room: null, limit: 4 });
        expect(all).toHaveLength(4);
        const ids = all.map((stored) => stored.id);
        expect([...ids].sort(compareEventIds)).toEqual(ids);
        const odd = await store.readLatest({ room: "odd", limit: 10 });
        expect(odd.map((stored) => stored.room)).toEqual(["odd", "odd", "odd"]);
        expect(await store.readLatest({ room: "none", limit: 10 })).toEqual([]);
        expect(await store.readLatest({ room: null, limit: 0 })).toEqual([]);
      }),
    );

    it(
      "reads since an id, exclusive, bounded, per room",
      withStore(async ({ store }) => {
        const ids: string[] = [];
        for (let i = 0; i < 8; i++) {
          const result = await store.append(event("track_published", i < 4 ? "a" : "b"));
          if (result.stored) ids.push(result.id);
        }
        const after = await store.readSince(ids[1]!, { room: null, limit: 100 });
        expect(after.events.map((stored) => stored.id)).toEqual(ids.slice(2));
        expect(after.next).toBeNull();
        const three = await store.readSince(ids[1]!, { room: null, limit: 3 });
        expect(three.events.map((s) => s.id)).toEqual(ids.slice(2, 5));
        // Stopped at `limit` before the log's end: the next read continues after the last one.
        expect(three.next).toBe(ids[4]);
        expect(
          (await store.readSince(ids[1]!, { room: "b", limit: 100 })).events.map((s) => s.id),
        ).toEqual(ids.slice(4));
        expect(await store.readSince(ids[7]!, { room: null, limit: 100 })).toEqual({
          events: [],
          next: null,
        });
        expect((await store.readSince("0-0", { room: "a", limit: 100 })).events.length).toBe(4);
      }),
    );

    it(
      "hands every later event to subscribers of its room and of all rooms, one frame each",
      withStore(async ({ store, peer }) => {
        const roomA = collect(store, "a");
        const everyRoom = collect(store, null);
        await Promise.all([roomA.ready, everyRoom.ready]);
        const writer = peer ?? store;
        const sent = [
          event("room_started", "a"),
          event("room_started", "b"),
          event("egress_ended", "a"),
        ];
        for (const item of sent) await writer.append(item);
        await waitUntil(() => everyRoom.received.length === 3 && roomA.received.length === 2);
        expect(roomA.received.map((stored) => stored.event.id)).toEqual([sent[0]!.id, sent[2]!.id]);
        expect(everyRoom.received.map((stored) => stored.event.id)).toEqual(sent.map((s) => s.id));
        const frame = roomA.frames[0]!;
        expect(frame).toBe(
          `id: ${roomA.received[0]!.id}\ndata: ${JSON.stringify(roomA.received[0])}\n\n`,
        );
        expect((await store.health()).subscribers).toBe(2);
      }),
    );

    it(
      "stops calling a listener that unsubscribed or answered false",
      withStore(async ({ store }) => {
        let calls = 0;
        const unsubscribe = await store.subscribe("a", () => {
          calls += 1;
          return true;
        });
        let refusals = 0;
        await store.subscribe("a", () => {
          refusals += 1;
          return false;
        });
        await store.append(event("room_started", "a"));
        await waitUntil(() => calls === 1 && refusals === 1);
        unsubscribe();
        expect((await store.health()).subscribers).toBe(0);
        await store.append(event("room_finished", "a"));
        const marker = collect(store, "a");
        await marker.ready;
        await store.append(event("participant_joined", "a"));
        // The marker may also get room_finished (stored before it subscribed, read by Redis's
        // reader after): wait for the event sent after it, whatever came first.
        await waitUntil(() =>
          marker.received.some((stored) => stored.event.event === "participant_joined"),
        );
        expect([calls, refusals]).toEqual([1, 1]);
      }),
    );

    it(
      "reports its health",
      withStore(async ({ store }) => {
        await store.append(event("room_started", "a"));
        expect(await store.health()).toMatchObject({ kind: store.kind, ok: true, events: 1 });
      }),
    );
  });
}
