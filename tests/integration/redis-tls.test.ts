/**
 * The event log over TLS (`rediss://`), as managed Redis serves it: a redis-server of the test's
 * own serving TLS only, with a certificate made in the test by a throwaway CA. The production
 * server is given the URL under KV_URL (Upstash's name on Vercel) and trusts the CA through
 * Node's own NODE_EXTRA_CA_CERTS: the certificate is verified for real, and without the CA the
 * same server refuses the connection.
 */
import { describe, expect, it } from "vitest";
import {
  eventIds,
  operatorHealth,
  operatorToken,
  redisForFile,
  serverForFile,
  trackProcesses,
} from "../support/fixtures";
import { connectSse } from "../support/sse";
import { sendWebhook } from "../support/webhooks";
import { waitUntil } from "../support/wait";

const redis = redisForFile({ tls: true });
const a = serverForFile(() => ({ KV_URL: redis.url, NODE_EXTRA_CA_CERTS: redis.caFile! }));
const b = serverForFile(() => ({ REDIS_URL: redis.url, NODE_EXTRA_CA_CERTS: redis.caFile! }));
const processes = trackProcesses();

describe("Redis over TLS (rediss://)", () => {
  it("keeps and streams the event log over TLS, across two instances", async () => {
    expect(redis.url).toMatch(/^rediss:\/\/127\.0\.0\.1:\d+$/);
    expect((await operatorHealth(a.url)).store).toMatchObject({ kind: "redis", ok: true });
    const room = "tls";
    const client = await connectSse(b.url, { room, token: await operatorToken() });
    await waitUntil(() => client.retry !== null, "the stream starts");
    const sent = await sendWebhook(a.url, "participant_joined", { room });
    expect(sent.status).toBe(200);
    const again = await sendWebhook(b.url, "participant_left", { room });
    await client.waitFor((messages) => messages.length === 2);
    client.close();
    expect(eventIds(client)).toEqual([sent.eventId, again.eventId]);
  });

  it("verifies the certificate: without the CA the same URL is refused, and webhooks get 503", async () => {
    const untrusting = await processes.server({ KV_URL: redis.url });
    const sent = await sendWebhook(untrusting.url, "room_started", { room: "tls-untrusted" });
    expect(sent.status).toBe(503);
    expect((await operatorHealth(untrusting.url)).store).toMatchObject({ ok: false });
    expect(untrusting.output()).toMatch(/certificate/i);
  });
});
