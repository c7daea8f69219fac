/**
 * The operator console against the real livekit-server: two participants really join a room
 * through the page's Join (Chromium, fake camera and microphone, loopback ICE), the console
 * lists the room and them from LiveKit's own room API, Remove and End room go to that API, each
 * participant's page says what LiveKit told it, and the server's own participant_left and
 * room_finished webhooks are stored. The console's link comes from the real
 * `npm run operator-link`, as tests/e2e/console.test.ts (the stand-in's version) gets it.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { RoomServiceClient } from "livekit-server-sdk";
import { beforeAll, describe, expect, it } from "vitest";
import {
  browserForFile,
  liveStackForFile,
  operatorToken,
  TEST_API_KEY,
  TEST_API_SECRET,
} from "../support/fixtures";
import { joinAs } from "../support/live-page";
import { ROOT } from "../support/server";
import { connectSse, parseEventMessage, type SseClient } from "../support/sse";
import { waitUntil } from "../support/wait";

const run = promisify(execFile);
/** Deadlines on a loaded machine, not timings. */
const SHOWS = { timeout: 30_000 };
const WEBHOOKS_ARRIVE = 60_000;

const stack = liveStackForFile();
const { newPage } = browserForFile();
let link: string;

beforeAll(async () => {
  const { stdout } = await run(
    "npm",
    ["run", "-s", "operator-link", "--", "--base-url", stack.server.url],
    {
      cwd: ROOT,
      env: { ...process.env, LIVEKIT_API_KEY: TEST_API_KEY, LIVEKIT_API_SECRET: TEST_API_SECRET },
    },
  );
  link = stdout.trim();
});

type Stored = { type: string; identity?: string; disconnectReason?: string; id: string };

function stored(events: SseClient): Stored[] {
  return events.messages.map((message) => {
    const { event } = parseEventMessage(message);
    const participant = event.participant as
      { identity?: string; disconnectReason?: string } | undefined;
    return {
      type: event.event,
      id: event.id,
      identity: participant?.identity,
      disconnectReason: participant?.disconnectReason,
    };
  });
}

