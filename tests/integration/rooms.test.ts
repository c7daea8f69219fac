/**
 * The console's routes over HTTP against the production build, with a loopback stand-in for
 * LiveKit's Twirp room API (tests/support/livekit-room-api.ts) that checks the token the SDK
 * signs for each call and records the calls.
 */
import { AccessToken, type VideoGrant } from "livekit-server-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConsoleToken } from "@/lib/rooms/operator";
import type { RoomsOverview } from "@/lib/shared/room-projection";
import { startRoomApiStandIn, type RoomApiStandIn } from "../support/livekit-room-api";
import { TEST_API_KEY, TEST_API_SECRET, tokenFromServer } from "../support/fixtures";
import { startServer, type RunningServer } from "../support/server";
import { connectSse, parseEventMessage } from "../support/sse";
import { sendWebhook } from "../support/webhooks";

const keys = { apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET };
let standIn: RoomApiStandIn;
let server: RunningServer;
let operator: string;

async function tokenWith(grant: VideoGrant): Promise<string> {
  const token = new AccessToken(TEST_API_KEY, TEST_API_SECRET, { identity: "t", ttl: 600 });
  token.addGrant(grant);
  return token.toJwt();
}

async function call(path: string, token: string | null, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  if (token) headers.set("Authorization", `Bearer ${token}`);
  const response = await fetch(`${server.url}${path}`, { ...init, headers });
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    body: (await response.json()) as Record<string, unknown>,
  };
}

const rooms = async (query = "") =>
  (await call(`/api/rooms${query}`, operator)).body as unknown as RoomsOverview;

beforeAll(async () => {
  standIn = await startRoomApiStandIn();
  server = await startServer({ LIVEKIT_URL: standIn.url, ROOM_API_TIMEOUT_MS: "1000" });
  operator = await createConsoleToken("ops", 600, keys);
});

afterAll(async () => {
  await server?.stop();
  await standIn?.close();
});

describe("GET /api/rooms", () => {
  it("lists LiveKit's live rooms with participants and tracks, through a token of the right grant per call", async () => {
    standIn.rooms.set("standup", {
      sid: "RM_standup00001",
      name: "standup",
      creationTime: "1761100000",
      participants: [
        {
          sid: "PA_bob000000001",
          identity: "bob",
          joinedAt: "1761100005",
          tracks: [
            { sid: "TR_b1", type: "VIDEO", source: "CAMERA" },
            { sid: "TR_b2", source: "MICROPHONE" },
          ],
        },
        { sid: "PA_alice0000001", identity: "alice", name: "Alice" },
      ],
    });
    // Egress is not in the room API's lists: it comes from the webhook log.
    expect((await sendWebhook(server.url, "egress_started", { room: "standup" })).status).toBe(200);
    const before = standIn.calls.length;

    const answer = await call("/api/rooms", operator);
    expect(answer.status).toBe(200);
    expect(answer.type).toMatch(/^application\/json/);
    const overview = answer.body as unknown as RoomsOverview;
    expect(overview.source).toBe("livekit");
    expect(overview.reason).toBeUndefined();
    const standup = overview.rooms.find((room) => room.name === "standup");
    expect(standup).toMatchObject({ sid: "RM_standup00001", live: true, createdAt: 1761100000 });
    expect(standup?.participants.map((p) => p.identity)).toEqual(["alice", "bob"]);
    expect(standup?.participants[1]?.tracks.map((t) => [t.kind, t.source])).toEqual([
      ["video", "CAMERA"],
      ["audio", "MICROPHONE"],
    ]);
    expect(standup?.egress.map((e) => e.status)).toEqual(["EGRESS_STARTING"]);
    expect(overview.lastEventId).toMatch(/^\d+-\d+$/);

    const made = standIn.calls.slice(before);
    expect(made.map((c) => [c.method, c.status])).toEqual([
      ["ListRooms", 200],
      ["ListParticipants", 200],
    ]);
    expect(made[0]?.claims?.video?.roomList).toBe(true);
    expect(made[1]?.claims?.video).toMatchObject({ roomAdmin: true, room: "standup" });
    for (const { claims } of made) {
      expect(claims?.iss).toBe(TEST_API_KEY);
      expect(claims?.exp).toBeGreaterThan(Date.now() / 1000);
    }
  });

  it("?room= answers that one room", async () => {
    const overview = await rooms("?room=standup");
    expect(overview.rooms.map((room) => room.name)).toEqual(["standup"]);
    expect(standIn.calls.at(-2)?.body).toEqual({ names: ["standup"] });
  });

  it("refuses without an operator credential: 401 without or with a forged one, 403 for a participant's", async () => {
    const none = await call("/api/rooms", null);
    expect(none.status).toBe(401);
    expect(none.body.errorMessage).toMatch(/operator credential is required/);
    const forged = await call("/api/rooms", `${operator.slice(0, -4)}AAAA`);
    expect(forged.status).toBe(401);
    expect(forged.body.errorMessage).toBe("the credential is invalid or expired");

    const participant = await tokenFromServer(server.url, "standup", "mallory");
    const refused = await call("/api/rooms", participant);
    expect(refused.status).toBe(403);
    expect(refused.type).toMatch(/^application\/json/);
    expect(refused.body.errorMessage).toMatch(/roomList/);
    // a token in the query string is not read
    expect((await call(`/api/rooms?token=${operator}`, null)).status).toBe(401);
  });
});

