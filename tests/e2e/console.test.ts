/**
 * The operator console in Chromium against the production build, opened from the link the real
 * `npm run operator-link` prints. LiveKit's room API is the loopback stand-in
 * (tests/support/livekit-room-api.ts); the webhooks are signed by the simulator's code and
 * posted to the real webhook route. The stand-in's lists are kept as LiveKit's would be after
 * each webhook, so a refresh of the rooms agrees with the event stream.
 */
import { execFile } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import type { Browser, BrowserContext, Page, Response } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, RESULTS_DIR, saveScreenshot } from "../support/browser";
import {
  startRoomApiStandIn,
  type RoomApiStandIn,
  type StandInTrack,
} from "../support/livekit-room-api";
import { TEST_API_KEY, TEST_API_SECRET, tokenFromServer } from "../support/fixtures";
import { LIVEKIT_MARKS } from "../support/livekit-marks";
import { DIST_DIR, ROOT, startServer, type RunningServer } from "../support/server";
import { waitUntil } from "../support/wait";
import { sendWebhook } from "../support/webhooks";

const run = promisify(execFile);
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
/**
 * A row shows within this deadline; a deadline, not a timing assertion (a page load and its first
 * /api/rooms answer can take seconds on a loaded machine).
 */
const SHOWS = { timeout: 15_000 };

let standIn: RoomApiStandIn;
let server: RunningServer;
let browser: Browser;
let link: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  standIn = await startRoomApiStandIn();
  server = await startServer({ LIVEKIT_URL: standIn.url });
  browser = await launchBrowser();
  const { stdout } = await run(
    "npm",
    ["run", "-s", "operator-link", "--", "--base-url", server.url],
    {
      cwd: ROOT,
      env: { ...process.env, LIVEKIT_API_KEY: TEST_API_KEY, LIVEKIT_API_SECRET: TEST_API_SECRET },
    },
  );
  link = stdout.trim();
});

// Each test's pages go with it: an open console page holds an event stream (and polls the room
// API), and pages left open by earlier tests starved later ones of connections and stream slots.
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close().catch(() => {})));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await standIn?.close();
});

async function newPage(viewport = DESKTOP): Promise<Page> {
  const context = await browser.newContext({ viewport });
  contexts.push(context);
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error("page error:", error.message));
  return page;
}

let counter = 0;
const uniqueRoom = (label: string) => `${label}-${Date.now().toString(36)}-${++counter}`;

/** Sends a webhook signed by the simulator's code and keeps the stand-in's lists in step. */
async function livekitSays(
  type:
    | "room_started"
    | "participant_joined"
    | "track_published"
    | "participant_left"
    | "room_finished",
  room: string,
  identity = "alice",
) {
  const sent = await sendWebhook(server.url, type, { room, identity });
  expect(sent.status).toBe(200);
  const state = standIn.rooms.get(room);
  if (type === "room_started") {
    standIn.rooms.set(room, {
      sid: "RM_standin",
      name: room,
      creationTime: String(Math.floor(Date.now() / 1000)),
      participants: [],
    });
  } else if (type === "participant_joined") {
    state?.participants.push({ sid: `PA_${identity}`, identity, tracks: [] });
  } else if (type === "track_published") {
    const { track } = JSON.parse(sent.rawBody) as { track: StandInTrack };
    state?.participants.find((p) => p.identity === identity)?.tracks?.push(track);
  } else if (type === "participant_left" && state) {
    state.participants = state.participants.filter((p) => p.identity !== identity);
  } else if (type === "room_finished") {
    standIn.rooms.delete(room);
  }
  return sent;
}

async function runAxe(page: Page) {
  const require = createRequire(import.meta.url);
  await page.evaluate(readFileSync(require.resolve("axe-core/axe.min.js"), "utf8"));
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (context: Document) => Promise<{ violations: { id: string; help: string }[] }>;
        };
      }
    ).axe;
    const results = await axe.run(document);
    return results.violations.map((violation) => `${violation.id}: ${violation.help}`);
  });
}

