/**
 * The event stream's and the webhook's guards over HTTP against the production build, memory
 * mode: credentials bounded by their expiry, redaction by audience, honest resume, stream caps
 * and client keys, webhook bytes and replays, JSON 404s and health. Redis: stream-guards-redis.
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWebhookEvent, encodeWireJson, postWebhook, signWebhook } from "@/lib/livekit-wire";
import { operatorHealth, operatorToken, roomToken, roomAdminToken } from "../support/fixtures";
import { TEST_API_KEY, TEST_API_SECRET } from "../support/fixtures";
import { startServer, type RunningServer } from "../support/server";
import { connectSse, parseEventMessage, type SseClient } from "../support/sse";
import { waitUntil } from "../support/wait";
import { sendWebhook } from "../support/webhooks";

/** Keeps 5 events: trimming is easy to reach. */
const LOG_LIMIT = 5;
let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ EVENT_LOG_MEMORY_LIMIT: String(LOG_LIMIT) });
});
afterAll(async () => {
  await server?.stop();
});

const eventIds = (client: SseClient) => client.messages.map((m) => parseEventMessage(m).event.id);

describe("a stream bounded by its credential", () => {
  it("a 5-second token's stream ends within a second of its expiry, saying why; a fresh one resumes without gap or duplicate", async () => {
    const room = "expiring";
    const token = await roomToken(room, { ttlSeconds: 5 });
    const exp = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()).exp as number;
    const client = await connectSse(server.url, { room, token, bearer: true, limit: 0 });
    expect(client.status).toBe(200);
    const first = await sendWebhook(server.url, "participant_joined", { room });
    await client.waitFor((messages) => messages.length === 1);
    await client.ended;
    const endedAt = Date.now();
    expect(client.named.map((event) => event.event)).toEqual(["end"]);
    expect(JSON.parse(client.named[0]!.data)).toEqual({ reason: "credential-expired" });
    expect(endedAt).toBeGreaterThanOrEqual(exp * 1000 - 1000);
    expect(endedAt).toBeLessThanOrEqual(exp * 1000 + 1000);

    // Sent while no stream is open; the fresh credential's stream picks up after the last id.
    const missed = await sendWebhook(server.url, "participant_left", { room });
    const resumed = await connectSse(server.url, {
      room,
      token: await roomToken(room, { ttlSeconds: 60 }),
      bearer: true,
      lastEventId: client.messages[0]!.id,
    });
    const live = await sendWebhook(server.url, "room_finished", { room });
    await resumed.waitFor((messages) => messages.length >= 2);
    resumed.close();
    expect([...eventIds(client), ...eventIds(resumed)]).toEqual([
      first.eventId,
      missed.eventId,
      live.eventId,
    ]);
    expect(resumed.named).toEqual([]);
  });

  it("a stream at SSE_MAX_SECONDS ends with reason max-duration", async () => {
    const short = await startServer({ SSE_MAX_SECONDS: "1" });
    try {
      const room = "max-duration";
      const client = await connectSse(short.url, {
        room,
        token: await roomToken(room, { ttlSeconds: 600 }),
        bearer: true,
      });
      await client.ended;
      expect(client.named.map((event) => JSON.parse(event.data))).toEqual([
        { reason: "max-duration" },
      ]);
    } finally {
      await short.stop();
    }
  });
});

