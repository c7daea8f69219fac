/**
 * Our faults, LiveKit's answer: what the real livekit-server (v1.13.5) does when /api/webhook
 * fails. Its notifier (livekit/protocol webhook/resource_url_notifier.go, go-retryablehttp 0.7.8
 * with its defaults) keeps one queue per room, sends each event with up to 4 retries on a
 * connection error, a 429 or a 5xx other than 501, waits 1, 2, 4, 8 s between attempts (or the
 * Retry-After of a 429/503, whatever it says), ends delivery on any other answer, and drops an
 * event that waited in its queue more than 30 s. docs/operations.md has the table.
 *
 * 1. A scripted endpoint of the test's own answers each room's room_started with one fault and
 *    records every attempt: how many, the waits between them (reported; only lower bounds are
 *    checked, which a loaded machine cannot break), that a retry resends the same bytes.
 *    Delivery of an event is over when the next event of its room (room_finished, answered 200)
 *    arrives: the room's queue sends one at a time.
 * 2. The app itself, Redis mode, with webhooks flowing from real rooms: the app stopped for a few
 *    seconds, then Redis stopped (our 503). A recording pass-through in front of the app sees
 *    every attempt and our answer: whatever we answered 2xx is in Redis, nothing is stored twice.
 */
import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { RoomServiceClient } from "livekit-server-sdk";
import { createClient } from "redis";
import { afterAll, describe, expect, it } from "vitest";
import { TEST_API_KEY, TEST_API_SECRET } from "../support/fixtures";
import { startLivekitServer, type RunningLivekitServer } from "../support/livekit-server";
import { startRedis, type RunningRedis } from "../support/redis";
import { freePort, startServer, type RunningServer } from "../support/server";
import { waitUntil } from "../support/wait";

interface Attempt {
  room: string;
  type: string;
  id: string;
  /** performance.now() when the request's body was in. */
  at: number;
  bodySha256: string;
  authorization: string;
  /** What this attempt was answered: a status, or "reset" (connection destroyed). */
  answer: number | "reset";
}

interface Endpoint {
  url: string;
  attempts: Attempt[];
  close(): Promise<void>;
}

type Decide = (
  attempt: Omit<Attempt, "answer">,
  body: Buffer,
  request: http.IncomingMessage,
) => Promise<{ status: number; headers?: Record<string, string>; body?: Buffer } | "reset">;