describe("the console against a real livekit-server", () => {
  // A real server, three browser pages and several rounds of webhooks: minutes on a loaded machine.
  it("lists the room and its participants from LiveKit's room API; Remove and End room reach the participants' pages, and the real participant_left and room_finished arrive", async () => {
    const room = `console-live-${Date.now().toString(36)}`;
    const events = await connectSse(stack.server.url, {
      token: await operatorToken(),
      bearer: true,
      room,
    });
    try {
      const alicePage = await newPage();
      const bobPage = await newPage();
      const alice = await joinAs(alicePage, stack.server.url, room, "Alice", SHOWS.timeout);
      const bob = await joinAs(bobPage, stack.server.url, room, "Bob", SHOWS.timeout);
      // LiveKit's participant_joined comes once a participant is active (its media connected);
      // each page publishes its fake camera and microphone.
      const published = (identity: string) =>
        stored(events).filter((e) => e.type === "track_published" && e.identity === identity);
      await events.waitFor(
        () =>
          [alice, bob].every(
            (identity) =>
              stored(events).some(
                (e) => e.type === "participant_joined" && e.identity === identity,
              ) && published(identity).length === 2,
          ),
        WEBHOOKS_ARRIVE,
      );
      const api = new RoomServiceClient(stack.livekit.httpUrl, TEST_API_KEY, TEST_API_SECRET);
      const fromLivekit = await api.listParticipants(room);
      expect(fromLivekit.map((p) => p.identity).sort()).toEqual([alice, bob].sort());

      // The console's rooms come from LiveKit's room API (source "livekit"), with both in it.
      const consolePage = await newPage();
      const roomsAnswer = consolePage.waitForResponse(
        (response) => new URL(response.url()).pathname === "/api/rooms",
      );
      await consolePage.goto(link);
      const overview = (await (await roomsAnswer).json()) as {
        source: string;
        rooms: {
          name: string;
          participants: { identity: string; sid: string; tracks: { source: string }[] }[];
        }[];
      };
      expect(overview.source).toBe("livekit");
      const listed = overview.rooms.find((r) => r.name === room);
      expect(listed?.participants.map((p) => p.identity).sort()).toEqual([alice, bob].sort());
      // The sids are LiveKit's own, as its API gives them, and so are the tracks.
      expect(listed?.participants.map((p) => p.sid).sort()).toEqual(
        fromLivekit.map((p) => p.sid).sort(),
      );
      for (const participant of listed?.participants ?? []) {
        expect(participant.tracks.map((t) => t.source).sort()).toEqual(["CAMERA", "MICROPHONE"]);
      }
      await consolePage.locator('[data-source="livekit"]').waitFor(SHOWS);
      const card = consolePage.locator(`.room-card[data-room="${room}"]`);
      await card.locator('[data-field="participants"]', { hasText: "2:" }).waitFor(SHOWS);

      // Remove: LiveKit disconnects Alice, whose page says she was removed.
      await card.getByRole("link", { name: room }).click();
      await consolePage.waitForURL((url) => url.searchParams.get("name") === room);
      const aliceRow = consolePage.locator(`.participant-list li[data-identity="${alice}"]`);
      await aliceRow.waitFor(SHOWS);
      await consolePage.locator(`.participant-list li[data-identity="${bob}"]`).waitFor(SHOWS);
      await aliceRow.getByRole("button", { name: "Remove", exact: true }).click();
      await aliceRow.getByRole("button", { name: "Remove", exact: true }).click();
      await consolePage.getByText(`LiveKit removed ${alice} from ${room}`).waitFor(SHOWS);
      await alicePage
        .getByRole("heading", { name: "You were removed from the room." })
        .waitFor(SHOWS);
      await events.waitFor(
        () => stored(events).some((e) => e.type === "participant_left" && e.identity === alice),
        WEBHOOKS_ARRIVE,
      );
      await waitUntil(
        async () => (await api.listParticipants(room)).every((p) => p.identity !== alice),
        "LiveKit no longer lists the removed participant",
        SHOWS.timeout,
      );
      await consolePage
        .locator(`.participant-list li[data-identity="${alice}"]`)
        .waitFor({ state: "detached", ...SHOWS });

      // End room: LiveKit closes it for Bob, whose page says so; room_finished follows.
      await consolePage.getByRole("button", { name: "End room" }).click();
      await consolePage
        .getByRole("group", { name: `End room ${room} for everyone in it?` })
        .getByRole("button", { name: "End room" })
        .click();
      await consolePage.getByText(`LiveKit ended room ${room}`).waitFor(SHOWS);
      await bobPage.getByRole("heading", { name: "The room was closed." }).waitFor(SHOWS);
      await events.waitFor(
        () => stored(events).some((e) => e.type === "room_finished"),
        WEBHOOKS_ARRIVE,
      );
      await consolePage.locator(".room-state", { hasText: "Not live" }).waitFor(SHOWS);
      expect(await api.listRooms([room])).toEqual([]);

      const all = stored(events);
      const left = all.filter((e) => e.type === "participant_left");
      expect(left.map((e) => e.identity).sort()).toEqual([alice, bob].sort());
      // LiveKit's own reasons, as its webhooks carry them.
      console.log(
        "real participant_left reasons:",
        left.map((e) => `${e.identity}: ${e.disconnectReason ?? "(none)"}`).join(", "),
      );
      expect(left.find((e) => e.identity === alice)?.disconnectReason).toBe("PARTICIPANT_REMOVED");
      expect(left.find((e) => e.identity === bob)?.disconnectReason).toBe("ROOM_DELETED");
      // Each stored once, and room_finished after both left.
      expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
      const types = all.map((e) => e.type);
      expect(types[0]).toBe("room_started");
      expect(types.at(-1)).toBe("room_finished");
      expect(types.filter((t) => t === "room_finished")).toHaveLength(1);
      console.log("real webhooks stored for the room, in order:", types.join(", "));
    } finally {
      events.close();
    }
  }, 180_000);
});
