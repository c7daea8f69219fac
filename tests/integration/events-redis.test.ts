/**
 * Two production instances (`next start` on two ports) sharing one real Redis, as on a
 * serverless platform: the webhook lands on one, the browser's stream is held by the other.
 */
import { describe, expect, it } from "vitest";
import { encodeWireJson, buildWebhookEvent, postWebhook, signWebhook } from "@/lib/livekit-wire";
import {
  eventIds,
  operatorHealth,
  TEST_API_KEY,
  TEST_API_SECRET,
  tokenFromServer,
  redisForFile,
  serverForFile,
} from "../support/fixtures";
import { connectSse } from "../support/sse";
import { sendWebhook } from "../support/webhooks";
import { waitUntil } from "../support/wait";

const redis = redisForFile();
const a = serverForFile(() => ({ REDIS_URL: redis.url }));
const b = serverForFile(() => ({ REDIS_URL: redis.url, SSE_MAX_SECONDS: "3" }));

describe("two instances sharing Redis", () => {
  it("reports the Redis store in /api/health", async () => {
    const health = await operatorHealth(a.url);
    expect(health.store).toMatchObject({ kind: "redis", ok: true });
  });

  it("streams a webhook received by one instance to a client of the other", async () => {
    const room = "cross";
    const client = await connectSse(b.url, { room, token: await tokenFromServer(b.url, room) });
    await waitUntil(() => client.retry !== null, "the stream starts");
    const started = performance.now();
    const sent = await sendWebhook(a.url, "participant_joined", { room });
    expect(sent.status).toBe(200);
    await client.waitFor((messages) => messages.length === 1);
    console.info(
      `webhook on A -> SSE client on B: ${(client.messages[0]!.receivedAt - started).toFixed(1)} ms`,
    );
    client.close();
    expect(eventIds(client)).toEqual([sent.eventId]);
    expect(client.messages[0]!.id).toBe(sent.body.id);
  });

  it("stores and streams once the same signed delivery sent to both instances at once", async () => {
    const room = "same-delivery";
    const token = await tokenFromServer(a.url, room);
    const onA = await connectSse(a.url, { room, token });
    const onB = await connectSse(b.url, { room, token });
    await waitUntil(() => onA.retry !== null && onB.retry !== null, "both streams start");
    const body = encodeWireJson(buildWebhookEvent("participant_left", { room }), true);
    const authorization = signWebhook(body, TEST_API_KEY, TEST_API_SECRET);
    const answers = await Promise.all(
      [a, b, a, b].map((server) =>
        postWebhook(`${server.url}/livekit/webhook`, body, authorization),
      ),
    );
    expect(answers.map((response) => response.status)).toEqual([200, 200, 200, 200]);
    const stored = (await Promise.all(answers.map((r) => r.json()))).filter((json) => "id" in json);
    expect(stored).toHaveLength(1);
    const marker = await sendWebhook(b.url, "room_finished", { room });
    await onA.waitFor(() => eventIds(onA).includes(marker.eventId));
    await onB.waitFor(() => eventIds(onB).includes(marker.eventId));
    onA.close();
    onB.close();
    const id = String(JSON.parse(body).id);
    expect(eventIds(onA)).toEqual([id, marker.eventId]);
    expect(eventIds(onB)).toEqual([id, marker.eventId]);
  });

  it("after a disconnect, Last-Event-ID on the other instance brings exactly the missed events", async () => {
    const room = "resume-across";
    const token = await tokenFromServer(a.url, room);
    const first = await connectSse(a.url, { room, token });
    await first.waitFor(() => first.retry !== null);
    const seen = await sendWebhook(b.url, "room_started", { room });
    await first.waitFor((messages) => messages.length === 1);
    first.close();
    const missed: string[] = [];
    for (let i = 0; i < 5; i++)
      missed.push((await sendWebhook(i % 2 ? a.url : b.url, "track_published", { room })).eventId);
    const resumed = await connectSse(b.url, { room, token, lastEventId: first.messages[0]!.id });
    await resumed.waitFor((messages) => messages.length === 5);
    resumed.close();
    expect(eventIds(first)).toEqual([seen.eventId]);
    expect(eventIds(resumed)).toEqual(missed);
  });

  it("gives a room-A token no event of room B, and refuses it for room B", async () => {
    const token = await tokenFromServer(a.url, "room-a");
    const client = await connectSse(b.url, { room: "room-a", token });
    await waitUntil(() => client.retry !== null, "the stream starts");
    await sendWebhook(a.url, "participant_joined", { room: "room-b" });
    const mine = await sendWebhook(a.url, "participant_joined", { room: "room-a" });
    await client.waitFor((messages) => messages.length >= 1);
    client.close();
    expect(eventIds(client)).toEqual([mine.eventId]);

    const forbidden = await connectSse(b.url, { room: "room-b", token });
    await forbidden.ended;
    expect(forbidden.status).toBe(403);
    const unauthenticated = await connectSse(b.url, { room: "room-b", token: "x.y.z" });
    await unauthenticated.ended;
    expect(unauthenticated.status).toBe(401);
  });

  it("ends a stream before the function limit and the client resumes on another instance with no gap", async () => {
    const room = "cut-across";
    const token = await tokenFromServer(a.url, room);
    const cut = await connectSse(b.url, { room, token, limit: 0 });
    await waitUntil(() => cut.retry !== null, "the stream starts");
    const sent: string[] = [];
    while (!cut.isEnded()) {
      expect(sent.length, "the stream was never cut").toBeLessThan(200);
      sent.push((await sendWebhook(a.url, "track_published", { room })).eventId);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    for (let i = 0; i < 3; i++)
      sent.push((await sendWebhook(b.url, "track_unpublished", { room })).eventId);
    const resumed = await connectSse(a.url, { room, token, lastEventId: cut.messages.at(-1)!.id });
    await resumed.waitFor((messages) => cut.messages.length + messages.length === sent.length);
    resumed.close();
    expect([...eventIds(cut), ...eventIds(resumed)]).toEqual(sent);
  });

  it("answers 503 while Redis is down, and the open stream goes on when it is back", async () => {
    const room = "outage";
    const token = await tokenFromServer(a.url, room);
    const client = await connectSse(b.url, { room, token });
    await waitUntil(() => client.retry !== null, "the stream starts");
    const before = await sendWebhook(a.url, "room_started", { room });
    await client.waitFor((messages) => messages.length === 1);

    await redis.stop();
    const refused = await sendWebhook(a.url, "participant_joined", { room });
    expect(refused.status).toBe(503);
    expect(refused.body.errorMessage).toMatch(/unavailable/);
    const stream = await connectSse(a.url, { room, token });
    await stream.ended;
    expect(stream.status).toBe(503);
    expect((await fetch(`${b.url}/api/health`)).status).toBe(503);

    await redis.restart();
    let after: Awaited<ReturnType<typeof sendWebhook>> | undefined;
    await waitUntil(async () => {
      after = await sendWebhook(a.url, "participant_joined", { room });
      return after.status === 200;
    }, "webhooks are accepted again");
    await client.waitFor((messages) => messages.length === 2, 15_000);
    client.close();
    expect(eventIds(client)).toEqual([before.eventId, after!.eventId]);
    expect(a.output() + b.output()).not.toContain(TEST_API_SECRET);
  });
});