/** An HTTP endpoint on loopback that records each webhook attempt and answers as `decide` says. */
async function startEndpoint(decide: Decide): Promise<Endpoint> {
  const attempts: Attempt[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks);
      const event = JSON.parse(body.toString("utf8")) as {
        event: string;
        id: string;
        room?: { name?: string };
      };
      const seen = {
        room: event.room?.name ?? "",
        type: event.event,
        id: event.id,
        at: performance.now(),
        bodySha256: createHash("sha256").update(body).digest("base64"),
        authorization: request.headers.authorization ?? "",
      };
      decide(seen, body, request).then(
        (answer) => {
          if (answer === "reset") {
            attempts.push({ ...seen, answer: "reset" });
            request.socket.destroy();
            return;
          }
          attempts.push({ ...seen, answer: answer.status });
          response.writeHead(answer.status, answer.headers);
          response.end(answer.body);
        },
        () => {
          attempts.push({ ...seen, answer: "reset" });
          request.socket.destroy();
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/webhook`,
    attempts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const seconds = (ms: number) => Math.round(ms / 100) / 10;

const running: { stop(): Promise<void> }[] = [];
afterAll(async () => {
  for (const one of running.reverse()) await one.stop();
});

describe("what the real livekit-server does with each answer", () => {
  /** Each scenario's room: its room_started gets `answers` in turn (the last one repeats). */
  const scenarios: Record<
    string,
    { answers: ({ status: number; headers?: Record<string, string> } | "reset")[] }
  > = {
    "always-503": { answers: [{ status: 503 }] },
    "always-503-retry-after-3": { answers: [{ status: 503, headers: { "Retry-After": "3" } }] },
    "always-429": { answers: [{ status: 429 }] },
    "always-500": { answers: [{ status: 500 }] },
    "always-reset": { answers: ["reset"] },
    "once-400": { answers: [{ status: 400 }] },
    "once-501": { answers: [{ status: 501 }] },
    "once-404": { answers: [{ status: 404 }] },
    "503-503-then-200": { answers: [{ status: 503 }, { status: 503 }, { status: 200 }] },
    // 4 waits of 10 s: the room's next event has waited in the queue more than 30 s by then.
    "age-drop": { answers: [{ status: 503, headers: { "Retry-After": "10" } }] },
  };

  it("retries connection errors, 429 and 5xx (not 501) 4 times, 1/2/4/8 s apart or as Retry-After says; ends on 2xx or any other 4xx/501; drops an event queued over 30 s", async () => {
    const prefix = `faults-${Date.now().toString(36)}`;
    const roomOf = (name: string) => `${prefix}-${name}`;
    const endpoint = await startEndpoint(async (attempt) => {
      const name = attempt.room.slice(prefix.length + 1);
      const scenario = scenarios[name];
      if (!scenario || attempt.type !== "room_started") return { status: 200 };
      const before = endpoint.attempts.filter(
        (a) => a.room === attempt.room && a.type === "room_started",
      ).length;
      return scenario.answers[Math.min(before, scenario.answers.length - 1)]!;
    });
    running.push({ stop: endpoint.close });
    const livekit = await startLivekitServer({ webhookUrls: [endpoint.url] });
    running.push(livekit);
    const api = new RoomServiceClient(livekit.httpUrl, TEST_API_KEY, TEST_API_SECRET);

    // Every scenario at once: one queue per room, so they run side by side.
    for (const name of Object.keys(scenarios)) {
      await api.createRoom({ name: roomOf(name) });
      await api.deleteRoom(roomOf(name));
    }
    const of = (name: string, type: string) =>
      endpoint.attempts.filter((a) => a.room === roomOf(name) && a.type === type);
    // Delivery of room_started is over once room_finished (queued behind it) got its 200;
    // the age-drop room's room_finished never comes: LiveKit logs it dropped.
    await waitUntil(
      () =>
        Object.keys(scenarios)
          .filter((name) => name !== "age-drop")
          .every((name) => of(name, "room_finished").length > 0),
      "every scenario's room_finished delivered",
      90_000,
    );
    await waitUntil(
      () =>
        livekit
          .output()
          .split("\n")
          .some(
            (line) =>
              line.includes("dropped webhook") &&
              line.includes(roomOf("age-drop")) &&
              line.includes("room_finished"),
          ),
      "LiveKit's log: the age-drop room's room_finished dropped",
      90_000,
    );

    const table: Record<string, { attempts: number; waits: number[]; answers: string }> = {};
    for (const name of Object.keys(scenarios)) {
      const tries = of(name, "room_started");
      table[name] = {
        attempts: tries.length,
        waits: tries.slice(1).map((a, i) => seconds(a.at - tries[i]!.at)),
        answers: tries.map((a) => String(a.answer)).join(" "),
      };
      // A retry resends the same event: same id, same bytes, same JWT.
      expect(new Set(tries.map((a) => a.id)).size, name).toBe(1);
      expect(new Set(tries.map((a) => a.bodySha256)).size, name).toBe(1);
      expect(new Set(tries.map((a) => a.authorization)).size, name).toBe(1);
    }
    console.log("LiveKit's answer to each of ours (room_started):");
    console.table(
      Object.fromEntries(
        Object.entries(table).map(([name, row]) => [name, { ...row, waits: row.waits.join(" ") }]),
      ),
    );

    for (const name of [
      "always-503",
      "always-503-retry-after-3",
      "always-429",
      "always-500",
      "always-reset",
      "age-drop",
    ]) {
      expect(table[name]!.attempts, name).toBe(5);
    }
    for (const name of ["once-400", "once-501", "once-404"]) {
      expect(table[name]!.attempts, name).toBe(1);
    }
    expect(table["503-503-then-200"]!.attempts).toBe(3);
    // Lower bounds only (a loaded machine makes waits longer, never shorter).
    const waitsAtLeast = (name: string, least: number[]) =>
      table[name]!.waits.forEach((wait, i) =>
        expect(wait, `${name} wait ${i + 1}`).toBeGreaterThanOrEqual(least[i]! - 0.2),
      );
    waitsAtLeast("always-503", [1, 2, 4, 8]);
    waitsAtLeast("always-reset", [1, 2, 4, 8]);
    // Retry-After obeyed on every retry: exponential backoff would wait 1 and 2 s first.
    waitsAtLeast("always-503-retry-after-3", [3, 3, 3, 3]);
    waitsAtLeast("age-drop", [10, 10, 10, 10]);
    // Each room's events stay in order: room_finished comes after room_started's last attempt.
    for (const name of Object.keys(scenarios).filter((n) => n !== "age-drop")) {
      expect(of(name, "room_finished")[0]!.at).toBeGreaterThan(of(name, "room_started").at(-1)!.at);
    }
    // The age-drop room's room_finished was never sent.
    expect(of("age-drop", "room_finished")).toEqual([]);
    // LiveKit logs the end of each: "failed to send webhook" after the 5th failure.
    const failed = livekit
      .output()
      .split("\n")
      .filter((line) => line.includes("failed to send webhook"));
    expect(failed.some((line) => line.includes(roomOf("always-503")))).toBe(true);
    expect(failed.find((line) => line.includes(roomOf("always-503")))).toMatch(
      /giving up after 5 attempt/,
    );
  }, 180_000);
});

describe("our faults: the app stopped, Redis stopped (503), while real webhooks flow", () => {
  it("whatever we answered 2xx is stored, nothing is stored twice; what LiveKit then dropped is counted", async () => {
    const redis: RunningRedis = await startRedis({ persistent: true });
    running.push(redis);
    const appPort = await freePort();
    const appUrl = `http://127.0.0.1:${appPort}`;
    /** The Retry-After of each 503 we answered ("none" without one). */
    const ourRetryAfters: string[] = [];
    // The pass-through: each attempt forwarded to the app, our answer relayed and recorded.
    // While the app is down, the connection is destroyed, as a closed port's refusal would be.
    const proxy = await startEndpoint(
      (_attempt, body, request) =>
        new Promise((resolve, reject) => {
          const upstream = http.request(
            `${appUrl}/api/webhook`,
            {
              method: "POST",
              headers: {
                authorization: request.headers.authorization ?? "",
                "content-type": request.headers["content-type"] ?? "",
              },
            },
            (response) => {
              const chunks: Buffer[] = [];
              response.on("data", (chunk: Buffer) => chunks.push(chunk));
              response.on("end", () => {
                if (response.statusCode === 503) {
                  ourRetryAfters.push(String(response.headers["retry-after"] ?? "none"));
                }
                resolve({
                  status: response.statusCode ?? 0,
                  headers: Object.fromEntries(
                    Object.entries(response.headers)
                      .filter(([name]) => ["content-type", "retry-after"].includes(name))
                      .map(([name, value]) => [name, String(value)]),
                  ),
                  body: Buffer.concat(chunks),
                });
              });
            },
          );
          upstream.on("error", reject);
          upstream.end(body);
        }),
    );
    running.push({ stop: proxy.close });
    const livekit: RunningLivekitServer = await startLivekitServer({
      webhookUrls: [proxy.url],
    });
    running.push(livekit);
    const env = { LIVEKIT_URL: livekit.url, REDIS_URL: redis.url };
    let app: RunningServer = await startServer(env, appPort);
    running.push({ stop: () => app.stop() });
    const api = new RoomServiceClient(livekit.httpUrl, TEST_API_KEY, TEST_API_SECRET);

    // Webhooks flow: rooms created and ended one after another until told to stop.
    const prefix = `flow-${Date.now().toString(36)}`;
    const rooms: string[] = [];
    let flowing = true;
    const flow = (async () => {
      while (flowing) {
        const room = `${prefix}-${rooms.length}`;
        rooms.push(room);
        await api.createRoom({ name: room });
        await api.deleteRoom(room);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    // When each fault began and ended (performance.now()), to tell which one an event met.
    const marks: Record<"appDown" | "appUp" | "redisDown" | "redisUp", number> = {
      appDown: 0,
      appUp: 0,
      redisDown: 0,
      redisUp: 0,
    };

    await sleep(2000);
    marks.appDown = performance.now();
    await app.stop();
    await sleep(3000);
    app = await startServer(env, appPort);
    marks.appUp = performance.now();

    await sleep(2000);
    marks.redisDown = performance.now();
    await redis.stop();
    await sleep(3000);
    await redis.restart();
    marks.redisUp = performance.now();
    await sleep(2000);
    flowing = false;
    await flow;

    // Each event LiveKit sent ends in its log: sent (an answer that ended it), failed (gave
    // up after its attempts) or dropped (queued too long).
    const outcomes = () =>
      livekit
        .output()
        .split("\n")
        .filter((line) => line.includes(prefix))
        .filter((line) => /sent webhook|failed to send webhook|dropped webhook/.test(line));
    await waitUntil(
      () => outcomes().length >= rooms.length * 2,
      "an outcome in LiveKit's log for each of its webhooks",
      120_000,
    );

    const client = createClient({ url: redis.url });
    await client.connect();
    const entries = await client.xRange("livekit:{events}:stream", "-", "+");
    await client.quit();
    const storedIds = (entries ?? [])
      .map((entry) => JSON.parse(entry.message.event!) as { id: string; room?: { name?: string } })
      .filter((event) => event.room?.name?.startsWith(prefix))
      .map((event) => event.id);

    const attempts = proxy.attempts.filter((a) => a.room.startsWith(prefix));
    const acknowledged = new Set(
      attempts.filter((a) => typeof a.answer === "number" && a.answer < 300).map((a) => a.id),
    );
    const sent = new Set(attempts.map((a) => a.id));
    const retried = [...sent].filter((id) => attempts.filter((a) => a.id === id).length > 1);
    const lost = [...sent].filter((id) => !acknowledged.has(id));
    const answers: Record<string, number> = {};
    for (const a of attempts) answers[String(a.answer)] = (answers[String(a.answer)] ?? 0) + 1;
    const figures = {
      rooms: rooms.length,
      eventsSentByLivekit: sent.size,
      attempts: attempts.length,
      answers,
      retriedEvents: retried.length,
      acknowledged: acknowledged.size,
      stored: storedIds.length,
      neverAcknowledged: lost.length,
      outageSeconds: {
        app: seconds(marks.appUp - marks.appDown),
        redis: seconds(marks.redisUp - marks.redisDown),
      },
      // Our first 2xx after Redis came back: the app's own reconnection adds to the outage.
      firstStoredAfterRedisSeconds: seconds(
        (attempts.find((a) => a.at > marks.redisUp && a.answer === 200)?.at ?? NaN) - marks.redisUp,
      ),
      droppedInLivekitLog: outcomes().filter((line) => line.includes("dropped webhook")).length,
    };
    console.log("app and Redis outages while webhooks flowed:", JSON.stringify(figures));
    console.log(
      "why we answered 503:",
      [
        ...new Set(
          app
            .output()
            .split("\n")
            .filter((line) => line.includes("503"))
            .map((line) => line.slice(0, 200)),
        ),
      ].slice(0, 5),
    );
    // Each event LiveKit gave up on: the answers it got, and when, from the fault's start.
    for (const id of lost) {
      const tries = attempts.filter((a) => a.id === id);
      const fault = tries[0]!.at < marks.redisDown ? "app" : "redis";
      const start = fault === "app" ? marks.appDown : marks.redisDown;
      console.log(
        `gave up: ${tries[0]!.type} of ${tries[0]!.room} (${fault} fault): ` +
          tries.map((a) => `${a.answer}@+${seconds(a.at - start)}s`).join(" "),
      );
    }

    // Both faults were met: attempts refused while the app was down and 503s while Redis was.
    expect(answers.reset ?? 0).toBeGreaterThan(0);
    expect(answers["503"] ?? 0).toBeGreaterThan(0);
    // Our 503s leave LiveKit its own backoff (lib/webhook.ts, retriedByLivekit).
    expect(new Set(ourRetryAfters)).toEqual(new Set(["none"]));
    // Nothing we answered 2xx is lost; nothing is stored twice.
    for (const id of acknowledged) expect(storedIds).toContain(id);
    expect(new Set(storedIds).size).toBe(storedIds.length);
    // Every room's two events were sent to us.
    expect(sent.size).toBe(rooms.length * 2);
  }, 240_000);
});
