/**
 * The guards that involve Redis, over HTTP against the production build and a real
 * redis-server: honest resume after the stream was trimmed, a slow Redis that never stalls a
 * token request, and a quiet room's history that costs Redis a bounded amount.
 */
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roomToken } from "../support/fixtures";
import { startRedis, type RunningRedis } from "../support/redis";
import { startServer, type RunningServer } from "../support/server";
import { connectSse, parseEventMessage, type SseClient } from "../support/sse";
import { waitUntil } from "../support/wait";
import { sendWebhook } from "../support/webhooks";

const STREAM_KEY = "livekit:{events}:stream";

let redis: RunningRedis;
let server: RunningServer;
let admin: ReturnType<typeof createClient>;

beforeAll(async () => {
  redis = await startRedis();
  server = await startServer({ REDIS_URL: redis.url });
  admin = createClient({ url: redis.url });
  await admin.connect();
});
afterAll(async () => {
  await admin?.quit().catch(() => {});
  await server?.stop();
  await redis?.stop();
});

describe("honest resume, Redis", () => {
  it("resuming from an id trimmed out of the stream sends a gap event first; an id ahead of it is a 400", async () => {
    const room = "redis-gap";
    const ids: string[] = [];
    const sent: string[] = [];
    for (let i = 0; i < 6; i++) {
      const result = await sendWebhook(server.url, "track_published", { room });
      ids.push(String(result.body.id));
      sent.push(result.eventId);
    }
    // As EVENT_LOG_REDIS_MAXLEN trimming does: the oldest entries go.
    await admin.sendCommand(["XTRIM", STREAM_KEY, "MAXLEN", "3"]);
    const client = await connectSse(server.url, {
      room,
      token: await roomToken(room),
      bearer: true,
      lastEventId: ids[0],
    });
    await client.waitFor((messages) => messages.length === 3);
    client.close();
    expect(client.named.map((event) => event.event)).toEqual(["gap"]);
    expect(JSON.parse(client.named[0]!.data)).toMatchObject({ oldestId: ids[3] });
    expect(client.messages.map((m) => parseEventMessage(m).event.id)).toEqual(sent.slice(3));

    const future = await connectSse(server.url, {
      room,
      token: await roomToken(room),
      bearer: true,
      lastEventId: `${Date.now() + 3_600_000}-0`,
    });
    await future.ended;
    expect(future.status).toBe(400);
    expect(JSON.parse(future.body()).field).toBe("lastEventId");
  });
});

describe("a slow Redis degrades, never stalls", () => {
  it("with Redis paused, /api/token still answers within 500 ms, and says so in the log", async () => {
    await admin.sendCommand(["CLIENT", "PAUSE", "3000", "ALL"]);
    const started = performance.now();
    const response = await fetch(`${server.url}/api/token`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ roomName: "paused", participantName: "p" }),
    });
    const elapsed = performance.now() - started;
    expect(response.ok).toBe(true);
    expect(elapsed).toBeLessThan(500);
    await waitUntil(
      () => server.output().includes("token rate limit: Redis unavailable or slow"),
      "log line",
    );
    await admin.sendCommand(["CLIENT", "UNPAUSE"]);
  });
});

