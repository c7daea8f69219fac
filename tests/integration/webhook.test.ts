/**
 * POST /api/webhook (and /webhook, /livekit/webhook) over HTTP against the production build,
 * with bodies in LiveKit's wire shape signed exactly as livekit-server signs them.
 */
import { describe, expect, it } from "vitest";
import { buildWebhookEvent, encodeWireJson, postWebhook, signWebhook } from "@/lib/livekit-wire";
import { EVENT_TYPES } from "@/lib/shared/event-catalogue";
import { operatorToken, TEST_API_KEY, TEST_API_SECRET, serverForFile } from "../support/fixtures";
import { connectSse, parseEventMessage } from "../support/sse";
import { sendWebhook } from "../support/webhooks";
import { waitUntil } from "../support/wait";

const server = serverForFile();

const PATHS = ["/api/webhook", "/webhook", "/livekit/webhook"] as const;

/**
 * The room's stored history, read through the real event stream: a marker event is sent last,
 * so once it arrives everything stored before it has arrived too.
 */
async function history(room: string): Promise<ReturnType<typeof parseEventMessage>[]> {
  const marker = await sendWebhook(server.url, "room_finished", { room });
  // An operator's view: the events whole, as stored (a participant's has secrets removed).
  const token = await operatorToken();
  const client = await connectSse(server.url, { room, token, limit: 1000 });
  await client.waitFor((messages) =>
    messages.some((m) => parseEventMessage(m).event.id === marker.eventId),
  );
  client.close();
  const events = client.messages.map(parseEventMessage);
  return events.filter((item) => item.event.id !== marker.eventId);
}