describe("redaction by audience", () => {
  const SECRET_MARKS = ["AKIAEXAMPLE", "wJalrEXAMPLEKEY", "live_123456_streamkey", "user:hunter2"];

  async function viewOf(room: string, token: string, eventId: string) {
    const client = await connectSse(server.url, { room, token, bearer: true, limit: 10 });
    await client.waitFor((messages) =>
      messages.some((m) => parseEventMessage(m).event.id === eventId),
    );
    client.close();
    const message = client.messages.find((m) => parseEventMessage(m).event.id === eventId)!;
    return message.data;
  }

  for (const type of ["ingress_started", "egress_ended"] as const) {
    it(`${type}: a participant's view has no secret, an operator's (roomList or roomAdmin) has it whole`, async () => {
      const room = `redact-${type}`;
      const sent = await sendWebhook(server.url, type, { room });
      expect(sent.status).toBe(200);
      const raw = JSON.parse(sent.rawBody) as Record<string, unknown>;

      const participant = await viewOf(room, await roomToken(room), sent.eventId);
      for (const mark of SECRET_MARKS) expect(participant).not.toContain(mark);
      expect(participant).toContain("[redacted]");
      const seen = parseEventMessage({ id: "", data: participant, receivedAt: 0 }).event;
      expect(seen.id).toBe(raw.id);
      if (type === "ingress_started") {
        expect((seen.ingressInfo as Record<string, unknown>).streamKey).toBe("[redacted]");
        expect((seen.ingressInfo as Record<string, unknown>).ingressId).toBe(
          (raw.ingressInfo as Record<string, unknown>).ingressId,
        );
      } else {
        expect((seen.egressInfo as Record<string, unknown>).egressId).toBe(
          (raw.egressInfo as Record<string, unknown>).egressId,
        );
      }

      for (const operator of [await operatorToken(), await roomAdminToken(room)]) {
        const whole = await viewOf(room, operator, sent.eventId);
        expect(parseEventMessage({ id: "", data: whole, receivedAt: 0 }).event).toEqual(raw);
      }
    });
  }

  it("a hidden participant's events (permission.hidden) reach operators only, in history and live", async () => {
    const room = "hidden-recorder";
    const post = async (type: "participant_joined" | "track_published", identity: string) => {
      const event = buildWebhookEvent(type, { room, identity });
      if (identity === "recorder") {
        const joined = event.participant as Record<string, unknown>;
        joined.permission = { ...(joined.permission as object | undefined), hidden: true };
      }
      const body = encodeWireJson(event);
      const response = await postWebhook(
        `${server.url}/api/webhook`,
        body,
        signWebhook(body, TEST_API_KEY, TEST_API_SECRET),
      );
      expect(response.status).toBe(200);
      return String(event.id);
    };
    const hiddenJoin = await post("participant_joined", "recorder");
    const visibleJoin = await post("participant_joined", "alice");
    const participant = await connectSse(server.url, {
      room,
      token: await roomToken(room, { ttlSeconds: 600 }),
      bearer: true,
      limit: 10,
    });
    const operator = await connectSse(server.url, {
      room,
      token: await roomAdminToken(room),
      bearer: true,
      limit: 10,
    });
    try {
      const hiddenTrack = await post("track_published", "recorder");
      const visibleTrack = await post("track_published", "alice");
      await operator.waitFor((messages) => messages.length === 4);
      await participant.waitFor((messages) =>
        messages.some((m) => parseEventMessage(m).event.id === visibleTrack),
      );
      expect(eventIds(operator)).toEqual([hiddenJoin, visibleJoin, hiddenTrack, visibleTrack]);
      expect(eventIds(participant)).toEqual([visibleJoin, visibleTrack]);
    } finally {
      participant.close();
      operator.close();
    }
  });

  it("live deliveries are redacted too (the hub's per-audience frame)", async () => {
    const room = "redact-live";
    const participant = await connectSse(server.url, {
      room,
      token: await roomToken(room),
      bearer: true,
    });
    const operator = await connectSse(server.url, {
      room,
      token: await operatorToken(),
      bearer: true,
    });
    await waitUntil(() => participant.retry !== null && operator.retry !== null, "streams open");
    const sent = await sendWebhook(server.url, "ingress_started", { room });
    await participant.waitFor((messages) => messages.length === 1);
    await operator.waitFor((messages) => messages.length === 1);
    participant.close();
    operator.close();
    expect(participant.messages[0]!.data).not.toContain("live_123456_streamkey");
    expect(parseEventMessage(operator.messages[0]!).event).toEqual(JSON.parse(sent.rawBody));
  });
});

