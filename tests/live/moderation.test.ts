/**
 * Moderation against the real livekit-server (v1.13.5, loopback only): two participants join a
 * room through the page's Join (Chromium, fake camera and microphone, loopback ICE), and the
 * operator acts through this app's `POST /api/rooms/actions`: a mute reaches the other page, a
 * revoked publish permission is enforced by LiveKit, remove-and-block removes the page and
 * refuses the next token for that identity until lifted (and a rejoin with the token minted
 * before is removed again by the webhook side), and a dispatch is listed by the real server's
 * AgentDispatchService.
 */
import { AgentDispatchClient, RoomServiceClient, TrackSource } from "livekit-server-sdk";
import { beforeAll, describe, expect, it } from "vitest";
import { createInvite } from "@/lib/invite";
import { OPERATOR_GRANT } from "@/lib/rooms/operator";
import { createOperatorToken } from "@/lib/token";
import {
  browserForFile,
  liveStackForFile,
  operatorToken,
  TEST_API_KEY,
  TEST_API_SECRET,
} from "../support/fixtures";
import { startServer } from "../support/server";
import { joinAs } from "../support/live-page";
import { connectSse, parseEventMessage, type SseClient } from "../support/sse";
import { waitUntil } from "../support/wait";

/** Deadlines on a loaded machine, not timings. */
const SHOWS = { timeout: 30_000 };
const WEBHOOKS_ARRIVE = 60_000;

const stack = liveStackForFile();
const { newPage } = browserForFile();
let operator: string;

beforeAll(async () => {
  operator = await createOperatorToken(
    OPERATOR_GRANT,
    { identity: "ops", ttlSeconds: 600 },
    { apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET },
  );
});

