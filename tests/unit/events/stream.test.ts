import { describe, expect, it } from "vitest";
import { MemoryEventStore } from "@/lib/events/memory";
import { MAX_REPLAY, openEventStream } from "@/lib/events/stream";
import type { WebhookEventJson } from "@/lib/events/types";
import { buildWebhookEvent } from "../../../scripts/livekit-wire";

const event = (room: string) =>
  buildWebhookEvent("track_published", { room }) as unknown as WebhookEventJson;

/** Reads frames until `count` messages arrived or the stream ended. */
async function readMessages(stream: ReadableStream<Uint8Array>, count: number) {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let ended = false;
  const ids = () => [...text.matchAll(/^id: (.+)$/gm)].map((match) => match[1]!);
  while (ids().length < count) {
    const { done, value } = await reader.read();
    if (done) {
      ended = true;
      break;
    }
    text += decoder.decode(value, { stream: true });
  }
  return { ids: ids(), text, ended, cancel: () => reader.cancel() };
}

const options = { room: null, limit: 100, maxSeconds: 60, heartbeatSeconds: 60 };

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
    const { text, ids, cancel } = await readMessages(stream, 2);
    await cancel();
    expect(text.startsWith("retry: ")).toBe(true);
    const expected = (await store.readLatest({ room: "b", limit: 2 })).map((stored) => stored.id);
    expect(ids).toEqual(expected);
  });

  it("ends after MAX_REPLAY replayed events, so a far-behind client resumes in steps with no gap", async () => {
    const store = new MemoryEventStore(MAX_REPLAY + 500);
    for (let i = 0; i < MAX_REPLAY + 300; i++) await store.append(event("r"));
    const first = await readMessages(
      await openEventStream({ ...options, store, lastEventId: "0-0" }),
      MAX_REPLAY + 1,
    );
    expect(first.ids).toHaveLength(MAX_REPLAY);
    expect(first.ended).toBe(true);
    const second = await readMessages(
      await openEventStream({ ...options, store, lastEventId: first.ids.at(-1)! }),
      300,
    );
    await second.cancel();
    const all = (await store.readSince("0-0", { room: null, limit: 10_000 })).map((s) => s.id);
    expect([...first.ids, ...second.ids]).toEqual(all);
    expect((await store.health()).subscribers).toBe(0);
  });

  it("unsubscribes when the reader cancels or the request aborts", async () => {
    const store = new MemoryEventStore(10);
    const stream = await openEventStream({ ...options, store, lastEventId: null });
    expect((await store.health()).subscribers).toBe(1);
    await stream.cancel();
    expect((await store.health()).subscribers).toBe(0);

    const abort = new AbortController();
    const aborted = await openEventStream({
      ...options,
      store,
      lastEventId: null,
      signal: abort.signal,
    });
    const reading = readMessages(aborted, 1);
    expect((await store.health()).subscribers).toBe(1);
    abort.abort();
    expect((await reading).ended).toBe(true);
    expect((await store.health()).subscribers).toBe(0);
  });
});
