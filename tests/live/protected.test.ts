/**
 * Protected mode (TOKEN_ACCESS=protected, docs/security.md) against a real livekit-server: an
 * invite link joins a real room through our page; the participant token it gave is for that
 * room only, and the real server refuses it for another (joining, listing, subscribing).
 */
import { decodeJwt } from "jose";
import { RoomServiceClient } from "livekit-server-sdk";
import type { Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import {
  browserForFile,
  liveStackForFile,
  TEST_API_KEY,
  TEST_API_SECRET,
} from "../support/fixtures";
import {
  joinWithName,
  logTypes,
  remoteVideoPlays,
  REMOTE_TILE_VIDEO,
  waitConnected,
} from "../support/live-page";
import { connectSse } from "../support/sse";
import { waitUntil } from "../support/wait";
import { createInvite } from "@/lib/invite";

const WAIT = 120_000;
const KEYS = { apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET };

const stack = liveStackForFile({ serverEnv: { TOKEN_ACCESS: "protected" } });
const { newPage } = browserForFile({ watchConnections: true });

afterAll(async () => {});

/** Opens our page from an invite link for `room` and joins as `name`; the token it got. */
async function joinByInvite(
  room: string,
  name: string,
): Promise<{ page: Page; token: string; invite: string }> {
  const page = await newPage();
  const invite = await createInvite(room, 3600, KEYS);
  await page.goto(`${stack.server.url}/#invite=${invite}`);
  await waitUntil(
    async () => (await page.getByLabel("Room name").inputValue()) === room,
    "the invited room shown",
    WAIT,
  );
  const { token } = await joinWithName(page, name);
  await waitConnected(page);
  return { page, token, invite };
}

/** A call to the real server's room API (Twirp) with `token` as the caller's credential. */
async function roomApi(method: string, token: string, body: unknown): Promise<number> {
  const response = await fetch(`${stack.livekit.httpUrl}/twirp/livekit.RoomService/${method}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return response.status;
}

/** What the real server says to a join with `token` (its /rtc/validate: the join's own checks). */
async function validate(token: string): Promise<number> {
  const response = await fetch(
    `${stack.livekit.httpUrl}/rtc/validate?access_token=${encodeURIComponent(token)}`,
  );
  return response.status;
}

describe("protected mode against a real livekit-server", () => {
  it(
    "an invite link joins a real room; that room's token cannot join, list or subscribe in another",
    async () => {
      const suffix = Date.now().toString(36);
      const [roomA, roomB] = [`guarded-a-${suffix}`, `guarded-b-${suffix}`];
      const alice = await joinByInvite(roomA, "Alice");
      const bob = await joinByInvite(roomB, "Bob");
      // Real rooms: the server's own webhooks in each page's log, Bob's camera published.
      for (const page of [alice.page, bob.page]) {
        await waitUntil(
          async () => {
            const types = await logTypes(page);
            return types.includes("room_started") && types.includes("participant_joined");
          },
          "room_started and participant_joined rows",
          WAIT,
        );
      }
      const api = new RoomServiceClient(stack.livekit.httpUrl, TEST_API_KEY, TEST_API_SECRET);
      const identity = decodeJwt(alice.token).sub!;
      expect(decodeJwt(alice.token)).toMatchObject({ video: { room: roomA, roomJoin: true } });
      await waitUntil(
        async () => (await api.listParticipants(roomB)).some((p) => p.tracks.length >= 2),
        "Bob's tracks published in room B",
        WAIT,
      );
      const bobTracks = (await api.listParticipants(roomB)).flatMap((p) => p.tracks);

      // Alice is in room A only, and sees nothing of room B.
      expect((await api.listParticipants(roomA)).map((p) => p.identity)).toEqual([identity]);
      expect((await api.listParticipants(roomB)).map((p) => p.identity)).not.toContain(identity);
      await expect(remoteVideoPlays(alice.page, REMOTE_TILE_VIDEO)).resolves.toBe(false);

      // The token joins its own room (the server's join checks pass)…
      expect(await validate(alice.token)).toBe(200);
      // …and, pointed at room B (the same claims but the room, so its signature no longer
      // matches), the real server refuses the join.
      const [header, , signature] = alice.token.split(".");
      const claims = decodeJwt(alice.token) as { video: Record<string, unknown> };
      const retargeted = Buffer.from(
        JSON.stringify({ ...claims, video: { ...claims.video, room: roomB } }),
      ).toString("base64url");
      expect(await validate(`${header}.${retargeted}.${signature}`)).toBe(401);

      // The room API gives a participant token nothing (it has no roomAdmin, in its own room or
      // any other): no listing of room B, no subscribing to Bob's tracks.
      expect(await roomApi("ListParticipants", alice.token, { room: roomB })).toBe(401);
      expect(
        await roomApi("UpdateSubscriptions", alice.token, {
          room: roomB,
          identity,
          track_sids: bobTracks.map((track) => track.sid),
          subscribe: true,
        }),
      ).toBe(401);
      // Nor does this app give it room B's events, or a token for room B.
      const events = await connectSse(stack.server.url, {
        token: alice.token,
        bearer: true,
        room: roomB,
      });
      events.close();
      expect(events.status).toBe(403);
      const askFor = (credential: string) =>
        fetch(`${stack.server.url}/api/token`, {
          method: "POST",
          headers: { "Content-Type": "application/json", Authorization: `Bearer ${credential}` },
          body: JSON.stringify({ room_name: roomB, participant_name: "Alice" }),
        }).then((response) => response.status);
      // The participant token is no credential for a token; room A's invite none for room B.
      expect(await askFor(alice.token)).toBe(401);
      const withInvite = await askFor(alice.invite);
      expect(withInvite).toBeGreaterThanOrEqual(400);
      expect(withInvite).toBeLessThan(500);
      // Bob's room still holds Bob alone.
      expect((await api.listParticipants(roomB)).map((p) => p.identity)).toHaveLength(1);
    },
    WAIT * 4,
  );
});