describe("actions", () => {
  it("removes a participant through RemoveParticipant with roomAdmin for that room", async () => {
    standIn.rooms.get("standup")!.participants.push({ sid: "PA_carol", identity: "carol x" });
    const before = standIn.calls.length;
    const done = await call("/api/rooms/standup/participants/carol%20x", operator, {
      method: "DELETE",
    });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ room: "standup", identity: "carol x" });
    expect(done.body.message).toMatch(/RemoveParticipant answered OK/);
    const [removal] = standIn.calls.slice(before);
    expect(removal).toMatchObject({
      method: "RemoveParticipant",
      body: { room: "standup", identity: "carol x" },
      status: 200,
    });
    expect(removal?.claims?.video).toMatchObject({ roomAdmin: true, room: "standup" });
    expect(standIn.rooms.get("standup")!.participants.map((p) => p.identity)).not.toContain(
      "carol x",
    );
  });

  it("answers LiveKit's own word when it refuses: a participant that is not there is a 404", async () => {
    const missing = await call("/api/rooms/standup/participants/nobody", operator, {
      method: "DELETE",
    });
    expect(missing.status).toBe(404);
    expect(missing.body.errorMessage).toBe("LiveKit answered: participant not found");
  });

  it("refuses actions without roomAdmin for that room (401/403 JSON), and calls LiveKit for none", async () => {
    const before = standIn.calls.length;
    const participant = await tokenFromServer(server.url, "standup", "mallory");
    const listOnly = await tokenWith({ roomList: true });
    const otherRoom = await tokenWith({ roomAdmin: true, room: "elsewhere" });
    for (const [token, status] of [
      [null, 401],
      [participant, 403],
      [listOnly, 403],
      [otherRoom, 403],
    ] as const) {
      for (const path of ["/api/rooms/standup", "/api/rooms/standup/participants/bob"]) {
        const refused = await call(path, token, { method: "DELETE" });
        expect(refused.status, `${path} with ${status}`).toBe(status);
        expect(typeof refused.body.errorMessage).toBe("string");
      }
    }
    const roomAdmin = await tokenWith({ roomAdmin: true, room: "standup" });
    expect(
      (await call("/api/rooms/standup/participants/bob", roomAdmin, { method: "DELETE" })).status,
    ).toBe(200);
    expect(standIn.calls.slice(before).map((c) => c.method)).toEqual(["RemoveParticipant"]);
  });

  it("ends a room through DeleteRoom", async () => {
    const before = standIn.calls.length;
    const done = await call("/api/rooms/standup", operator, { method: "DELETE" });
    expect(done.status).toBe(200);
    expect(done.body.message).toMatch(/DeleteRoom answered OK/);
    const [deletion] = standIn.calls.slice(before);
    expect(deletion).toMatchObject({ method: "DeleteRoom", body: { room: "standup" } });
    expect(deletion?.claims?.iss).toBe(TEST_API_KEY);
    expect(standIn.rooms.has("standup")).toBe(false);
  });
});

