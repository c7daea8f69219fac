/**
 * The moderation and agent-dispatch verbs of `POST /api/rooms/actions` over HTTP against the
 * production build, with the loopback stand-in for LiveKit's Twirp APIs (RoomService and
 * AgentDispatchService; tests/support/livekit-room-api.ts), which checks each call's token.
 */
import { AccessToken, type VideoGrant } from "livekit-server-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInvite } from "@/lib/invite";
import { OPERATOR_GRANT } from "@/lib/rooms/operator";
import { createOperatorToken } from "@/lib/token";
import type { RoomsOverview } from "@/lib/shared/room-projection";
import { startRoomApiStandIn, type RoomApiStandIn } from "../support/livekit-room-api";
import { TEST_API_KEY, TEST_API_SECRET, tokenFromServer } from "../support/fixtures";
import { startServer, type RunningServer } from "../support/server";
import { IDP_AUDIENCE, IDP_ISSUER, startIdentityProvider } from "../support/identity-provider";
import { waitUntil } from "../support/wait";
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

async function act(token: string | null, body: Record<string, unknown>, url = server.url) {
  const headers = new Headers({ "Content-Type": "application/json" });
  if (token) headers.set("Authorization", `Bearer ${token}`);
  const response = await fetch(`${url}/api/rooms/actions`, {
    method: "POST",
    headers,
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    body: (await response.json()) as Record<string, unknown>,
  };
}

function seedRoom(name: string) {
  standIn.rooms.set(name, {
    sid: `RM_${name}`,
    name,
    creationTime: "1761100000",
    participants: [
      {
        sid: "PA_bob",
        identity: "bob",
        permission: { canPublish: true, canSubscribe: true, canPublishData: true, hidden: true },
        tracks: [
          { sid: "TR_cam", type: "VIDEO", source: "CAMERA" },
          { sid: "TR_mic", source: "MICROPHONE" },
        ],
      },
      { sid: "AG_helper", identity: "agent-helper", kind: "AGENT" },
    ],
  });
}

beforeAll(async () => {
  standIn = await startRoomApiStandIn();
  server = await startServer({ LIVEKIT_URL: standIn.url, ROOM_API_TIMEOUT_MS: "1000" });
  operator = await createOperatorToken(OPERATOR_GRANT, { identity: "ops", ttlSeconds: 600 }, keys);
  seedRoom("mod");
});

afterAll(async () => {
  await server?.stop();
  await standIn?.close();
});

const calls = (before: number) =>
  standIn.calls.slice(before).map((c) => ({ method: c.method, body: c.body, status: c.status }));

/** One valid body per new verb, for the refusal sweeps. */
const VERBS: Record<string, Record<string, unknown>> = {
  "mute-track": { identity: "bob", trackSid: "TR_cam", muted: true },
  "update-participant": { identity: "bob", metadata: "{}" },
  "update-room-metadata": { metadata: "x" },
  "list-dispatches": {},
  "create-dispatch": { agentName: "helper" },
  "delete-dispatch": { dispatchId: "AD_x" },
  "remove-and-block": { identity: "bob" },
  "lift-block": { identity: "bob" },
  "list-blocks": {},
};

async function tokenRequest(url: string, body: Record<string, unknown>, credential?: string) {
  const response = await fetch(`${url}/api/token`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      ...(credential ? { Authorization: `Bearer ${credential}` } : {}),
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The identity inside a participant token (its `sub`). */
const identityOf = (jwt: string) =>
  (JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString()) as { sub: string }).sub;

describe("moderation verbs", () => {
  it("mute-track: MutePublishedTrack for that identity and track, with LiveKit's track in the answer; unmute too", async () => {
    let before = standIn.calls.length;
    const muted = await act(operator, {
      action: "mute-track",
      room: "mod",
      identity: "bob",
      trackSid: "TR_cam",
      muted: true,
    });
    expect(muted.status).toBe(200);
    expect(muted.body).toMatchObject({
      action: "mute-track",
      room: "mod",
      identity: "bob",
      trackSid: "TR_cam",
      muted: true,
      track: { sid: "TR_cam", kind: "video", source: "CAMERA", muted: true },
    });
    expect(muted.body.message).toMatch(/muted bob's track TR_cam .*answered muted=true/);
    expect(calls(before)).toEqual([
      {
        method: "MutePublishedTrack",
        body: { room: "mod", identity: "bob", trackSid: "TR_cam", muted: true },
        status: 200,
      },
    ]);
    expect(standIn.calls.at(-1)?.claims?.video).toMatchObject({ roomAdmin: true, room: "mod" });

    // The rooms route shows the mute (LiveKit's ListParticipants).
    const overview = (await (
      await fetch(`${server.url}/api/rooms?room=mod`, {
        headers: { Authorization: `Bearer ${operator}` },
      })
    ).json()) as RoomsOverview;
    const bob = overview.rooms[0]?.participants.find((p) => p.identity === "bob");
    expect(bob?.tracks.find((t) => t.sid === "TR_cam")?.muted).toBe(true);
    expect(overview.rooms[0]?.participants.find((p) => p.identity === "agent-helper")?.kind).toBe(
      "AGENT",
    );
    expect(bob?.kind).toBe("STANDARD");

    before = standIn.calls.length;
    const unmuted = await act(operator, {
      action: "mute-track",
      room: "mod",
      identity: "bob",
      trackSid: "TR_cam",
      muted: false,
    });
    expect(unmuted.status).toBe(200);
    expect(unmuted.body.message).toMatch(/unmuted .*answered muted=false/);
    // protojson leaves out a false: the request says muted by not saying it.
    expect(calls(before)[0]).toMatchObject({ method: "MutePublishedTrack", status: 200 });
    expect(calls(before)[0]?.body.muted).toBeUndefined();

    const missing = await act(operator, {
      action: "mute-track",
      room: "mod",
      identity: "bob",
      trackSid: "TR_none",
      muted: true,
    });
    expect(missing).toMatchObject({
      status: 404,
      body: { errorMessage: "LiveKit answered: track not found" },
    });
  });

  it("update-participant: one permission changed keeps the others (read first with GetParticipant); sources and metadata", async () => {
    let before = standIn.calls.length;
    const revoked = await act(operator, {
      action: "update-participant",
      room: "mod",
      identity: "bob",
      permission: { canPublish: false },
    });
    expect(revoked.status).toBe(200);
    expect(revoked.body.message).toMatch(/permission canPublish=false .*UpdateParticipant/);
    expect(revoked.body.participant).toMatchObject({
      identity: "bob",
      permission: { canPublish: false, canSubscribe: true, canPublishData: true },
    });
    const made = calls(before);
    expect(made.map((c) => c.method)).toEqual(["GetParticipant", "UpdateParticipant"]);
    // The whole permission goes to LiveKit: the untouched fields as they were (hidden too).
    expect(made[1]?.body).toMatchObject({
      room: "mod",
      identity: "bob",
      permission: { canSubscribe: true, canPublishData: true, hidden: true },
    });
    expect((made[1]?.body.permission as Record<string, unknown>).canPublish).toBeUndefined();

    before = standIn.calls.length;
    const sources = await act(operator, {
      action: "update-participant",
      room: "mod",
      identity: "bob",
      permission: { canPublish: true, canPublishSources: ["MICROPHONE", "MICROPHONE"] },
      metadata: '{"role":"speaker"}',
    });
    expect(sources.status).toBe(200);
    expect(sources.body.participant).toMatchObject({
      metadata: '{"role":"speaker"}',
      permission: { canPublish: true, canPublishSources: ["MICROPHONE"] },
    });
    expect(calls(before)[1]?.body).toMatchObject({
      metadata: '{"role":"speaker"}',
      permission: { canPublish: true, canPublishSources: ["MICROPHONE"] },
    });

    before = standIn.calls.length;
    const metadataOnly = await act(operator, {
      action: "update-participant",
      room: "mod",
      identity: "bob",
      metadata: "",
    });
    expect(metadataOnly.status).toBe(200);
    // Metadata alone: no read, no permission sent.
    expect(calls(before).map((c) => [c.method, c.body.permission])).toEqual([
      ["UpdateParticipant", undefined],
    ]);
  });

  it("update-room-metadata: UpdateRoomMetadata, LiveKit's metadata in the answer and in the rooms route", async () => {
    const before = standIn.calls.length;
    const done = await act(operator, {
      action: "update-room-metadata",
      room: "mod",
      metadata: '{"topic":"weekly"}',
    });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ metadata: '{"topic":"weekly"}' });
    expect(done.body.message).toMatch(/UpdateRoomMetadata answered OK/);
    expect(calls(before)).toEqual([
      {
        method: "UpdateRoomMetadata",
        body: { room: "mod", metadata: '{"topic":"weekly"}' },
        status: 200,
      },
    ]);
    const overview = (await (
      await fetch(`${server.url}/api/rooms?room=mod`, {
        headers: { Authorization: `Bearer ${operator}` },
      })
    ).json()) as RoomsOverview;
    expect(overview.rooms[0]?.metadata).toBe('{"topic":"weekly"}');
  });

  it("dispatches: create (agent name, metadata), list, delete, through AgentDispatchService with roomAdmin for the room", async () => {
    const before = standIn.calls.length;
    const created = await act(operator, {
      action: "create-dispatch",
      room: "mod",
      agentName: "helper",
      metadata: '{"lang":"fr"}',
    });
    expect(created.status).toBe(200);
    const dispatch = created.body.dispatch as { id: string; agentName: string; metadata: string };
    expect(dispatch).toMatchObject({ agentName: "helper", metadata: '{"lang":"fr"}', jobs: 0 });
    expect(dispatch.id).toMatch(/^AD_/);
    expect(created.body.message).toContain(`created dispatch ${dispatch.id} of agent helper`);

    const listed = await act(operator, { action: "list-dispatches", room: "mod" });
    expect(listed.status).toBe(200);
    expect(listed.body.dispatches).toEqual([
      expect.objectContaining({ id: dispatch.id, agentName: "helper" }),
    ]);
    expect(listed.body.message).toMatch(/lists 1 agent dispatch for mod/);

    const deleted = await act(operator, {
      action: "delete-dispatch",
      room: "mod",
      dispatchId: dispatch.id,
    });
    expect(deleted.status).toBe(200);
    expect(deleted.body.message).toMatch(/DeleteDispatch answered OK/);
    expect(
      (await act(operator, { action: "list-dispatches", room: "mod" })).body.dispatches,
    ).toEqual([]);
    const made = standIn.calls.slice(before);
    expect(made.map((c) => c.method)).toEqual([
      "CreateDispatch",
      "ListDispatch",
      "DeleteDispatch",
      "ListDispatch",
    ]);
    expect(made[0]?.body).toMatchObject({ room: "mod", agentName: "helper" });
    expect(made[2]?.body).toMatchObject({ room: "mod", dispatchId: dispatch.id });
    for (const call of made) {
      expect(call.claims?.video).toMatchObject({ roomAdmin: true, room: "mod" });
    }
    const gone = await act(operator, {
      action: "delete-dispatch",
      room: "mod",
      dispatchId: dispatch.id,
    });
    expect(gone).toMatchObject({
      status: 404,
      body: { errorMessage: "LiveKit answered: dispatch not found" },
    });
  });

  it("every new verb refuses participant, invite and other-room credentials (401/403) and calls LiveKit for none", async () => {
    const before = standIn.calls.length;
    const participant = await tokenFromServer(server.url, "mod", "mallory");
    const invite = await createInvite("mod", 600, keys);
    const otherRoom = await tokenWith({ roomAdmin: true, room: "elsewhere" });
    const noRoom = await tokenWith({ roomAdmin: true });
    const listOnly = await tokenWith({ roomList: true });
    for (const [action, args] of Object.entries(VERBS)) {
      for (const [token, status] of [
        [null, 401],
        [`${operator.slice(0, -4)}AAAA`, 401],
        [invite, 401],
        [participant, 403],
        [otherRoom, 403],
        [noRoom, 403],
        [listOnly, 403],
      ] as const) {
        const refused = await act(token, { action, room: "mod", ...args });
        expect(refused.status, `${action} with a ${status} credential`).toBe(status);
        expect(refused.type).toMatch(/^application\/json/);
        expect(typeof refused.body.errorMessage).toBe("string");
      }
    }
    expect(standIn.calls.length).toBe(before);
    // The room's own admin may.
    const admin = await tokenWith({ roomAdmin: true, room: "mod" });
    expect((await act(admin, { action: "list-dispatches", room: "mod" })).status).toBe(200);
  });

  it("refuses bad arguments with a 400 naming the field, before calling LiveKit", async () => {
    const before = standIn.calls.length;
    const cases: [Record<string, unknown>, string][] = [
      [{ action: "mute-track", identity: "bob", trackSid: "TR_cam" }, "muted"],
      [{ action: "mute-track", identity: "bob", trackSid: "TR_cam", muted: "yes" }, "muted"],
      [{ action: "mute-track", identity: "bob", muted: true }, "trackSid"],
      [{ action: "mute-track", trackSid: "TR_cam", muted: true }, "identity"],
      [{ action: "update-participant", identity: "bob" }, "permission"],
      [{ action: "update-participant", identity: "bob", permission: {} }, "permission"],
      [{ action: "update-participant", identity: "bob", permission: [] }, "permission"],
      [
        { action: "update-participant", identity: "bob", permission: { canPublish: "no" } },
        "permission.canPublish",
      ],
      [
        { action: "update-participant", identity: "bob", permission: { roomAdmin: true } },
        "permission.roomAdmin",
      ],
      [
        { action: "update-participant", identity: "bob", permission: { hidden: true } },
        "permission.hidden",
      ],
      [
        {
          action: "update-participant",
          identity: "bob",
          permission: { canPublishSources: ["WEBCAM"] },
        },
        "permission.canPublishSources",
      ],
      [{ action: "update-participant", identity: "bob", metadata: 5 }, "metadata"],
      [{ action: "update-participant", identity: "bob", metadata: "x".repeat(4097) }, "metadata"],
      [{ action: "update-room-metadata" }, "metadata"],
      [{ action: "update-room-metadata", metadata: null }, "metadata"],
      [{ action: "create-dispatch" }, "agentName"],
      [{ action: "create-dispatch", agentName: " " }, "agentName"],
      [{ action: "create-dispatch", agentName: "a", metadata: {} }, "metadata"],
      [{ action: "delete-dispatch" }, "dispatchId"],
    ];
    for (const [body, field] of cases) {
      const refused = await act(operator, { room: "mod", ...body });
      expect(refused, JSON.stringify(body)).toMatchObject({ status: 400, body: { field } });
      expect(typeof refused.body.errorMessage).toBe("string");
    }
    expect(standIn.calls.length).toBe(before);
  });

  it("identities, track ids and room names such as `..`, `a/b`, `%2e` reach LiveKit as given, as data", async () => {
    const names = ["..", "a/b", "%2e%2e", "é/ü", "."];
    for (const name of names) {
      standIn.rooms.set(name, {
        sid: "RM_x",
        name,
        creationTime: "1",
        participants: [{ sid: "PA_x", identity: name, tracks: [{ sid: name, source: "CAMERA" }] }],
      });
      const before = standIn.calls.length;
      const muted = await act(operator, {
        action: "mute-track",
        room: name,
        identity: name,
        trackSid: name,
        muted: true,
      });
      expect(muted.status, name).toBe(200);
      const dispatched = await act(operator, {
        action: "create-dispatch",
        room: name,
        agentName: name,
      });
      expect(dispatched.status, name).toBe(200);
      expect(calls(before).map((c) => [c.method, c.body.room])).toEqual([
        ["MutePublishedTrack", name],
        ["CreateDispatch", name],
      ]);
      standIn.rooms.delete(name);
    }
  });
});

describe("remove and block", () => {
  it("open mode: removes through RemoveParticipant (with revokeTokenTs) and refuses the identity a token in that room until lifted", async () => {
    standIn.rooms.get("mod")!.participants.push({ sid: "PA_eve", identity: "eve" });
    expect(
      (await tokenRequest(server.url, { roomName: "mod", participantName: "eve" })).status,
    ).toBe(200);
    const before = standIn.calls.length;
    const done = await act(operator, { action: "remove-and-block", room: "mod", identity: "eve" });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      action: "remove-and-block",
      identity: "eve",
      removed: true,
      block: { room: "mod", identity: "eve", by: "ops" },
    });
    expect(done.body.message).toMatch(
      /removed eve from mod .*blocked: no token for eve until lifted/,
    );
    const [removal] = calls(before);
    expect(removal?.method).toBe("RemoveParticipant");
    expect(removal?.body).toMatchObject({ room: "mod", identity: "eve" });
    expect(Number(removal?.body.revokeTokenTs)).toBeGreaterThan(0);

    for (const body of [
      { roomName: "mod", participantName: "eve" },
      { room_name: "mod", participant_identity: "eve" },
    ]) {
      const refused = await tokenRequest(server.url, body);
      expect(refused.status, JSON.stringify(body)).toBe(403);
      expect(refused.body.errorMessage).toBe(
        'you were removed from room "mod" and blocked by an operator: no token is given for it until an operator lifts the block',
      );
    }
    // Another identity, or the same one in another room, is not blocked.
    expect(
      (await tokenRequest(server.url, { roomName: "mod", participantName: "eve2" })).status,
    ).toBe(200);
    expect(
      (await tokenRequest(server.url, { roomName: "other", participantName: "eve" })).status,
    ).toBe(200);

    const listed = await act(operator, { action: "list-blocks", room: "mod" });
    expect(listed.body.blocks).toEqual([expect.objectContaining({ identity: "eve" })]);
    expect(listed.body.message).toMatch(/1 blocked in mod \(memory block store\)/);

    // A token minted before the block still joins (livekit-server v1.13.5 ignores
    // revoke_token_ts): its participant_joined webhook gets it removed again.
    const removedBefore = standIn.calls.filter((c) => c.method === "RemoveParticipant").length;
    standIn.rooms.get("mod")!.participants.push({ sid: "PA_eve2", identity: "eve" });
    expect(
      (await sendWebhook(server.url, "participant_joined", { room: "mod", identity: "eve" }))
        .status,
    ).toBe(200);
    await waitUntil(
      () => standIn.calls.filter((c) => c.method === "RemoveParticipant").length > removedBefore,
      "RemoveParticipant again",
    );
    expect(standIn.calls.at(-1)?.body).toMatchObject({ room: "mod", identity: "eve" });
    await waitUntil(
      () => server.output().includes('blocks: removed "eve" from "mod" again on joining'),
      "log",
    );
    // Someone not blocked joins and stays.
    const count = standIn.calls.length;
    await sendWebhook(server.url, "participant_joined", { room: "mod", identity: "bob" });
    expect(standIn.calls.length).toBe(count);

    const lifted = await act(operator, { action: "lift-block", room: "mod", identity: "eve" });
    expect(lifted).toMatchObject({
      status: 200,
      body: { message: "Lifted the block of eve in mod" },
    });
    expect(
      (await tokenRequest(server.url, { roomName: "mod", participantName: "eve" })).status,
    ).toBe(200);
    expect(
      await act(operator, { action: "lift-block", room: "mod", identity: "eve" }),
    ).toMatchObject({
      status: 404,
      body: { field: "identity" },
    });
  });

  it("blocks someone not in the room too (RemoveParticipant's not found is no failure)", async () => {
    const done = await act(operator, {
      action: "remove-and-block",
      room: "mod",
      identity: "absent",
    });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ removed: false });
    expect(done.body.message).toMatch(/absent was not in mod/);
    expect(
      (await tokenRequest(server.url, { roomName: "mod", participantName: "absent" })).status,
    ).toBe(403);
    await act(operator, { action: "lift-block", room: "mod", identity: "absent" });
  });

  it("protected mode: blocking an invitee's identity blocks its invite (a new identity each join) and no other invite", async () => {
    const guarded = await startServer({
      LIVEKIT_URL: standIn.url,
      TOKEN_ACCESS: "protected",
      ROOM_API_TIMEOUT_MS: "1000",
    });
    try {
      const invite = await createInvite("mod", 600, keys);
      const other = await createInvite("mod", 600, keys);
      const first = await tokenRequest(
        guarded.url,
        { roomName: "mod", participantName: "Gus" },
        invite,
      );
      expect(first.status).toBe(200);
      const identity = identityOf(first.body.token as string);
      standIn.rooms.get("mod")!.participants.push({ sid: "PA_gus", identity });
      // The admission is noted after the answer: wait until the block would find it.
      let done: Awaited<ReturnType<typeof act>> | undefined;
      await waitUntil(async () => {
        done = await act(
          operator,
          { action: "remove-and-block", room: "mod", identity },
          guarded.url,
        );
        return (done.body.block as { invite?: string } | undefined)?.invite !== undefined;
      }, "the block names the invite");
      expect(done!.body.message).toMatch(/nor its invite until lifted/);

      const again = await tokenRequest(
        guarded.url,
        { roomName: "mod", participantName: "Gus" },
        invite,
      );
      expect(again.status).toBe(403);
      expect(again.body.errorMessage).toMatch(
        /^this invite was removed from room "mod" and blocked/,
      );
      expect(
        (await tokenRequest(guarded.url, { roomName: "mod", participantName: "Ann" }, other))
          .status,
      ).toBe(200);

      expect(
        (await act(operator, { action: "lift-block", room: "mod", identity }, guarded.url)).status,
      ).toBe(200);
      expect(
        (await tokenRequest(guarded.url, { roomName: "mod", participantName: "Gus" }, invite))
          .status,
      ).toBe(200);
    } finally {
      await guarded.stop();
    }
  });

  it("identity provider: blocking a signed-in user's identity blocks its sub, whatever the room's other users do", async () => {
    const idp = await startIdentityProvider();
    const guarded = await startServer({
      LIVEKIT_URL: standIn.url,
      TOKEN_ACCESS: "protected",
      TOKEN_AUTH_JWKS_URL: idp.jwksUrl,
      TOKEN_AUTH_ISSUER: IDP_ISSUER,
      TOKEN_AUTH_AUDIENCE: IDP_AUDIENCE,
      // Any room for these users: the room policy (TOKEN_AUTH_ROOMS) is token-access's test.
      TOKEN_AUTH_ROOMS: "any",
    });
    try {
      const zoe = await idp.sign({ sub: "zoe@example.com" });
      const yan = await idp.sign({ sub: "yan@example.com" });
      const ask = (jwt: string) => tokenRequest(guarded.url, { room_name: "mod" }, jwt);
      expect((await ask(zoe)).status).toBe(201);
      let done: Awaited<ReturnType<typeof act>> | undefined;
      await waitUntil(async () => {
        done = await act(
          operator,
          { action: "remove-and-block", room: "mod", identity: "zoe@example.com" },
          guarded.url,
        );
        return (done.body.block as { subject?: string } | undefined)?.subject !== undefined;
      }, "the block names the sub");
      expect(done!.body.block).toMatchObject({
        identity: "zoe@example.com",
        subject: "zoe@example.com",
      });
      const refused = await ask(await idp.sign({ sub: "zoe@example.com" }));
      expect(refused.status).toBe(403);
      expect(refused.body.errorMessage).toMatch(/^you were removed from room "mod" and blocked/);
      expect((await ask(yan)).status).toBe(201);
      expect((await tokenRequest(guarded.url, { room_name: "elsewhere" }, zoe)).status).toBe(201);
    } finally {
      await guarded.stop();
      await idp.close();
    }
  });
});