async function act(body: Record<string, unknown>, url = stack.server.url) {
  const response = await fetch(`${url}/api/rooms/actions`, {
    method: "POST",
    headers: { Authorization: `Bearer ${operator}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function tokenStatus(body: Record<string, unknown>) {
  const response = await fetch(`${stack.server.url}/api/token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

type Stored = { type: string; identity?: string; source?: string };

function stored(events: SseClient): Stored[] {
  return events.messages.map((message) => {
    const { event } = parseEventMessage(message);
    return {
      type: event.event,
      identity: (event.participant as { identity?: string } | undefined)?.identity,
      source: (event.track as { source?: string } | undefined)?.source,
    };
  });
}

describe("moderation against a real livekit-server", () => {
  it("mute reaches the other page; revoked publish is enforced; remove-and-block removes and refuses the identity's next token until lifted; a dispatch is listed by the server", async () => {
    const room = `moderate-live-${Date.now().toString(36)}`;
    const events = await connectSse(stack.server.url, {
      token: await operatorToken(),
      bearer: true,
      room,
    });
    const api = new RoomServiceClient(stack.livekit.httpUrl, TEST_API_KEY, TEST_API_SECRET);
    try {
      const alicePage = await newPage();
      const bobPage = await newPage();
      const alice = await joinAs(alicePage, stack.server.url, room, "Alice", SHOWS.timeout);
      const bob = await joinAs(bobPage, stack.server.url, room, "Bob", SHOWS.timeout);
      const published = (identity: string) =>
        stored(events).filter((e) => e.type === "track_published" && e.identity === identity);
      await events.waitFor(() => published(bob).length === 2, WEBHOOKS_ARRIVE);
      const bobInfo = (await api.listParticipants(room)).find((p) => p.identity === bob)!;
      const camera = bobInfo.tracks.find((t) => t.source === TrackSource.CAMERA)!;
      expect(camera.muted).toBe(false);

      // Alice's page shows Bob's camera, not muted; the operator mutes it.
      const bobTile = alicePage.locator(
        '.lk-participant-tile[data-lk-local-participant="false"][data-lk-source="camera"]',
      );
      await bobTile.first().waitFor(SHOWS);
      const muted = await act({
        action: "mute-track",
        room,
        identity: bob,
        trackSid: camera.sid,
        muted: true,
      });
      expect(muted.status).toBe(200);
      expect(muted.body.track).toMatchObject({ sid: camera.sid, muted: true });
      expect(muted.body.message).toMatch(/answered muted=true/);
      await alicePage
        .locator(
          '.lk-participant-tile[data-lk-local-participant="false"][data-lk-source="camera"][data-lk-video-muted="true"]',
        )
        .waitFor(SHOWS);
      const afterMute = (await api.listParticipants(room)).find((p) => p.identity === bob)!;
      expect(afterMute.tracks.find((t) => t.sid === camera.sid)?.muted).toBe(true);

      // Publish revoked: LiveKit records it, takes Bob's tracks down, and tells Bob's page,
      // whose control bar then offers no camera or microphone (LiveKit's ControlBar shows a
      // source's toggle only with the permission to publish it).
      const bobCameraToggle = bobPage.locator('.lk-control-bar button[data-lk-source="camera"]');
      await bobCameraToggle.waitFor(SHOWS);
      const revoked = await act({
        action: "update-participant",
        room,
        identity: bob,
        permission: { canPublish: false },
      });
      expect(revoked.status).toBe(200);
      expect(revoked.body.participant).toMatchObject({
        identity: bob,
        permission: { canPublish: false, canSubscribe: true, canPublishData: true },
      });
      await waitUntil(
        async () =>
          (await api.listParticipants(room)).find((p) => p.identity === bob)?.tracks.length === 0,
        "LiveKit unpublishes Bob's tracks",
        WEBHOOKS_ARRIVE,
      );
      await bobCameraToggle.waitFor({ state: "detached", ...SHOWS });
      expect(
        await bobPage.locator('.lk-control-bar button[data-lk-source="microphone"]').count(),
      ).toBe(0);
      const now = (await api.listParticipants(room)).find((p) => p.identity === bob)!;
      expect(now.permission?.canPublish).toBe(false);
      expect(now.permission?.canSubscribe).toBe(true);
      await events.waitFor(
        () =>
          stored(events).filter((e) => e.type === "track_unpublished" && e.identity === bob)
            .length === 2,
        WEBHOOKS_ARRIVE,
      );

      // Dispatch: created through our route, listed by the real server.
      const created = await act({
        action: "create-dispatch",
        room,
        agentName: "moderation-helper",
        metadata: '{"lang":"en"}',
      });
      expect(created.status).toBe(200);
      const dispatchId = (created.body.dispatch as { id: string }).id;
      expect(dispatchId).toMatch(/^AD_/);
      const dispatches = new AgentDispatchClient(
        stack.livekit.httpUrl,
        TEST_API_KEY,
        TEST_API_SECRET,
      );
      // Fact (v1.13.5): every room also has the server's own dispatch for automatic dispatch,
      // agent name "" (what an agent registered without a name takes): listed beside ours.
      const named = (list: { id: string; agentName: string; metadata?: string }[]) =>
        list.filter((d) => d.agentName !== "").map((d) => [d.id, d.agentName, d.metadata]);
      const listed = await dispatches.listDispatch(room);
      expect(named(listed)).toEqual([[dispatchId, "moderation-helper", '{"lang":"en"}']]);
      expect(listed.filter((d) => d.agentName === "")).toHaveLength(1);
      const ours = await act({ action: "list-dispatches", room });
      expect(named(ours.body.dispatches as { id: string; agentName: string }[])).toEqual([
        [dispatchId, "moderation-helper", '{"lang":"en"}'],
      ]);
      expect((await act({ action: "delete-dispatch", room, dispatchId })).status).toBe(200);
      expect(named(await dispatches.listDispatch(room))).toEqual([]);

      // Remove and block: Bob's page says so; the same identity gets no token until lifted.
      const blocked = await act({ action: "remove-and-block", room, identity: bob });
      expect(blocked.status).toBe(200);
      expect(blocked.body.removed).toBe(true);
      await bobPage.getByText("You were removed from the room.").waitFor(SHOWS);
      for (const body of [
        { roomName: room, participantName: "Bob", identity: bob },
        { room_name: room, participant_name: "Bob", participant_identity: bob },
      ]) {
        const refused = await tokenStatus(body);
        expect(refused.status, JSON.stringify(body)).toBe(403);
        expect(refused.body.errorMessage).toMatch(
          /removed from room .* and blocked by an operator/,
        );
      }
      await events.waitFor(
        () => stored(events).some((e) => e.type === "participant_left" && e.identity === bob),
        WEBHOOKS_ARRIVE,
      );
      expect((await api.listParticipants(room)).map((p) => p.identity)).toEqual([alice]);

      // Rejoin reuses the page's token, minted before the block. livekit-server v1.13.5 lets
      // it in (it ignores RemoveParticipant's revoke_token_ts): our webhook intake sees the
      // blocked identity's participant_joined and removes it again.
      const joins = () =>
        stored(events).filter((e) => e.type === "participant_joined" && e.identity === bob).length;
      const lefts = () =>
        stored(events).filter((e) => e.type === "participant_left" && e.identity === bob).length;
      await bobPage.getByRole("button", { name: "Rejoin" }).click();
      await events.waitFor(() => joins() === 2 && lefts() === 2, WEBHOOKS_ARRIVE);
      await waitUntil(
        () => stack.server.output().includes(`blocks: removed ${JSON.stringify(bob)}`),
        "the removal on joining is logged",
      );
      await bobPage.getByText("You were removed from the room.").waitFor(SHOWS);
      expect((await api.listParticipants(room)).map((p) => p.identity)).toEqual([alice]);

      expect((await act({ action: "lift-block", room, identity: bob })).status).toBe(200);
      expect(
        (await tokenStatus({ roomName: room, participantName: "Bob", identity: bob })).status,
      ).toBe(200);
    } finally {
      events.close();
    }
  });

  it("protected mode: an invitee joined from its invite link is removed and blocked; the same invite gets 403 (on the page too) until lifted, another invite joins", async () => {
    const room = `invite-live-${Date.now().toString(36)}`;
    const keys = { apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET };
    // A protected instance on the same livekit-server (its webhooks go to the open one).
    const guarded = await startServer({
      LIVEKIT_URL: stack.livekit.url,
      TOKEN_ACCESS: "protected",
    });
    try {
      const invite = await createInvite(room, 3600, keys);
      const page = await newPage();
      await page.goto(`${guarded.url}/#invite=${invite}`);
      await page.getByLabel("Your name").fill("Invitee");
      const answer = page.waitForResponse((response) => response.url().endsWith("/api/token"));
      await page.getByRole("button", { name: "Join" }).click();
      const { participant_token: token } = (await (await answer).json()) as {
        participant_token: string;
      };
      const identity = (
        JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as { sub: string }
      ).sub;
      await page.locator('.connection[data-state="Connected"]').waitFor(SHOWS);

      let blocked: Awaited<ReturnType<typeof act>> | undefined;
      await waitUntil(async () => {
        blocked = await act({ action: "remove-and-block", room, identity }, guarded.url);
        return (blocked.body.block as { invite?: string } | undefined)?.invite !== undefined;
      }, "the block names the invite");
      expect(blocked!.status).toBe(200);
      await page.getByText("You were removed from the room.").waitFor(SHOWS);

      const ask = (credential: string) =>
        fetch(`${guarded.url}/api/token`, {
          method: "POST",
          headers: { Authorization: `Bearer ${credential}`, "Content-Type": "application/json" },
          body: JSON.stringify({ room_name: room, participant_name: "Invitee" }),
        });
      const refused = await ask(invite);
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { errorMessage: string }).errorMessage).toMatch(
        /^this invite was removed from room .* and blocked by an operator/,
      );
      // The page, opened again from the same link, says so.
      const again = await newPage();
      await again.goto(`${guarded.url}/#invite=${invite}`);
      await again.getByLabel("Your name").fill("Invitee");
      await again.getByRole("button", { name: "Join" }).click();
      await again.getByText(/this invite was removed from room/).waitFor(SHOWS);
      // Another invite to the room still joins.
      expect((await ask(await createInvite(room, 3600, keys))).status).toBe(201);

      expect((await act({ action: "lift-block", room, identity }, guarded.url)).status).toBe(200);
      expect((await ask(invite)).status).toBe(201);
    } finally {
      await guarded.stop();
    }
  });
});