describe("test events", () => {
  it("POST /api/test-events delivers a signed event through the webhook intake; the stream carries it", async () => {
    const stream = await connectSse(server.url, { token: operator, bearer: true, limit: 0 });
    const sent = await call("/api/test-events", operator, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ room: "probe", type: "participant_joined", identity: "tester" }),
    });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ type: "participant_joined", room: "probe", stored: true });
    await stream.waitFor((messages) => messages.length >= 1);
    stream.close();
    const event = parseEventMessage(stream.messages[0]!);
    expect(event.event.id).toBe(sent.body.eventId);
    expect(event.room).toBe("probe");
    expect(server.output()).toContain(`webhook accepted event="participant_joined" room="probe"`);
  });

  it("refuses a bad type or room (400 with the field) and a participant's token (403)", async () => {
    const post = (token: string | null, body: unknown) =>
      call("/api/test-events", token, { method: "POST", body: JSON.stringify(body) });
    expect(await post(operator, { room: "probe", type: "room_exploded" })).toMatchObject({
      status: 400,
      body: { field: "type" },
    });
    expect(await post(operator, { room: " " })).toMatchObject({
      status: 400,
      body: { field: "room" },
    });
    const participant = await tokenFromServer(server.url, "probe", "mallory");
    expect((await post(participant, { room: "probe" })).status).toBe(403);
    expect((await post(null, { room: "probe" })).status).toBe(401);
  });

  it("the development route answers 404 JSON in a production build", async () => {
    const answer = await call("/api/dev/test-event", null, {
      method: "POST",
      body: JSON.stringify({ room: "probe" }),
    });
    expect(answer).toMatchObject({ status: 404, body: { errorMessage: "not found" } });
  });
});

describe("when LiveKit's room API cannot be asked", () => {
  it("builds the rooms from the webhook log alone, and says why", async () => {
    await sendWebhook(server.url, "room_started", { room: "offline-room" });
    await sendWebhook(server.url, "participant_joined", { room: "offline-room", identity: "dan" });
    await sendWebhook(server.url, "room_started", { room: "gone-room" });
    await sendWebhook(server.url, "room_finished", { room: "gone-room" });

    standIn.mode = "fail";
    let overview = await rooms();
    expect(overview.source).toBe("webhooks");
    expect(overview.reason).toMatch(/answered 503 unavailable node unavailable/);
    const offline = overview.rooms.find((room) => room.name === "offline-room");
    expect(offline?.participants.map((p) => p.identity)).toEqual(["dan"]);
    expect(overview.rooms.map((room) => room.name)).not.toContain("gone-room");

    standIn.mode = "hang";
    overview = await rooms();
    expect(overview.source).toBe("webhooks");
    expect(overview.reason).toMatch(/did not answer within 1000 ms/);

    await standIn.close();
    overview = await rooms();
    expect(overview.source).toBe("webhooks");
    expect(overview.reason).toMatch(/cannot be reached .*set LIVEKIT_URL/);
    expect(overview.rooms.map((room) => room.name)).toContain("offline-room");

    const action = await call("/api/rooms/offline-room", operator, { method: "DELETE" });
    expect(action.status).toBe(502);
    expect(action.body.errorMessage).toMatch(/cannot be reached/);
  });
});