describe("accepting LiveKit's webhooks", () => {
  for (const path of PATHS) {
    for (const spaced of [false, true]) {
      it(`accepts every event type at ${path}, ${spaced ? "with a space after each comma" : "compact"}`, async () => {
        const room = `types-${path.replaceAll("/", "")}-${spaced}`;
        const sent: string[] = [];
        for (const type of EVENT_TYPES) {
          const result = await sendWebhook(server.url, type, { room, spaced, path });
          expect(result.status, `${type}: ${JSON.stringify(result.body)}`).toBe(200);
          expect(result.body.id).toMatch(/^\d+-\d+$/);
          sent.push(result.eventId);
        }
        const stored = await history(room);
        expect(stored.map((item) => item.event.id)).toEqual(sent);
      });
    }
  }

  it("keeps the event exactly as LiveKit sent it: int64 as strings, unknown fields and types", async () => {
    const event = {
      ...buildWebhookEvent("participant_joined", { room: "exact" }),
      roomEndReason: "FUTURE_REASON",
      agentDispatch: { id: "AD_x", nested: [1, "2", { deep: true }] },
    };
    const future = {
      event: "agent_job_started",
      id: "EV_future000001",
      createdAt: "1761100000",
      room: { name: "exact" },
      job: { id: "AJ_1" },
    };
    for (const item of [event, future]) {
      const body = encodeWireJson(item, true);
      const response = await postWebhook(
        `${server.url}/livekit/webhook`,
        body,
        signWebhook(body, TEST_API_KEY, TEST_API_SECRET),
      );
      expect(response.status).toBe(200);
    }
    const stored = await history("exact");
    expect(stored.map((item) => item.event)).toEqual([event, future]);
    expect(typeof stored[0]!.event.createdAt).toBe("string");
    expect(stored[0]!.room).toBe("exact");
  });

  it("stores a delivery sent three times once, answering 200 each time", async () => {
    const event = buildWebhookEvent("track_published", { room: "retries" });
    const body = encodeWireJson(event);
    const authorization = signWebhook(body, TEST_API_KEY, TEST_API_SECRET);
    const answers: unknown[] = [];
    for (const path of PATHS) {
      const response = await postWebhook(`${server.url}${path}`, body, authorization);
      expect(response.status).toBe(200);
      answers.push(await response.json());
    }
    expect(answers.slice(1)).toEqual([{ duplicate: true }, { duplicate: true }]);
    const stored = await history("retries");
    expect(stored.filter((item) => item.event.id === event.id)).toHaveLength(1);
  });

  it("logs one line per accepted event with type, room and id, and no secret, token or body", async () => {
    const result = await sendWebhook(server.url, "room_finished", { room: "logged-room" });
    await waitUntil(() => server.output().includes(result.eventId), "the log line");
    const line = server
      .output()
      .split("\n")
      .find((text) => text.includes(result.eventId))!;
    expect(line).toMatch(/webhook accepted event="room_finished" room="logged-room" id="EV_/);
    expect(server.output()).not.toContain(TEST_API_SECRET);
    expect(server.output()).not.toContain(result.authorization);
    expect(server.output()).not.toContain(result.rawBody.slice(0, 60));
  });
});

describe("refusing forged and malformed webhooks", () => {
  const event = () => buildWebhookEvent("participant_joined", { room: "forged" });
  const compact = () => encodeWireJson(event(), false);
  /** `body` as sent, with a valid signature of exactly those bytes. */
  const signed = (body: string) => ({
    body,
    authorization: signWebhook(body, TEST_API_KEY, TEST_API_SECRET),
  });

  const cases: [string, () => { body: string; authorization: string | null }, number, RegExp][] = [
    [
      "tampered bytes",
      () => {
        const body = compact();
        return {
          body: body.replace("alice", "mallory"),
          authorization: signWebhook(body, TEST_API_KEY, TEST_API_SECRET),
        };
      },
      401,
      /sha256/,
    ],
    [
      "a changed value",
      () => {
        const body = compact();
        const changed = body.replace(/"emptyTimeout":300/, '"emptyTimeout":900');
        expect(changed).not.toBe(body);
        return { body: changed, authorization: signWebhook(body, TEST_API_KEY, TEST_API_SECRET) };
      },
      401,
      /sha256/,
    ],
    [
      "a re-serialised body (spaces removed after signing)",
      () => {
        const spaced = encodeWireJson(event(), true);
        return {
          body: JSON.stringify(JSON.parse(spaced)),
          authorization: signWebhook(spaced, TEST_API_KEY, TEST_API_SECRET),
        };
      },
      401,
      /sha256/,
    ],
    [
      "the wrong secret",
      () => {
        const body = compact();
        return { body, authorization: signWebhook(body, TEST_API_KEY, "not-the-secret") };
      },
      401,
      /signature/,
    ],
    [
      "the wrong key",
      () => {
        const body = compact();
        return { body, authorization: signWebhook(body, "another-key", TEST_API_SECRET) };
      },
      401,
      /refused|iss/,
    ],
    [
      "an expired token",
      () => {
        const body = compact();
        const past = Math.floor(Date.now() / 1000) - 3600;
        return {
          body,
          authorization: signWebhook(body, TEST_API_KEY, TEST_API_SECRET, { now: past }),
        };
      },
      401,
      /expired/,
    ],
    ["no Authorization header", () => ({ body: compact(), authorization: null }), 401, /missing/],
    [
      "a garbage Authorization header",
      () => ({ body: compact(), authorization: "garbage" }),
      401,
      /not a valid JWT/,
    ],
    ["a signed body that is not JSON", () => signed("{not json"), 400, /not valid JSON/],
    [
      "a signed JSON body that is not a LiveKit event",
      () => signed('{"event": 5}'),
      400,
      /not a LiveKit event/,
    ],
    [
      "a signed event without an id",
      () => signed('{"event":"room_started","room":{"name":"forged"}}'),
      400,
      /no event id/,
    ],
  ];

  it.each(cases)("refuses %s", async (_, make, status, message) => {
    const { body, authorization } = make();
    const response = await fetch(`${server.url}/livekit/webhook`, {
      method: "POST",
      headers: {
        "Content-Type": "application/webhook+json",
        ...(authorization === null ? {} : { Authorization: authorization }),
      },
      body,
    });
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(((await response.json()) as { errorMessage: string }).errorMessage).toMatch(message);
  });

  it("stored none of the refused events, and logged each refusal with its reason", async () => {
    expect(await history("forged")).toEqual([]);
    expect(server.output()).toMatch(/webhook refused status=401 reason="the body does not match/);
  });

  it("refuses an oversized body with 413 and a wrong method with 405, both JSON", async () => {
    // With a JWT-shaped Authorization: without one the body is refused (401) before it is read.
    const big = await fetch(`${server.url}/webhook`, {
      method: "POST",
      headers: { Authorization: signWebhook("{}", TEST_API_KEY, TEST_API_SECRET) },
      body: "x".repeat(2 * 1024 * 1024),
    });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { errorMessage: string }).errorMessage).toMatch(/larger than/);
    const get = await fetch(`${server.url}/livekit/webhook`);
    expect(get.status).toBe(405);
    expect(((await get.json()) as { errorMessage: string }).errorMessage).toMatch(/use POST/);
  });
});