describe("honest resume", () => {
  it("resuming from a trimmed id sends a gap event (how far back the log reaches) before the kept events", async () => {
    const room = "gap";
    const sent: string[] = [];
    const storeIds: string[] = [];
    for (let i = 0; i < LOG_LIMIT + 3; i++) {
      const result = await sendWebhook(server.url, "track_published", { room });
      sent.push(result.eventId);
      storeIds.push(String(result.body.id));
    }
    const client = await connectSse(server.url, {
      room,
      token: await roomToken(room),
      bearer: true,
      lastEventId: storeIds[0],
    });
    await client.waitFor((messages) => messages.length === LOG_LIMIT);
    client.close();
    expect(client.named.map((event) => event.event)).toEqual(["gap"]);
    const gap = JSON.parse(client.named[0]!.data) as { oldestId: string; oldestReceivedAt: number };
    expect(gap.oldestId).toBe(storeIds[3]);
    expect(gap.oldestReceivedAt).toBe(Number(storeIds[3]!.split("-")[0]));
    expect(client.named[0]!.receivedAt).toBeLessThanOrEqual(client.messages[0]!.receivedAt + 1);
    expect(eventIds(client)).toEqual(sent.slice(3));

    // From a kept id: no gap.
    const kept = await connectSse(server.url, {
      room,
      token: await roomToken(room),
      bearer: true,
      lastEventId: storeIds[4],
    });
    await kept.waitFor((messages) => messages.length === LOG_LIMIT - 2);
    kept.close();
    expect(kept.named).toEqual([]);
  });

  it("an id ahead of the log: 400 JSON", async () => {
    const future = `${Date.now() + 3_600_000}-0`;
    const client = await connectSse(server.url, {
      room: "future",
      token: await roomToken("future"),
      bearer: true,
      lastEventId: future,
    });
    await client.ended;
    expect(client.status).toBe(400);
    expect(client.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(client.body())).toMatchObject({
      errorMessage: expect.stringMatching(/ahead of the event log/),
      field: "lastEventId",
    });
  });
});

