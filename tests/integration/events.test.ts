/**
 * GET /api/events: the SSE stream of the webhook log, against the production build with the
 * in-memory store (one instance). The Redis/two-instance half is in events-redis.test.ts.
 */
import { describe, expect, it } from "vitest";
import { buildWebhookEvent, encodeWireJson, postWebhook, signWebhook } from "@/lib/livekit-wire";
import {
  eventIds,
  operatorHealth,
  operatorToken,
  roomToken,
  TEST_API_KEY,
  TEST_API_SECRET,
  tokenFromServer,
  serverForFile,
} from "../support/fixtures";
import { probeEnv, probeMemory } from "../support/probes";
import { startServer } from "../support/server";
import { connectSse, parseEventMessage } from "../support/sse";
import { sendWebhook } from "../support/webhooks";
import { waitUntil } from "../support/wait";

const server = serverForFile({ SSE_HEARTBEAT_SECONDS: "1" });

async function subscribers(url = server.url): Promise<number> {
  return (await operatorHealth(url)).store.subscribers;
}

describe("the event stream", () => {
  it("answers as server-sent events: headers, retry, id and data with the event as sent", async () => {
    const room = "format";
    const sent = await sendWebhook(server.url, "participant_joined", { room, identity: "ada" });
    // An operator's view: the event exactly as sent (a participant's has its secrets removed).
    const client = await connectSse(server.url, { room, token: await operatorToken() });
    await client.waitFor((messages) => messages.length === 1);
    client.close();
    expect(client.status).toBe(200);
    expect(client.headers["content-type"]).toMatch(/^text\/event-stream/);
    expect(client.headers["cache-control"]).toBe("no-cache, no-transform");
    expect(client.headers["x-accel-buffering"]).toBe("no");
    expect(client.retry).toBeGreaterThan(0);
    const message = client.messages[0]!;
    const data = parseEventMessage(message);
    expect(data.id).toBe(message.id);
    expect(data.id).toBe(sent.body.id);
    expect(data.room).toBe(room);
    expect(typeof data.receivedAt).toBe("number");
    expect(data.event).toEqual(JSON.parse(sent.rawBody));
    expect(data.event.createdAt).toMatch(/^\d+$/);
  });

  it("sends the recent history, then live events, with no gap and no duplicate", async () => {
    const room = "history-then-live";
    const before: string[] = [];
    for (let i = 0; i < 5; i++)
      before.push((await sendWebhook(server.url, "track_published", { room })).eventId);
    const client = await connectSse(server.url, {
      room,
      token: await tokenFromServer(server.url, room),
      limit: 3,
    });
    await client.waitFor((messages) => messages.length === 3);
    // Live events race the history read on purpose: sent while the stream is being set up.
    const live: string[] = [];
    for (let i = 0; i < 5; i++)
      live.push((await sendWebhook(server.url, "track_unpublished", { room })).eventId);
    await client.waitFor((messages) => messages.length >= 8);
    client.close();
    expect(eventIds(client)).toEqual([...before.slice(2), ...live]);
  });

  it("resumes after Last-Event-ID (header or lastEventId) with exactly the missed events", async () => {
    const room = "resume";
    const token = await tokenFromServer(server.url, room);
    await sendWebhook(server.url, "room_started", { room });
    const first = await connectSse(server.url, { room, token });
    await first.waitFor((messages) => messages.length === 1);
    first.close();
    const missed: string[] = [];
    for (let i = 0; i < 4; i++)
      missed.push((await sendWebhook(server.url, "participant_joined", { room })).eventId);

    const byHeader = await connectSse(server.url, {
      room,
      token,
      lastEventId: first.messages[0]!.id,
    });
    const byQuery = await connectSse(server.url, {
      room,
      token,
      query: { lastEventId: first.messages[0]!.id },
    });
    await byHeader.waitFor((messages) => messages.length === 4);
    await byQuery.waitFor((messages) => messages.length === 4);
    const after = await sendWebhook(server.url, "participant_left", { room });
    await byHeader.waitFor((messages) => messages.length === 5);
    await byQuery.waitFor((messages) => messages.length === 5);
    byHeader.close();
    byQuery.close();
    expect(eventIds(byHeader)).toEqual([...missed, after.eventId]);
    expect(eventIds(byQuery)).toEqual([...missed, after.eventId]);
  });

  it("carries only the token's room; a roomList token sees every room", async () => {
    const roomA = await connectSse(server.url, {
      room: "room-a",
      token: await tokenFromServer(server.url, "room-a"),
      bearer: true,
    });
    const all = await connectSse(server.url, { token: await operatorToken() });
    expect([roomA.status, all.status]).toEqual([200, 200]);
    await waitUntil(() => roomA.retry !== null && all.retry !== null, "both streams start");
    const b = await sendWebhook(server.url, "participant_joined", { room: "room-b" });
    const a = await sendWebhook(server.url, "participant_joined", { room: "room-a" });
    const egressB = await sendWebhook(server.url, "egress_ended", { room: "room-b" });
    const ingressA = await sendWebhook(server.url, "ingress_started", { room: "room-a" });
    await roomA.waitFor((messages) => messages.length === 2);
    await all.waitFor(() => eventIds(all).includes(ingressA.eventId));
    roomA.close();
    all.close();
    expect(eventIds(roomA)).toEqual([a.eventId, ingressA.eventId]);
    expect(eventIds(all)).toEqual(
      expect.arrayContaining([b.eventId, a.eventId, egressB.eventId, ingressA.eventId]),
    );
  });

  it("sends a comment heartbeat", async () => {
    const client = await connectSse(server.url, {
      room: "quiet",
      token: await tokenFromServer(server.url, "quiet"),
    });
    await waitUntil(() => client.comments.includes("heartbeat"), "a heartbeat");
    client.close();
  });
});

