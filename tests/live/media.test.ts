/**
 * A real media session: two Chromium pages join a real livekit-server's room through our page
 * (the real Join button, LiveKit's standard token endpoint), publish the fake camera and
 * microphone and each sees the other's video play; every ICE candidate is 127.0.0.1; the page's
 * event log shows the server's own webhooks. The tutorials' client joins the same room unchanged.
 */
import { RoomServiceClient } from "livekit-server-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  browserForFile,
  liveStackForFile,
  TEST_API_KEY,
  TEST_API_SECRET,
} from "../support/fixtures";
import {
  iceCandidates,
  joinThroughPage,
  logTypes,
  remoteVideoPlays,
  REMOTE_TILE_VIDEO,
  waitConnected,
} from "../support/live-page";
import { startTutorialClient, type TutorialClientServer } from "../support/tutorial-client";
import { waitUntil } from "../support/wait";

/** Joins, ICE and first frames on a loaded 2-core machine: generous deadlines, not timings. */
const MEDIA_TIMEOUT = 120_000;

const stack = liveStackForFile();
const { newPage } = browserForFile({ watchConnections: true });
let tutorial: TutorialClientServer;

beforeAll(async () => {
  tutorial = await startTutorialClient();
});
afterAll(async () => {
  await tutorial?.close();
});

const count = (types: string[], type: string) => types.filter((t) => t === type).length;

describe("a real media session", () => {
  it(
    "two pages join through Join, see each other's video over loopback ICE, and log the real webhooks; the tutorial client joins too",
    async () => {
      const room = `media-${Date.now().toString(36)}`;
      const [alice, bob] = [await newPage(), await newPage()];
      await alice.goto(stack.server.url);
      await bob.goto(stack.server.url);
      const clicked = performance.now();
      const joined = await joinThroughPage(alice, room, "Alice");
      expect(joined.serverUrl).toBe(stack.livekit.url);
      await joinThroughPage(bob, room, "Bob");
      await Promise.all([waitConnected(alice), waitConnected(bob)]);
      const connectedMs = performance.now() - clicked;

      // Each sees the other's camera play.
      for (const page of [alice, bob]) {
        await waitUntil(
          () => remoteVideoPlays(page, REMOTE_TILE_VIDEO),
          "the other page's video plays",
          MEDIA_TIMEOUT,
        );
      }

      // Reported, not asserted: Alice's Join click to both connected and both videos playing.
      console.log(
        `media: Join to both connected ${connectedMs.toFixed(0)} ms, to both videos playing ` +
          `${(performance.now() - clicked).toFixed(0)} ms`,
      );

      // Every candidate either side offered, and every selected pair, is loopback.
      for (const page of [alice, bob]) {
        const { selected, addresses } = await iceCandidates(page);
        expect(selected.length).toBeGreaterThan(0);
        console.log("media: selected ICE pairs", JSON.stringify(selected));
        for (const pair of selected) {
          expect(pair.local.address).toBe("127.0.0.1");
          expect(pair.remote.address).toBe("127.0.0.1");
        }
        expect(addresses.length).toBeGreaterThan(0);
        expect(new Set(addresses)).toEqual(new Set(["127.0.0.1"]));
      }

      // The server's own webhooks, in each page's log: the room once, both joins, four tracks.
      for (const page of [alice, bob]) {
        await waitUntil(
          async () => {
            const types = await logTypes(page);
            return count(types, "participant_joined") >= 2 && count(types, "track_published") >= 4;
          },
          "room_started, participant_joined and track_published rows",
          MEDIA_TIMEOUT,
        );
        const types = await logTypes(page);
        expect(count(types, "room_started")).toBe(1);
        expect(count(types, "participant_joined")).toBe(2);
        expect(count(types, "track_published")).toBe(4);
      }

      // The tutorials' client, from another origin, through /token, joins the same room.
      const client = await newPage();
      await client.goto(tutorial.pageUrl(stack.server.url, stack.livekit.url));
      await client.locator("#room-name").fill(room);
      await client.locator("#participant-name").fill("Tutorial");
      await client.locator("#join-button").click();
      await waitUntil(
        () => remoteVideoPlays(client, "#layout-container video"),
        "the tutorial client plays the pages' video",
        MEDIA_TIMEOUT,
      );
      await expect(client.locator("#room-title").textContent()).resolves.toBe(room);
      for (const page of [alice, bob]) {
        await waitUntil(
          async () => (await page.locator(REMOTE_TILE_VIDEO).count()) >= 2,
          "the tutorial client's tile",
          MEDIA_TIMEOUT,
        );
        await waitUntil(
          async () => count(await logTypes(page), "participant_joined") === 3,
          "the tutorial client's participant_joined row",
          MEDIA_TIMEOUT,
        );
      }
      const api = new RoomServiceClient(stack.livekit.httpUrl, TEST_API_KEY, TEST_API_SECRET);
      const participants = await api.listParticipants(room);
      expect(participants.map((participant) => participant.identity)).toContain("Tutorial");
      const tutorialIce = await iceCandidates(client);
      expect(tutorialIce.selected.length).toBeGreaterThan(0);
      expect(new Set(tutorialIce.addresses)).toEqual(new Set(["127.0.0.1"]));
    },
    MEDIA_TIMEOUT * 4,
  );
});