describe("a quiet room's history", () => {
  // 10,000 events of about 2 KB in a busy room, stored as the store stores them, between two
  // events of a quiet room.
  let quietFirst: string;
  let quietLast: string;
  const outputBytes = async () => {
    const info = (await admin.sendCommand(["INFO", "stats"])) as string;
    return Number(/total_net_output_bytes:(\d+)/.exec(info)![1]);
  };
  /** The bytes Redis sent while `action` ran, once the instance's own reader has settled. */
  const redisSentDuring = async (action: () => Promise<void>) => {
    // The instance's blocking reader takes new entries too (not what is measured): wait until
    // Redis has sent them all.
    let settled = await outputBytes();
    await waitUntil(
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        const now = await outputBytes();
        // Each INFO reply counts itself (about 2 KB).
        const quiet = now - settled < 16 * 1024;
        settled = now;
        return quiet;
      },
      "the reader caught up",
      30_000,
    );
    const before = await outputBytes();
    await action();
    return (await outputBytes()) - before;
  };

  beforeAll(async () => {
    quietFirst = String((await sendWebhook(server.url, "room_started", { room: "quiet" })).body.id);
    const padding = "x".repeat(2000);
    for (let start = 0; start < 10_000; start += 500) {
      const batch = admin.multi();
      for (let i = start; i < start + 500; i++) {
        const event = { event: "room_started", id: `EV_busy${i}`, room: { name: "busy" }, padding };
        batch.addCommand(["XADD", STREAM_KEY, "*", "room", "busy", "event", JSON.stringify(event)]);
      }
      await batch.exec();
    }
    quietLast = String((await sendWebhook(server.url, "room_finished", { room: "quiet" })).body.id);
  }, 120_000);

  it("costs Redis a bounded number of bytes, however much other rooms fill the stream", async () => {
    let client: SseClient | undefined;
    const sent = await redisSentDuring(async () => {
      client = await connectSse(server.url, {
        room: "quiet",
        token: await roomToken("quiet"),
        bearer: true,
        limit: 1,
      });
      await waitUntil(() => client!.retry !== null, "history read, stream started");
      client.close();
    });
    console.log(
      `quiet-room history: Redis sent ${(sent / 1024).toFixed(0)} KB (stream of 10,000 × 2 KB)`,
    );
    expect(client!.status).toBe(200);
    // The cap (1 MiB scanned) plus the page that crosses it, far from the stream's ~20 MB.
    expect(sent).toBeLessThan(1.5 * 1024 * 1024);
  }, 120_000);

  it("a resume (Last-Event-ID) costs Redis as little, ends saying where to go on, and the chain reaches the room's next event", async () => {
    const token = await roomToken("quiet", { ttlSeconds: 600 });
    let first: SseClient | undefined;
    const sent = await redisSentDuring(async () => {
      first = await connectSse(server.url, {
        room: "quiet",
        token,
        bearer: true,
        lastEventId: quietFirst,
      });
      // The history is read before the first byte (the retry line) is written.
      await waitUntil(() => first!.retry !== null, "resume read, stream started");
    });
    console.log(
      `quiet-room resume: Redis sent ${(sent / 1024).toFixed(0)} KB (stream of 10,000 × 2 KB)`,
    );
    expect(first!.status).toBe(200);
    expect(sent).toBeLessThan(1.5 * 1024 * 1024);
    await waitUntil(() => first!.isEnded(), "the resume ended itself", 10_000);
    // Nothing of the quiet room in the first megabyte: the stream ends and says where it stopped.
    expect(first!.messages).toEqual([]);
    const end = first!.named.at(-1)!;
    expect(end.event).toBe("end");
    const { reason, resumeAfter } = JSON.parse(end.data) as { reason: string; resumeAfter: string };
    expect(reason).toBe("scan-capped");
    expect(resumeAfter > quietFirst).toBe(true);

    // Following resumeAfter, as the page (and an EventSource, from the frame's id) does, reaches
    // the quiet room's next event with nothing lost or repeated.
    let after = resumeAfter;
    const received: string[] = [];
    for (let hops = 0; received.length === 0 && hops < 40; hops++) {
      const next = await connectSse(server.url, {
        room: "quiet",
        token,
        bearer: true,
        lastEventId: after,
      });
      const live = next.waitFor((messages) => messages.length > 0, 10_000).catch(() => {});
      await Promise.race([next.ended, live]);
      next.close();
      received.push(...next.messages.map((message) => message.id));
      const ended = next.named.find((event) => event.event === "end");
      if (ended) after = (JSON.parse(ended.data) as { resumeAfter: string }).resumeAfter;
    }
    expect(received).toEqual([quietLast]);
  }, 120_000);
});
