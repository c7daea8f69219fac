import { describe, expect, it } from "vitest";
import { MemoryEventStore } from "@/lib/events/memory";
import {
  MAX_BACKLOG_BYTES,
  MAX_REPLAY,
  openEventStream,
  type EventStream,
} from "@/lib/events/stream";
import type { WebhookEventJson } from "@/lib/shared/event-model";
import { buildWebhookEvent } from "@/lib/livekit-wire";

const event = (room: string) =>
  buildWebhookEvent("track_published", { room }) as unknown as WebhookEventJson;

/** A client that takes every byte at once, like a fast socket; records what it got. */
function collect(stream: EventStream) {
  const decoder = new TextDecoder();
  let text = "";
  let ended = false;
  stream.start({
    write(chunk) {
      text += decoder.decode(chunk, { stream: true });
      return 0;
    },
    end() {
      ended = true;
    },
  });
  return {
    get text() {
      return text;
    },
    get ended() {
      return ended;
    },
    ids: () => [...text.matchAll(/^id: (.+)$/gm)].map((match) => match[1]!),
  };
}

const options = {
  room: null,
  limit: 100,
  maxSeconds: 60,
  audience: "operator" as const,
  expiresAt: null,
  heartbeatSeconds: 60,
};

describe("openEventStream", () => {
  it("starts with a retry line, then the newest `limit` events of the room", async () => {
    const store = new MemoryEventStore(100);
    for (let i = 0; i < 5; i++) await store.append(event(i % 2 ? "a" : "b"));
    const stream = await openEventStream({
      ...options,
      store,
      room: "b",
      lastEventId: null,
      limit: 2,
    });
    const client = collect(stream);
    stream.close();
    expect(client.text.startsWith("retry: ")).toBe(true);
    const expected = (await store.readLatest({ room: "b", limit: 2 })).map((stored) => stored.id);
    expect(client.ids()).toEqual(expected);
    expect(client.ended).toBe(true);
  });

  it("sends what arrives while history is read once, after the history, then live events", async () => {
    const store = new MemoryEventStore(100);
    const before = await store.append(event("r"));
    const stream = await openEventStream({ ...options, store, lastEventId: null });
    // Stored after the subscription and the history read, before the client was attached.
    const between = await store.append(event("r"));
    const client = collect(stream);
    const after = await store.append(event("r"));
    stream.close();
    const ids = [before, between, after].map((result) => (result.stored ? result.id : ""));
    expect(client.ids()).toEqual(ids);
  });

  it("ends after MAX_REPLAY replayed events, so a far-behind client resumes in steps with no gap", async () => {
    const store = new MemoryEventStore(MAX_REPLAY + 500);
    for (let i = 0; i < MAX_REPLAY + 300; i++) await store.append(event("r"));
    const first = collect(await openEventStream({ ...options, store, lastEventId: "0-0" }));
    expect(first.ids()).toHaveLength(MAX_REPLAY);
    expect(first.ended).toBe(true);
    const secondStream = await openEventStream({
      ...options,
      store,
      lastEventId: first.ids().at(-1)!,
    });
    const second = collect(secondStream);
    secondStream.close();
    const all = (await store.readSince("0-0", { room: null, limit: 10_000 })).events.map(
      (s) => s.id,
    );
    expect([...first.ids(), ...second.ids()]).toEqual(all);
    expect((await store.health()).subscribers).toBe(0);
  });

  it("ends a client whose unsent bytes pass MAX_BACKLOG_BYTES, after what it was sent", async () => {
    const store = new MemoryEventStore(10);
    const stream = await openEventStream({ ...options, store, lastEventId: null });
    let backlog = 0;
    const written: string[] = [];
    let ended = false;
    stream.start({
      write(chunk) {
        written.push(new TextDecoder().decode(chunk));
        backlog += chunk.byteLength;
        return backlog;
      },
      end() {
        ended = true;
      },
    });
    backlog = MAX_BACKLOG_BYTES; // the client stopped reading
    const last = await store.append(event("r"));
    expect(ended).toBe(true);
    expect(written.at(-1)).toContain(`id: ${last.stored ? last.id : "?"}`);
    expect((await store.health()).subscribers).toBe(0);
  });

  it("unsubscribes when closed, also before it started", async () => {
    const store = new MemoryEventStore(10);
    const stream = await openEventStream({ ...options, store, lastEventId: null });
    const client = collect(stream);
    expect((await store.health()).subscribers).toBe(1);
    stream.close();
    expect(client.ended).toBe(true);
    expect((await store.health()).subscribers).toBe(0);

    const unstarted = await openEventStream({ ...options, store, lastEventId: null });
    expect((await store.health()).subscribers).toBe(1);
    unstarted.close();
    expect((await store.health()).subscribers).toBe(0);
  });
});