describe("limits that hold", () => {
  it("the 21st concurrent stream of one client gets 429 JSON with Retry-After", async () => {
    const room = "cap-client";
    const open: SseClient[] = [];
    try {
      for (let i = 0; i < 20; i++) {
        open.push(
          await connectSse(server.url, {
            room,
            token: await roomToken(room, { ttlSeconds: 600, identity: `viewer-${i}` }),
            bearer: true,
          }),
        );
      }
      expect(open.map((client) => client.status)).toEqual(Array(20).fill(200));
      const refused = await connectSse(server.url, {
        room,
        token: await roomToken(room, { ttlSeconds: 600, identity: "viewer-21" }),
        bearer: true,
      });
      await refused.ended;
      expect(refused.status).toBe(429);
      expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
      expect(JSON.parse(refused.body()).errorMessage).toMatch(/too many open event streams/);
      // One closes: the place is given back.
      open.pop()!.close();
      await waitUntil(async () => {
        const again = await connectSse(server.url, {
          room,
          token: await roomToken(room, { ttlSeconds: 600, identity: "viewer-22" }),
          bearer: true,
        });
        again.close();
        return again.status === 200;
      }, "a place freed");
    } finally {
      open.forEach((client) => client.close());
    }
  });

  it("caps the streams of one credential, whatever address it comes from", async () => {
    const capped = await startServer({
      SSE_MAX_STREAMS_PER_CREDENTIAL: "3",
      TRUSTED_PROXY_HOPS: "1",
    });
    const open: SseClient[] = [];
    try {
      const room = "cap-credential";
      const token = await roomToken(room);
      const from = (address: string) =>
        connectSse(capped.url, {
          room,
          token,
          bearer: true,
          headers: { "X-Forwarded-For": address },
        });
      for (let i = 1; i <= 3; i++) open.push(await from(`198.51.100.${i}`));
      expect(open.map((client) => client.status)).toEqual([200, 200, 200]);
      const refused = await from("198.51.100.4");
      await refused.ended;
      expect(refused.status).toBe(429);
      expect(JSON.parse(refused.body()).errorMessage).toMatch(/credential/);
    } finally {
      open.forEach((client) => client.close());
      await capped.stop();
    }
  });

  it("caps one credential however it is spelled (respelled signature, padding, trailing space)", async () => {
    const capped = await startServer({ SSE_MAX_STREAMS_PER_CREDENTIAL: "3" });
    const open: SseClient[] = [];
    try {
      const room = "cap-respelled";
      const token = await roomToken(room, { ttlSeconds: 600 });
      const [head, payload, signature] = token.split(".") as [string, string, string];
      // The JWT decoder takes each of these as the same signature bytes.
      const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
      const last = alphabet.indexOf(signature.at(-1)!);
      const variants = [0, 1, 2, 3]
        .map((low) => `${head}.${payload}.${signature.slice(0, -1)}${alphabet[(last & ~3) | low]}`)
        .concat([`${head}.${payload}.${signature}=`, `${head}.${payload}.${signature}==`]);
      expect(new Set(variants).size).toBe(6);
      for (const variant of variants.slice(0, 3)) {
        open.push(await connectSse(capped.url, { room, token: variant }));
      }
      expect(open.map((client) => client.status)).toEqual([200, 200, 200]);
      for (const variant of variants.slice(3)) {
        const refused = await connectSse(capped.url, { room, token: variant });
        open.push(refused);
        expect(refused.status, variant.slice(-6)).toBe(429);
        await refused.ended;
        expect(JSON.parse(refused.body()).errorMessage).toMatch(/credential/);
      }
    } finally {
      open.forEach((client) => client.close());
      await capped.stop();
    }
  });

  it("caps the open streams of the whole instance (SSE_MAX_STREAMS): 503 JSON with Retry-After, and the place comes back", async () => {
    const capped = await startServer({ SSE_MAX_STREAMS: "3", TRUSTED_PROXY_HOPS: "1" });
    const open: SseClient[] = [];
    try {
      const room = "cap-instance";
      // Each from its own address with its own credential: no per-client or per-credential cap.
      const from = async (i: number) =>
        connectSse(capped.url, {
          room,
          token: await roomToken(room, { ttlSeconds: 600, identity: `watcher-${i}` }),
          bearer: true,
          headers: { "X-Forwarded-For": `198.51.100.${i}` },
        });
      for (let i = 1; i <= 3; i++) open.push(await from(i));
      expect(open.map((client) => client.status)).toEqual([200, 200, 200]);
      const refused = await from(4);
      open.push(refused);
      expect(refused.status).toBe(503);
      await refused.ended;
      expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
      expect(refused.headers["content-type"]).toMatch(/^application\/json/);
      expect(JSON.parse(refused.body()).errorMessage).toMatch(/open event streams/);
      // One of the three closes: the place is given back.
      open.shift()!.close();
      await waitUntil(async () => {
        const again = await from(5);
        again.close();
        return again.status === 200;
      }, "a place freed");
    } finally {
      open.forEach((client) => client.close());
      await capped.stop();
    }
  });

  it("on a bare next start, a spoofed X-Forwarded-For stays in the one budget of its socket", async () => {
    const limited = await startServer({ TOKEN_RATE_LIMIT_PER_MINUTE: "5" });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        const response = await fetch(`${limited.url}/api/token`, {
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            "X-Forwarded-For": `203.0.113.${i}`,
            "X-Real-IP": `203.0.113.${i}`,
            "X-Livekit-Peer-Address": `203.0.113.${i}`,
          },
          body: JSON.stringify({ roomName: "r", participantName: `p${i}` }),
        });
        statuses.push(response.status);
        await response.body?.cancel();
      }
      expect(statuses.filter((status) => status === 429)).toHaveLength(3);
      // Another socket address (127.0.0.2, same forged headers) is another client: the key is
      // the socket's address as the server saw it, not a shared fallback.
      const other = await new Promise<number>((resolve, reject) => {
        const body = JSON.stringify({ roomName: "r", participantName: "other" });
        const request = http.request(
          `${limited.url}/api/token`,
          {
            method: "POST",
            localAddress: "127.0.0.2",
            headers: {
              "Content-Type": "application/json",
              "Content-Length": String(body.length),
              "X-Forwarded-For": "203.0.113.0",
            },
          },
          (response) => {
            response.resume();
            resolve(response.statusCode ?? 0);
          },
        );
        request.on("error", reject);
        request.end(body);
      });
      expect([200, 201]).toContain(other);
    } finally {
      await limited.stop();
    }
  });

  it("10,000 distinct client keys leave the rate-limit table within its bound", async () => {
    const proxied = await startServer({ TRUSTED_PROXY_HOPS: "1" });
    try {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
      const ask = (i: number) =>
        new Promise<number>((resolve, reject) => {
          const body = "{}";
          const request = http.request(
            // The tutorial path, where `{}` is a bad body (at /api/token it is a valid request).
            `${proxied.url}/token`,
            {
              method: "POST",
              agent,
              headers: {
                "Content-Type": "application/json",
                "Content-Length": String(body.length),
                "X-Forwarded-For": `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
              },
            },
            (response) => {
              response.resume();
              response.on("end", () => resolve(response.statusCode ?? 0));
            },
          );
          request.on("error", reject);
          request.end(body);
        });
      const statuses = new Map<number, number>();
      for (let start = 0; start < 10_000; start += 250) {
        const batch = await Promise.all(Array.from({ length: 250 }, (_, k) => ask(start + k)));
        for (const status of batch) statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
      agent.destroy();
      // Each key's first request is counted (and refused as a bad body), never rate-limited.
      expect(Object.fromEntries(statuses)).toEqual({ 400: 10_000 });
      const { rateLimit } = await operatorHealth(proxied.url);
      expect(rateLimit.windows).toBeGreaterThan(0);
      expect(rateLimit.windows).toBeLessThanOrEqual(5_000);
    } finally {
      await proxied.stop();
    }
  }, 300_000);
});

describe("the webhook on its exact bytes", () => {
  const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

  async function post(body: Buffer, authorization: string | null) {
    const response = await fetch(`${server.url}/livekit/webhook`, {
      method: "POST",
      headers: {
        "Content-Type": "application/webhook+json",
        ...(authorization === null ? {} : { Authorization: authorization }),
      },
      body: new Uint8Array(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it("a body with a byte-order mark, signed over its exact bytes: 200", async () => {
    const event = buildWebhookEvent("room_started", { room: "bom" });
    const body = Buffer.concat([BOM, Buffer.from(encodeWireJson(event))]);
    const signed = signWebhook(body, TEST_API_KEY, TEST_API_SECRET);
    const answer = await post(body, signed);
    expect(answer.status).toBe(200);
    expect(answer.body.id).toMatch(/^\d+-\d+$/);
  });

  it("a byte-order mark added after signing: 401", async () => {
    const event = buildWebhookEvent("room_started", { room: "bom-after" });
    const text = encodeWireJson(event);
    const signed = signWebhook(text, TEST_API_KEY, TEST_API_SECRET);
    const answer = await post(Buffer.concat([BOM, Buffer.from(text)]), signed);
    expect(answer.status).toBe(401);
    expect(answer.body.errorMessage).toMatch(/sha256/);
  });

  it("refuses a missing Authorization before reading the body", async () => {
    // Headers announce 100 KB, only 10 bytes follow and the upload stays open: the answer can
    // only come before the body was read.
    const status = await new Promise<number>((resolve, reject) => {
      const request = http.request(`${server.url}/api/webhook`, {
        method: "POST",
        headers: { "Content-Type": "application/webhook+json", "Content-Length": "100000" },
      });
      request.on("response", (response) => {
        resolve(response.statusCode ?? 0);
        request.destroy();
      });
      request.on("error", reject);
      request.write('{"event":1');
    });
    expect(status).toBe(401);
  });

  it("a delivery replayed after its event left the bounded log is stored once", async () => {
    const room = "replay";
    const event = buildWebhookEvent("participant_joined", { room });
    const body = encodeWireJson(event);
    const authorization = signWebhook(body, TEST_API_KEY, TEST_API_SECRET);
    const first = await postWebhook(`${server.url}/api/webhook`, body, authorization);
    expect(first.status).toBe(200);
    // Push it out of the 5-event log.
    for (let i = 0; i < LOG_LIMIT + 1; i++)
      await sendWebhook(server.url, "room_started", { room: "filler" });
    const replay = await postWebhook(`${server.url}/api/webhook`, body, authorization);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ duplicate: true });
    const client = await connectSse(server.url, {
      room,
      token: await roomToken(room),
      bearer: true,
    });
    await waitUntil(() => client.retry !== null, "stream start");
    const marker = await sendWebhook(server.url, "room_finished", { room });
    await client.waitFor((messages) => messages.length >= 1);
    client.close();
    expect(eventIds(client)).toEqual([marker.eventId]);
  });
});

describe("JSON everywhere", () => {
  it("unknown /api/* paths answer 404 JSON for every method; real routes still answer", async () => {
    for (const method of ["GET", "POST", "PUT", "DELETE"]) {
      const response = await fetch(`${server.url}/api/nope/deeper`, { method });
      expect(response.status, method).toBe(404);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      expect(((await response.json()) as { errorMessage: string }).errorMessage).toMatch(
        /no API route/,
      );
    }
    const nope = await fetch(`${server.url}/api/nope`);
    expect(nope.status).toBe(404);
    expect(await nope.json()).toMatchObject({ errorMessage: expect.any(String) });
    const token = await fetch(`${server.url}/api/token`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ roomName: "r", participantName: "p" }),
    });
    expect([200, 201]).toContain(token.status);
    const events = await connectSse(server.url, {
      room: "r",
      token: await roomToken("r"),
      bearer: true,
    });
    events.close();
    expect(events.status).toBe(200);
    expect(events.headers["content-type"]).toMatch(/^text\/event-stream/);
  });

  it("every answer under /api is JSON with the API's security headers, odd spellings included", async () => {
    const raw = (path: string) =>
      new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>(
        (resolve, reject) => {
          // node:http sends the path as written (fetch would normalise dot segments and case).
          const request = http.get(`${server.url}${path}`, { agent: false }, (response) => {
            let body = "";
            response.setEncoding("utf8");
            response.on("data", (chunk: string) => (body += chunk));
            response.on("end", () =>
              resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
            );
          });
          request.on("error", reject);
        },
      );
    // `/api/` is Next's trailing-slash redirect to `/api` (a 308 with no body), checked below.
    const slash = await raw("/api/");
    expect([slash.status, slash.headers.location]).toEqual([308, "/api"]);
    // `/api/%2e%2e/x` is the URL `/x` (dot segments resolve, as a browser's URL parser does): a
    // page path, not an API one, answered as a page with the page's security headers.
    const dots = await raw("/api/%2e%2e/x");
    expect(dots.status).toBe(404);
    expect(dots.headers["x-content-type-options"]).toBe("nosniff");
    expect(dots.headers["content-security-policy"]).toMatch(/frame-ancestors 'none'/);
    for (const path of [
      "/api",
      "/API/token",
      "/Api/events",
      "/api/x/%2e%2e%2f..%2fy",
      "/api/x%ZZ",
      "/api/%",
      // Next's rewrites match the historic paths in any case: the API answers, with its headers.
      "/TOKEN",
      "/Webhook",
      "/LiveKit/Webhook",
    ]) {
      const { status, headers, body } = await raw(path);
      expect([400, 404, 405], path).toContain(status);
      expect(headers["content-type"], path).toMatch(/^application\/json/);
      expect(headers["referrer-policy"], path).toBe("no-referrer");
      expect(headers["x-content-type-options"], path).toBe("nosniff");
      expect(headers["content-security-policy"], path).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
      expect((JSON.parse(body) as { errorMessage: string }).errorMessage, path).toEqual(
        expect.any(String),
      );
    }
  });

  it("health answers the methods it does not serve with a JSON 405, as every API route does", async () => {
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      const response = await fetch(`${server.url}/api/health`, { method, body: "{}" });
      expect(response.status, method).toBe(405);
      expect(response.headers.get("content-type"), method).toMatch(/^application\/json/);
      expect(response.headers.get("allow"), method).toBe("GET");
      expect(((await response.json()) as { errorMessage: string }).errorMessage).toMatch(/GET/);
    }
  });

  it("a page path with bad percent-encoding (/console/%25, /console/%E0) is a clean 4xx, nothing thrown in the log", async () => {
    for (const path of ["/console/%25", "/console/%E0"]) {
      const response = await fetch(`${server.url}${path}`);
      expect([400, 404], path).toContain(response.status);
      await response.body?.cancel();
    }
    expect(server.output()).not.toMatch(/URIError|TypeError|at .*\(.*\.js:\d+/);
  });

  it("health gives counts only to an operator's credential", async () => {
    const plain = await fetch(`${server.url}/api/health`);
    expect(await plain.json()).toEqual({ ok: true });
    const participant = await fetch(`${server.url}/api/health`, {
      headers: { Authorization: `Bearer ${await roomToken("r")}` },
    });
    expect(await participant.json()).toEqual({ ok: true });
    const operator = await operatorHealth(server.url);
    expect(operator.ok).toBe(true);
    expect(operator.store).toMatchObject({ kind: "memory", ok: true });
    expect(typeof operator.store.events).toBe("number");
    expect(typeof operator.store.subscribers).toBe("number");
  });
});