describe("access to the event stream", () => {
  const refusal = async (options: Parameters<typeof connectSse>[1]) => {
    const client = await connectSse(server.url, options);
    await client.ended;
    return { status: client.status, body: JSON.parse(client.body()) as { errorMessage: string } };
  };

  it("refuses a missing, invalid, expired or foreign credential with 401", async () => {
    const expiredJwt = await roomToken("r", { identity: "x", ttlSeconds: 1 });
    const foreignJwt = await roomToken("r", { identity: "x", secret: "someone-elses-secret" });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (const options of [
      { room: "r" },
      { room: "r", token: "garbage" },
      { room: "r", token: expiredJwt },
      { room: "r", token: foreignJwt, bearer: true },
      { token: await operatorToken({ secret: "someone-elses-secret" }) },
    ]) {
      const { status, body } = await refusal(options);
      expect(status, JSON.stringify(options)).toBe(401);
      expect(body.errorMessage).toMatch(/credential/);
    }
  });

  it("refuses a valid token for another room, or all rooms without roomList, with 403", async () => {
    const token = await tokenFromServer(server.url, "room-a");
    expect(await refusal({ room: "room-b", token })).toEqual({
      status: 403,
      body: { errorMessage: "the credential is not for this room" },
    });
    expect((await refusal({ token })).status).toBe(403);
  });

  it("refuses a malformed Last-Event-ID or limit with 400", async () => {
    const token = await tokenFromServer(server.url, "r");
    expect((await refusal({ room: "r", token, lastEventId: "yesterday" })).status).toBe(400);
    expect((await refusal({ room: "r", token, limit: 100_000 })).status).toBe(400);
    expect((await refusal({ room: "r", token, query: { limit: "-1" } })).status).toBe(400);
  });

  it("answers browsers of other origins: preflight, and the allow-origin header on streams and refusals", async () => {
    const preflight = await fetch(`${server.url}/api/events`, {
      method: "OPTIONS",
      headers: {
        Origin: "http://localhost:5173",
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization, last-event-id",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-methods")).toContain("GET");
    expect(preflight.headers.get("access-control-allow-headers")).toMatch(/Authorization/i);
    expect(preflight.headers.get("access-control-allow-headers")).toMatch(/Last-Event-ID/i);

    const room = "cors";
    const client = await connectSse(server.url, {
      room,
      token: await tokenFromServer(server.url, room),
    });
    await waitUntil(() => client.retry !== null, "the stream starts");
    client.close();
    expect(client.headers["access-control-allow-origin"]).toBe("*");

    const refused = await fetch(`${server.url}/api/events?room=${room}`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get("access-control-allow-origin")).toBe("*");
    expect(refused.headers.get("content-type")).toMatch(/^application\/json/);

    const wrongMethod = await fetch(`${server.url}/api/events`, { method: "POST", body: "{}" });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("GET, OPTIONS");
    expect(await wrongMethod.json()).toEqual({ errorMessage: expect.stringMatching(/GET/) });
  });

  it("never writes a credential to the log", async () => {
    const token = await tokenFromServer(server.url, "r");
    await refusal({ room: "other", token });
    const client = await connectSse(server.url, { room: "r", token });
    client.close();
    expect(server.output()).not.toContain(token);
    expect(server.output()).not.toContain(token.split(".")[2]!);
  });
});

describe("the stream's lifetime", () => {
  it("removes a client that disconnects at once: 1,000 cycles leave no subscriber and no growth", async () => {
    // A server of its own with the bench's memory probe: heap measured after a full GC, so
    // what is retained is counted, not what the collector has not reached yet.
    const probed = await startServer({
      ...probeEnv({ memory: true }),
      SSE_MAX_STREAMS_PER_CLIENT: "0",
      SSE_MAX_STREAMS_PER_CREDENTIAL: "0",
    });
    try {
      const room = "cycles";
      const token = await tokenFromServer(probed.url, room);
      const cycle = async () => {
        const client = await connectSse(probed.url, { room, token });
        await waitUntil(() => client.retry !== null, "stream start");
        client.close();
      };
      const thousandCycles = async () => {
        for (let batch = 0; batch < 10; batch++) {
          await Promise.all(Array.from({ length: 100 }, cycle));
        }
        await waitUntil(async () => (await subscribers(probed.url)) === 0, "subscribers removed");
      };
      await thousandCycles(); // warms up the server's caches and JIT
      const before = (await probeMemory(probed)).heapUsed;
      await thousandCycles();
      await thousandCycles();
      const growth = (await probeMemory(probed)).heapUsed - before;
      // A leaked stream keeps its request, response, queue and timers (what one costs is in
      // docs/performance.md): 2,000 of them would hold far more than this bound.
      expect(growth).toBeLessThan(16 * 1024 * 1024);
    } finally {
      await probed.stop();
    }
  }, 120_000); // 3,000 stream cycles: far longer than the default on a loaded machine

  it("drops a client that cannot keep up, without delaying the others, and it resumes by id", async () => {
    const room = "slow";
    const token = await tokenFromServer(server.url, room);
    const fast = await connectSse(server.url, { room, token });
    const slow = await connectSse(server.url, { room, token });
    await waitUntil(() => fast.retry !== null && slow.retry !== null, "both streams start");
    slow.pause();
    const padding = "x".repeat(60_000);
    const sent: string[] = [];
    // Until the slow client is dropped (its backlog plus the kernel's socket buffers, a few MB),
    // each event must reach the fast client before the next is sent: it never waits for the slow one.
    while ((await subscribers()) === 2) {
      expect(sent.length, "the slow client was never dropped").toBeLessThan(400);
      const event = buildWebhookEvent("participant_joined", { room });
      event.padding = padding;
      const body = encodeWireJson(event);
      const response = await postWebhook(
        `${server.url}/api/webhook`,
        body,
        signWebhook(body, TEST_API_KEY, TEST_API_SECRET),
      );
      expect(response.status).toBe(200);
      sent.push(String(event.id));
      await fast.waitFor((messages) => messages.length === sent.length);
    }
    expect(eventIds(fast)).toEqual(sent);
    slow.resume();
    await slow.ended;
    const got = eventIds(slow);
    expect(got).toEqual(sent.slice(0, got.length));
    const resumed = await connectSse(server.url, {
      room,
      token,
      lastEventId: slow.messages.at(-1)?.id ?? "0-0",
    });
    await resumed.waitFor((messages) => messages.length === sent.length - got.length, 20_000);
    resumed.close();
    fast.close();
    expect([...got, ...eventIds(resumed)]).toEqual(sent);
  });
});

describe("the stream's own cut before the function limit", () => {
  it("ends the response after SSE_MAX_SECONDS and the client resumes by id with nothing lost", async () => {
    const short = await startServer({ SSE_MAX_SECONDS: "2" });
    try {
      const room = "cut";
      const token = await tokenFromServer(short.url, room);
      let client = await connectSse(short.url, { room, token, limit: 0 });
      await waitUntil(() => client.retry !== null, "the first stream starts");
      // Events keep coming while streams are cut and resumed.
      const sent: string[] = [];
      let sending = true;
      const sender = (async () => {
        while (sending) {
          sent.push((await sendWebhook(short.url, "track_published", { room })).eventId);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      })();
      const received: string[] = [];
      let lastEventId: string | undefined;
      for (let cut = 1; ; cut++) {
        expect(client.status).toBe(200);
        await client.ended;
        received.push(...eventIds(client));
        lastEventId = client.messages.at(-1)?.id ?? lastEventId;
        // At least two cuts, and until enough events went through them (a loaded machine sends
        // fewer per cut): a condition, not a time.
        if (cut >= 2 && sent.length > 20) break;
        client = await connectSse(short.url, { room, token, lastEventId });
      }
      sending = false;
      await sender;
      const tail = await connectSse(short.url, { room, token, lastEventId });
      await tail.waitFor(() => received.length + tail.messages.length >= sent.length);
      tail.close();
      received.push(...eventIds(tail));
      expect(received).toEqual(sent);
      expect(sent.length).toBeGreaterThan(20);
    } finally {
      await short.stop();
    }
  });
});