/** A room-API call that acts (not one of the page's reads). */
const isAction = (call: { method: string }) =>
  !["ListRooms", "ListParticipants", "ListDispatch"].includes(call.method);

const card = (page: Page, room: string) => page.locator(`.room-card[data-room="${room}"]`);

describe("the operator console", () => {
  it("opens from the operator link, keeps the credential out of the address bar, loads no LiveKit code; first-load weight measured", async () => {
    expect(link).toMatch(new RegExp(`^${server.url}/console#token=[\\w-]+\\.[\\w-]+\\.[\\w-]+$`));
    const page = await newPage();
    const scripts = new Map<string, Buffer>();
    const pending: Promise<void>[] = [];
    const authorizations: string[] = [];
    const streamRequests: { url: string; authorization: string }[] = [];
    page.on("request", (request) => {
      if (new URL(request.url()).pathname === "/api/events") {
        streamRequests.push({
          url: request.url(),
          authorization: request.headers().authorization ?? "",
        });
      }
      if (new URL(request.url()).pathname === "/api/rooms") {
        authorizations.push(request.headers().authorization ?? "");
        expect(request.url()).not.toContain("token=");
      }
    });
    const onResponse = (response: Response) => {
      const type = response.request().resourceType();
      if (type !== "script" && type !== "stylesheet") return;
      pending.push(
        response.body().then(
          (body) => void scripts.set(response.url(), body),
          () => {},
        ),
      );
    };
    page.on("response", onResponse);
    // Not "networkidle": the event stream is a request that stays open.
    await page.goto(link, { waitUntil: "load" });
    await page.getByRole("heading", { name: "Rooms now" }).waitFor(SHOWS);
    await page.locator(".stream-status", { hasText: "Live" }).waitFor(SHOWS);
    await Promise.all(pending);
    page.off("response", onResponse);

    expect(page.url()).toBe(`${server.url}/console`);
    const token = link.split("#token=")[1];
    await expect(
      page.evaluate(() => sessionStorage.getItem("livekit-console.operator-token")),
    ).resolves.toBe(token);
    await waitUntil(() => authorizations.length > 0, "a rooms request");
    expect(authorizations[0]).toBe(`Bearer ${token}`);
    await page.locator('[data-source="livekit"]').waitFor(SHOWS);
    // The event stream, too, carries the credential in the header and not in its URL.
    expect(streamRequests.length).toBeGreaterThan(0);
    for (const request of streamRequests) {
      expect(request.url).not.toContain("token");
      expect(request.authorization).toBe(`Bearer ${token}`);
    }

    for (const mark of LIVEKIT_MARKS) {
      expect(
        [...scripts.values()].some((body) => body.includes(mark)),
        mark,
      ).toBe(false);
    }
    const js = [...scripts].filter(([url]) => url.endsWith(".js"));
    const figures = {
      console: {
        scripts: js.length,
        rawBytes: js.reduce((sum, [, body]) => sum + body.length, 0),
        gzipBytes: js.reduce((sum, [, body]) => sum + gzipSync(body).length, 0),
      },
    };
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(
      path.join(RESULTS_DIR, "console-first-load-js.json"),
      JSON.stringify(figures, null, 2),
    );
    console.log(
      `first-load JS of /console: ${figures.console.scripts} scripts, ` +
        `${(figures.console.rawBytes / 1024).toFixed(1)} KiB raw, ` +
        `${(figures.console.gzipBytes / 1024).toFixed(1)} KiB gzip`,
    );
  });

  it("shows a room and its participant live from signed webhooks; leave and room_finished update it", async () => {
    const page = await newPage();
    await page.goto(link);
    await page.locator(".stream-status", { hasText: "Live" }).waitFor(SHOWS);
    const room = uniqueRoom("live");

    await livekitSays("room_started", room);
    await livekitSays("participant_joined", room, "alice");
    await card(page, room)
      .locator('[data-field="participants"]', { hasText: "1: alice" })
      .waitFor(SHOWS);

    await livekitSays("participant_left", room, "alice");
    await card(page, room)
      .locator('[data-field="participants"]', { hasText: "none" })
      .waitFor(SHOWS);

    await livekitSays("room_finished", room);
    await card(page, room).waitFor({ state: "detached", ...SHOWS });
    // The all-events log holds the four, newest first.
    await page
      .locator(".log-row[data-event-type='room_finished']", { hasText: room })
      .first()
      .waitFor(SHOWS);
  });

  it("the test-event button's event arrives in the log", async () => {
    const page = await newPage();
    await page.goto(link);
    await page.locator(".stream-status", { hasText: "Live" }).waitFor(SHOWS);
    const room = uniqueRoom("probe");
    const form = page.getByRole("form", { name: "Send a test event" });
    await form.getByLabel("Room").fill(room);
    await form.getByLabel("Event type").selectOption("participant_joined");
    await form.getByLabel("Participant identity").fill("tester");
    const answer = page.waitForResponse((r) => r.url().endsWith("/api/test-events"));
    await form.getByRole("button", { name: "Send test event" }).click();
    const response = await answer;
    expect(response.status()).toBe(200);
    expect(response.request().headers().authorization).toMatch(/^Bearer /);
    const { eventId } = (await response.json()) as { eventId: string };
    await page.locator(`.log-row[data-event-id="${eventId}"]`).waitFor(SHOWS);
    await page.getByText(`Sent participant_joined ${eventId} to ${room}: stored.`).waitFor(SHOWS);
    // No LiveKit room exists, so the room API does not list it; the webhook keeps it live.
    await card(page, room)
      .locator('[data-field="participants"]', { hasText: "1: tester" })
      .waitFor(SHOWS);
  });

  it("an agent, a SIP caller and an agent job look different from a person: kind badges, the job in its room's timeline", async () => {
    const room = uniqueRoom("kinds");
    await livekitSays("room_started", room);
    for (const [identity, kind] of [
      ["agent-1", "AGENT"],
      ["caller", "SIP"],
      ["dana", undefined],
    ] as const) {
      const sent = await sendWebhook(server.url, "participant_joined", { room, identity, kind });
      expect(sent.status).toBe(200);
      // The room API's list says the same (the kind as LiveKit's enum name).
      standIn.rooms.get(room)?.participants.push({
        sid: `PA_${identity}`,
        identity,
        tracks: [],
        ...(kind ? { kind } : {}),
      });
    }
    const job = await sendWebhook(server.url, "agent_job_started", { room, agentName: "helper" });
    expect(job.status).toBe(200);
    const page = await newPage();
    await page.goto(link);
    await card(page, room).waitFor(SHOWS);
    await card(page, room).getByRole("link", { name: room }).click();
    await page.waitForURL(`${server.url}/console/room?name=${room}`);
    const entry = (identity: string) =>
      page.locator(`.participant-list li[data-identity="${identity}"]`);
    await entry("dana").waitFor(SHOWS);
    await expect(entry("agent-1").locator(".kind-badge").textContent()).resolves.toBe("agent");
    await expect(entry("caller").locator(".kind-badge").textContent()).resolves.toBe("SIP caller");
    await expect(entry("dana").locator(".kind-badge").count()).resolves.toBe(0);
    // The timeline: the job's row (its room is job.room) and the kind on the participants' rows.
    const jobRow = page.locator(`.log-row[data-event-id="${job.eventId}"]`);
    await jobRow.waitFor(SHOWS);
    await expect(jobRow.getAttribute("class")).resolves.toContain("family-agent");
    await expect(jobRow.locator(".log-subject").textContent()).resolves.toBe("helper · running");
    await expect(
      page
        .locator(".log-row .kind-badge[data-kind]")
        .evaluateAll((badges) => badges.map((badge) => badge.getAttribute("data-kind")).sort()),
    ).resolves.toEqual(["AGENT", "SIP"]);
    await saveScreenshot(page, "console-kinds");
  });

  it("a room's page: participants, remove one and end the room with a confirmation, each answered with LiveKit's word", async () => {
    const room = uniqueRoom("act");
    await livekitSays("room_started", room);
    await livekitSays("participant_joined", room, "bob");
    await livekitSays("participant_joined", room, "carol");
    const page = await newPage();
    await page.goto(link);
    await card(page, room).getByRole("link", { name: room }).click();
    await page.waitForURL(`${server.url}/console/room?name=${room}`);
    const bob = page.locator(`.participant-list li[data-identity="bob"]`);
    await bob.waitFor(SHOWS);
    await page.getByRole("list", { name: `Participants of ${room}` }).waitFor();
    await page.locator(".log-row[data-event-type='participant_joined']").first().waitFor(SHOWS);

    const before = standIn.calls.filter(isAction).length;
    await bob.getByRole("button", { name: "Remove", exact: true }).click();
    await bob.getByRole("group", { name: `Remove bob from ${room}? They can rejoin.` }).waitFor();
    expect(standIn.calls.filter(isAction).length).toBe(before); // nothing before the confirmation
    await bob.getByRole("button", { name: "Remove", exact: true }).click();
    await page.getByText(`LiveKit removed bob from ${room}`).waitFor(SHOWS);
    expect(standIn.calls.filter(isAction)[before]).toMatchObject({
      method: "RemoveParticipant",
      body: { room, identity: "bob" },
      status: 200,
    });

    await page.getByRole("button", { name: "End room" }).click();
    await page.getByRole("button", { name: "Cancel" }).click();
    await page.getByRole("button", { name: "End room" }).click();
    await page
      .getByRole("group", { name: `End room ${room} for everyone in it?` })
      .getByRole("button", { name: "End room" })
      .click();
    await page.getByText(`LiveKit ended room ${room}`).waitFor(SHOWS);
    expect(standIn.calls.some((c) => c.method === "DeleteRoom" && c.body.room === room)).toBe(true);
    await page.locator(".room-state", { hasText: "Not live" }).waitFor(SHOWS);
  });

  it("a room's moderation: mute a track, change permissions and metadata, room metadata, remove and block then lift, dispatch an agent; agents marked; screenshot in docs/", async () => {
    const room = uniqueRoom("moderate");
    await livekitSays("room_started", room);
    await livekitSays("participant_joined", room, "bob");
    await livekitSays("track_published", room, "bob");
    const bobState = standIn.rooms.get(room)!.participants[0]!;
    bobState.permission = { canPublish: true, canSubscribe: true, canPublishData: true };
    standIn.rooms.get(room)!.participants.push({ sid: "AG_x", identity: "agent-x", kind: "AGENT" });
    standIn.rooms.get(room)!.participants.push({
      sid: "PA_carol",
      identity: "carol",
      permission: { canPublish: true, canSubscribe: true, canPublishSources: ["MICROPHONE"] },
      tracks: [{ sid: "TR_carol_mic", source: "MICROPHONE", muted: true }],
    });
    const page = await newPage({ width: 1280, height: 1400 });
    await page.goto(link);
    await page.goto(`${server.url}/console/room?name=${encodeURIComponent(room)}`);
    const bob = page.locator(`.participant-list li[data-identity="bob"]`);
    await bob.waitFor(SHOWS);
    await page
      .locator(`.participant-list li[data-identity="agent-x"] .kind-badge[data-kind="AGENT"]`)
      .waitFor(SHOWS);
    expect(await bob.locator(".kind-badge").count()).toBe(0);
    const last = () => standIn.calls.filter(isAction).at(-1);

    // Mute: asked, then MutePublishedTrack, and the row shows it muted.
    const track = bobState.tracks![0]!;
    await bob.getByRole("button", { name: "Mute", exact: true }).click();
    await bob
      .getByRole("group", { name: /^Mute bob's/ })
      .getByRole("button", { name: "Mute" })
      .click();
    await page.getByText(`LiveKit muted bob's track ${track.sid} in ${room}`).waitFor(SHOWS);
    expect(last()).toMatchObject({
      method: "MutePublishedTrack",
      body: { room, identity: "bob", trackSid: track.sid, muted: true },
    });
    await bob.locator(`li[data-track="${track.sid}"][data-muted="true"]`).waitFor(SHOWS);

    // Permissions: publish off, then Apply.
    await bob.getByText("Permissions and metadata").click();
    await bob.getByRole("checkbox", { name: "Publish", exact: true }).uncheck();
    await bob.getByRole("button", { name: "Apply" }).click();
    await bob
      .getByRole("group", { name: /^Update bob's/ })
      .getByRole("button", { name: "Apply" })
      .click();
    await page.getByText(/LiveKit updated bob in .*permission canPublish=false/).waitFor(SHOWS);
    expect(last()).toMatchObject({
      method: "UpdateParticipant",
      body: { room, identity: "bob", permission: { canSubscribe: true, canPublishData: true } },
    });

    // Room metadata.
    await page.getByLabel("Room metadata").fill('{"topic":"review"}');
    await page.getByRole("button", { name: "Save metadata" }).click();
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText(`LiveKit set the metadata of ${room}`).waitFor(SHOWS);
    expect(last()).toMatchObject({
      method: "UpdateRoomMetadata",
      body: { metadata: '{"topic":"review"}' },
    });

    // Dispatch an agent, listed, then shown in the list.
    await page.getByLabel("Agent name").fill("helper");
    await page.getByLabel("Dispatch metadata").fill('{"lang":"en"}');
    await page.getByRole("button", { name: "Dispatch agent" }).click();
    await page.getByRole("button", { name: "Dispatch", exact: true }).click();
    await page.getByText(/LiveKit created dispatch AD_\w+ of agent helper/).waitFor(SHOWS);
    const dispatchRow = page.getByRole("list", { name: "Agent dispatches" }).locator("li");
    await dispatchRow.filter({ hasText: "helper" }).waitFor(SHOWS);

    // Remove and block: the blocks list shows bob; the screenshot has every new control.
    await bob.getByRole("button", { name: "Remove and block" }).click();
    await bob
      .getByRole("group", { name: /^Remove bob and refuse/ })
      .getByRole("button", { name: "Remove and block" })
      .click();
    await page
      .getByText(/removed bob from .*blocked: no token for bob until lifted/)
      .waitFor(SHOWS);
    const blocked = page
      .getByRole("list", { name: "Blocked identities" })
      .locator(`li[data-identity="bob"]`);
    await blocked.waitFor(SHOWS);
    const refused = await fetch(`${server.url}/api/token`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ roomName: room, participantName: "bob" }),
    });
    expect(refused.status).toBe(403);
    const carol = page.locator(`.participant-list li[data-identity="carol"]`);
    await carol.getByRole("button", { name: "Unmute" }).waitFor(SHOWS);
    await carol.getByText("Permissions and metadata").click();
    expect(await carol.getByRole("checkbox", { name: "Camera" }).isChecked()).toBe(false);
    expect(await carol.getByRole("checkbox", { name: "Microphone" }).isChecked()).toBe(true);
    expect(await runAxe(page)).toEqual([]);
    await saveScreenshot(page, "console-room-moderation", path.join(ROOT, "docs"));

    // Lift, and the dispatch deleted.
    await blocked.getByRole("button", { name: "Lift" }).click();
    await blocked.getByRole("group").getByRole("button", { name: "Lift" }).click();
    await page.getByText(`Lifted the block of bob in ${room}`).waitFor(SHOWS);
    await page.getByText("Nobody is blocked.").waitFor(SHOWS);
    expect(
      (
        await fetch(`${server.url}/api/token`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ roomName: room, participantName: "bob" }),
        })
      ).status,
    ).toBe(200);
    await dispatchRow.getByRole("button", { name: "Delete" }).click();
    await dispatchRow.getByRole("group").getByRole("button", { name: "Delete" }).click();
    await page.getByText(/LiveKit deleted dispatch AD_\w+/).waitFor(SHOWS);
    await page.getByText("No agent is dispatched here.").waitFor(SHOWS);
    await livekitSays("room_finished", room);
  }, 120_000);

  it("a participant named `..` in a room named `..`: Remove reaches exactly RemoveParticipant for that identity, and the room is not ended", async () => {
    for (const room of [uniqueRoom("dots"), "..", "a/b"]) {
      standIn.rooms.delete(room);
      await livekitSays("room_started", room);
      await livekitSays("participant_joined", room, "..");
      await livekitSays("participant_joined", room, "a/b");
      const page = await newPage();
      await page.goto(link);
      await card(page, room).getByRole("link", { name: room, exact: true }).click();
      await page.waitForURL((url) => url.searchParams.get("name") === room);
      expect(new URL(page.url()).pathname).toBe("/console/room");
      const dots = page.locator(`.participant-list li[data-identity=".."]`);
      await dots.waitFor(SHOWS);

      const before = standIn.calls.length;
      const actions: string[] = [];
      page.on("request", (request) => {
        // The page's list verbs (blocks, dispatches) read; the action is what is counted.
        if (request.url().includes("/api/rooms/") && !request.postData()?.includes('"list-')) {
          actions.push(`${request.method()} ${request.url()} ${request.postData() ?? ""}`);
        }
      });
      await dots.getByRole("button", { name: "Remove", exact: true }).click();
      await dots.getByRole("button", { name: "Remove", exact: true }).click();
      await page.getByText(`LiveKit removed .. from ${room}`).waitFor(SHOWS);
      expect(
        standIn.calls
          .slice(before)
          .filter(isAction)
          .map((c) => [c.method, c.body]),
      ).toEqual([["RemoveParticipant", { room, identity: ".." }]]);
      expect(actions).toEqual([
        `POST ${server.url}/api/rooms/actions ${JSON.stringify({ identity: "..", room, action: "remove-participant" })}`,
      ]);
      expect(standIn.rooms.has(room)).toBe(true);
      await page.locator(`.participant-list li[data-identity="a/b"]`).waitFor(SHOWS);
      await page.locator(".room-state", { hasText: "Live" }).waitFor(SHOWS);
      await livekitSays("room_finished", room);
    }
  });

  it("a bad percent-encoding in a console path is a clean 404, not a URIError", async () => {
    for (const path of [
      "/console/%25",
      "/console/%E0%A4%A",
      "/console/room?name=%25",
      "/console/room",
    ]) {
      const response = await fetch(`${server.url}${path}`);
      expect([200, 400, 404], path).toContain(response.status);
      await response.text();
    }
    expect((await fetch(`${server.url}/console/%25`)).status).toBe(404);
    expect((await fetch(`${server.url}/console/room`)).status).toBe(404);
    expect(server.output()).not.toMatch(/URIError/);
  });

  it("without a credential says how to get one; a refused one shows the server's message", async () => {
    const page = await newPage();
    await page.goto(`${server.url}/console`);
    await page.getByRole("heading", { name: "An operator credential is needed" }).waitFor(SHOWS);
    await page.getByText("npm run operator-link -- --base-url").waitFor();
    expect(await runAxe(page)).toEqual([]);

    const participant = await tokenFromServer(server.url, "some-room", "mallory");
    await page.goto(`${server.url}/console#token=${participant}`);
    await page.getByRole("heading", { name: "The server refused this credential" }).waitFor(SHOWS);
    await page.getByText("the console needs a token with the roomList grant").waitFor();
    await page.getByRole("button", { name: "Forget this credential" }).click();
    await page.getByRole("heading", { name: "An operator credential is needed" }).waitFor(SHOWS);
  });

  it("when LiveKit's room API fails, says the rows come from the webhook log alone, with the reason", async () => {
    const room = uniqueRoom("offline");
    await livekitSays("room_started", room);
    await livekitSays("participant_joined", room, "dan");
    standIn.mode = "fail";
    try {
      const page = await newPage();
      await page.goto(link);
      await page.locator('[data-source="webhooks"]', { hasText: "answered 503" }).waitFor(SHOWS);
      await card(page, room)
        .locator('[data-field="participants"]', { hasText: "dan" })
        .waitFor(SHOWS);
    } finally {
      standIn.mode = "answer";
    }
  });

  it("when LiveKit's room API fails, the room page does not claim Live, and an action says it was not done rather than refused", async () => {
    const room = uniqueRoom("unconfirmed");
    await livekitSays("room_started", room);
    await livekitSays("participant_joined", room, "erin");
    const page = await newPage();
    await page.goto(link);
    await page.goto(`${server.url}/console/room?name=${room}`);
    await page.locator(".room-state", { hasText: "Live" }).waitFor(SHOWS);
    standIn.mode = "fail";
    try {
      await page.reload();
      await page.locator('[data-source="webhooks"]', { hasText: "answered 503" }).waitFor(SHOWS);
      await page.locator(".room-state", { hasText: "Not confirmed by LiveKit" }).waitFor(SHOWS);
      const erin = page.locator(`.participant-list li[data-identity="erin"]`);
      await erin.getByRole("button", { name: "Remove", exact: true }).click();
      await erin.getByRole("button", { name: "Remove", exact: true }).click();
      const said = page.locator(".confirm-result.is-error");
      await said.waitFor(SHOWS);
      expect(await said.textContent()).toMatch(/^Not done: /);
    } finally {
      standIn.mode = "answer";
    }
    await livekitSays("room_finished", room);
  });

  it("the test-event form's room defaults to a room the console lists", async () => {
    const room = uniqueRoom("listed");
    await livekitSays("room_started", room);
    const page = await newPage();
    await page.goto(link);
    await card(page, room).waitFor(SHOWS);
    const field = page.getByRole("form", { name: "Send a test event" }).getByLabel("Room");
    const listed = await page
      .locator(".room-card")
      .evaluateAll((cards) => cards.map((c) => c.getAttribute("data-room")));
    expect(listed).toContain(room);
    expect(listed).toContain(await field.inputValue());
    await livekitSays("room_finished", room);
  });

  it("passes axe-core with 0 violations at desktop and phone width; screenshots", async () => {
    const room = uniqueRoom("standup");
    await livekitSays("room_started", room);
    await livekitSays("participant_joined", room, "alice");
    await livekitSays("track_published", room, "alice");
    for (const viewport of [DESKTOP, PHONE]) {
      const page = await newPage(viewport);
      await page.goto(link);
      await card(page, room).waitFor(SHOWS);
      await page.locator(".stream-status", { hasText: "Live" }).waitFor(SHOWS);
      await page.locator(".log-row").first().getByRole("button").click();
      expect(await runAxe(page)).toEqual([]);
      await saveScreenshot(page, `console-${viewport.width}x${viewport.height}`);

      await page.goto(`${server.url}/console/room?name=${room}`);
      await page.locator(`.participant-list li[data-identity="alice"]`).waitFor(SHOWS);
      await page.getByRole("button", { name: "Remove", exact: true }).click();
      expect(await runAxe(page)).toEqual([]);
      await saveScreenshot(page, `console-room-${viewport.width}x${viewport.height}`);
      // no horizontal scrolling at this width
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);
    }
  });

  it("the development-only test-event button and route are not in the production build's browser code", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const file = path.join(dir, name);
        if (statSync(file).isDirectory()) walk(file);
        else if (file.endsWith(".js")) files.push(file);
      }
    };
    walk(path.join(ROOT, DIST_DIR, "static"));
    expect(files.length).toBeGreaterThan(0);
    expect(
      files.filter((file) => readFileSync(file, "utf8").includes("/api/dev/test-event")),
    ).toEqual([]);
  });
});
