/**
 * `live`: the app against a real livekit-server (the pinned release, on loopback; issue 16 item
 * 4). Run it inside the loopback-only namespace (a real media session must reach nothing but
 * 127.0.0.1):
 *
 *   bash scripts/loopback-only.sh npm run bench -- --only live
 *
 * The stack is the tests' own pieces (tests/support/livekit-server.ts, which writes its config
 * with scripts/livekit-config.mjs, and server.ts's production build), with a recorder
 * (measure/webhook-recorder.ts) between livekit-server and /api/webhook: what it saw is what the
 * server sent.
 *
 * 1. Joins: LIVE.joins Chromium pages join one room one after another through our page's Join
 *    (each leaves before the next) while an observer page stays in the room. Per join: the
 *    server's participant_joined `createdAt` (whole seconds) → its row in the observer's log,
 *    the recorder's arrival (ms) → that row, and Join click → Connected. The page's clock is
 *    performance.timeOrigin + performance.now(); the bench's is Date.now(); same machine, same
 *    system clock (the report gives the measured offset).
 * 2. Burst: LIVE.burst.participants audio-only participants (livekit-client's UMD build in a
 *    minimal page, several per page, subscribing to nothing) join one room at once and publish,
 *    then leave, with LIVE.burst.subscribers event-log streams open on that room. Webhooks sent
 *    (the recorder) = stored (the app's count) = delivered to every stream; the app's CPU time
 *    over the burst per webhook.
 */
import os from "node:os";
import { AccessToken } from "livekit-server-sdk";
import type { Browser, Page } from "playwright-core";
import { launchBrowser } from "../../../tests/support/browser";
import { TEST_API_KEY, TEST_API_SECRET } from "../../../tests/support/keys";
import { joinThroughPage, waitConnected } from "../../../tests/support/live-page";
import {
  startLivekitServer,
  type RunningLivekitServer,
} from "../../../tests/support/livekit-server";
import {
  freePort,
  startServer,
  tokenFromServer,
  type RunningServer,
} from "../../../tests/support/server";
import { waitUntil } from "../../../tests/support/wait";
import {
  clockCheck,
  joinAll,
  leaveAll,
  readTimings,
  startBurstPage,
  WATCH_TIMINGS,
  type BurstParticipant,
} from "../measure/live-pages";
import { closeSubscribers, decodeFrames, openSubscribers } from "../measure/sse-fanout";
import { round, summarize, type LatencySummary } from "../measure/stats";
import { startWebhookRecorder, type WebhookRecorder } from "../measure/webhook-recorder";
import { cpuMilliseconds } from "../processes";
import { ms, table } from "../report";
import type { BenchContext, Figures, Section } from "../section";
import { LIVE } from "../settings";

/** Deadlines for a loaded 2-core machine: how long a step may take before the run fails. */
const STEP_TIMEOUT = 120_000;

export interface LiveJoinFigures {
  joins: number;
  /** participant_joined `createdAt` (s, truncated by the server) → the observer's row. */
  createdAtToRow: LatencySummary;
  /** The recorder's arrival of that webhook → the observer's row. */
  arrivalToRow: LatencySummary;
  /** participant_joined `createdAt` → the row in the joining page's own log. */
  createdAtToOwnRow: LatencySummary;
  /** The Join click → the room says Connected, in the joining page. */
  joinToConnected: LatencySummary;
  clock: { performanceMinusDateMs: number; pageMinusBenchMs: number; bracketMs: number };
}

export interface LiveBurstFigures {
  participants: number;
  joined: number;
  failures: string[];
  perPage: number;
  /** From joinAll's call: connect() resolved, and the microphone published. */
  connect: LatencySummary;
  published: LatencySummary;
  subscribers: number;
  /** Distinct events livekit-server posted for the burst's room (the recorder's count). */
  sent: number;
  /** Every POST for it, retries included. */
  posts: number;
  /** POSTs the app answered 2xx. */
  accepted: number;
  byType: Record<string, number>;
  /** Events the app's store gained over the burst (its /api/health count). */
  stored: number;
  /** Distinct events posted over the burst, every room's (what `stored` must equal). */
  sentInWindow: number;
  /** Streams that received every sent event exactly once. */
  subscribersComplete: number;
  lost: number;
  duplicates: number;
  /** The app's CPU time over the burst (all its webhooks, their fan-out, the streams' upkeep). */
  appCpuMs: number;
  /** POSTs the app received over the burst, every room's (what the CPU is divided by). */
  webhooksInWindow: number;
  cpuMsPerWebhook: number;
  /** The app's CPU per second with the streams open before the burst (LIVE.burst.idleSeconds). */
  idleCpuMsPerSecond: number;
  /** The burst's CPU less that idle rate over its duration, per webhook. */
  cpuMsPerWebhookLessIdle: number;
  seconds: number;
}

export interface LiveFigures {
  joins?: LiveJoinFigures;
  burst?: LiveBurstFigures;
}

/** The network rule: refuse to start a media session where more than `lo` is reachable. */
function assertLoopbackOnly(): void {
  const interfaces = Object.keys(os.networkInterfaces());
  if (interfaces.some((name) => name !== "lo")) {
    throw new Error(
      `the live section runs only in a namespace with nothing but lo (found ${interfaces.join(", ")}): ` +
        "bash scripts/loopback-only.sh npm run bench -- --only live",
    );
  }
}

interface LiveStack {
  livekit: RunningLivekitServer;
  recorder: WebhookRecorder;
  server: RunningServer;
  stop(): Promise<void>;
}

async function startLiveStack(serverEnv: BenchContext["serverEnv"]): Promise<LiveStack> {
  const appPort = await freePort();
  const recorder = await startWebhookRecorder(`http://127.0.0.1:${appPort}/api/webhook`);
  const livekit = await startLivekitServer({
    webhookUrls: [recorder.url],
    departureTimeout: LIVE.departureTimeout,
  });
  let server: RunningServer;
  try {
    server = await startServer(serverEnv({ LIVEKIT_URL: livekit.url }), appPort);
  } catch (error) {
    await livekit.stop();
    await recorder.close();
    throw error;
  }
  return {
    livekit,
    recorder,
    server,
    stop: async () => {
      await server.stop();
      await livekit.stop();
      await recorder.close();
    },
  };
}

async function waitFor<T>(read: () => T | undefined | Promise<T | undefined>, what: string) {
  let found: T | undefined;
  await waitUntil(async () => (found = await read()) !== undefined, what, STEP_TIMEOUT);
  return found!;
}

async function newTimedPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript({ content: WATCH_TIMINGS });
  return context.newPage();
}

async function measureJoins(
  stack: LiveStack,
  browser: Browser,
  log: BenchContext["log"],
): Promise<LiveJoinFigures> {
  const room = `live-joins-${Date.now().toString(36)}`;
  const observer = await newTimedPage(browser);
  await observer.goto(stack.server.url);
  await joinThroughPage(observer, room, "observer");
  await waitConnected(observer, STEP_TIMEOUT);
  const createdAtToRow: number[] = [];
  const arrivalToRow: number[] = [];
  const createdAtToOwnRow: number[] = [];
  const joinToConnected: number[] = [];
  try {
    for (let i = 1; i <= LIVE.joins; i++) {
      const name = `joiner-${i}`;
      const page = await newTimedPage(browser);
      try {
        await page.goto(stack.server.url);
        await joinThroughPage(page, room, name);
        await waitConnected(page, STEP_TIMEOUT);
        const joined = await waitFor(
          () =>
            stack.recorder.posts.find(
              (post) =>
                post.event === "participant_joined" &&
                post.room === room &&
                (post.participant?.name === name || post.participant?.identity === name),
            ),
          `${name}'s participant_joined webhook`,
        );
        const seen = await waitFor(
          async () => (await readTimings(observer)).rows[joined.id],
          `${name}'s row in the observer's log`,
        );
        const own = await waitFor(
          async () => (await readTimings(page)).rows[joined.id],
          `${name}'s row in its own log`,
        );
        const timings = await readTimings(page);
        createdAtToRow.push(seen - joined.createdAt * 1000);
        arrivalToRow.push(seen - joined.arrivedAt);
        createdAtToOwnRow.push(own - joined.createdAt * 1000);
        if (timings.joinClickedAt !== null && timings.connectedAt !== null) {
          joinToConnected.push(timings.connectedAt - timings.joinClickedAt);
        }
        log(
          `join ${i}/${LIVE.joins}: createdAt → observer's row ${(seen - joined.createdAt * 1000).toFixed(0)} ms, ` +
            `recorder → row ${(seen - joined.arrivedAt).toFixed(0)} ms, Join → Connected ` +
            `${timings.connectedAt !== null && timings.joinClickedAt !== null ? (timings.connectedAt - timings.joinClickedAt).toFixed(0) : "?"} ms`,
        );
      } finally {
        await page.context().close();
      }
    }
    return {
      joins: createdAtToRow.length,
      createdAtToRow: summarize(createdAtToRow),
      arrivalToRow: summarize(arrivalToRow),
      createdAtToOwnRow: summarize(createdAtToOwnRow),
      joinToConnected: summarize(joinToConnected),
      clock: await clockCheck(observer),
    };
  } finally {
    await observer.context().close();
  }
}

async function storedEvents(url: string): Promise<number> {
  const token = new AccessToken(TEST_API_KEY, TEST_API_SECRET, { identity: "bench-operator" });
  token.addGrant({ roomList: true });
  const response = await fetch(`${url}/api/health`, {
    headers: { Authorization: `Bearer ${await token.toJwt()}` },
  });
  const health = (await response.json()) as { store?: { events?: number } };
  if (typeof health.store?.events !== "number") {
    throw new Error(`/api/health gave no store count: ${JSON.stringify(health)}`);
  }
  return health.store.events;
}

/** The LiveKit event ids in a stream's frames, in order. */
function deliveredIds(chunks: Parameters<typeof decodeFrames>[0]): string[] {
  const ids: string[] = [];
  for (const frame of decodeFrames(chunks)) {
    const data = frame.text
      .split("\n")
      .filter((line) => line.startsWith("data: "))
      .map((line) => line.slice(6))
      .join("\n");
    if (!data || /^event: /m.test(frame.text)) continue;
    const parsed = JSON.parse(data) as { event?: { id?: string } };
    if (parsed.event?.id) ids.push(parsed.event.id);
  }
  return ids;
}

async function measureBurst(
  stack: LiveStack,
  browser: Browser,
  log: BenchContext["log"],
): Promise<LiveBurstFigures> {
  const { participants, perPage, subscribers: subscriberCount } = LIVE.burst;
  const room = `live-burst-${Date.now().toString(36)}`;
  const burstPage = await startBurstPage();
  const context = await browser.newContext();
  try {
    const tokens: string[] = [];
    for (let i = 1; i <= participants; i++) {
      tokens.push(await tokenFromServer(stack.server.url, room, `burst-${i}`));
    }
    const viewer = await tokenFromServer(stack.server.url, room, "viewer");
    const subscribers = await openSubscribers([stack.server.url], subscriberCount, room, viewer);
    const pages: Page[] = [];
    for (let start = 0; start < participants; start += perPage) {
      const page = await context.newPage();
      await page.goto(burstPage.url);
      pages.push(page);
    }
    log(`burst: ${subscriberCount} streams open, ${pages.length} pages loaded; joining ...`);

    // The app's CPU with the streams open and nothing happening (their heartbeats, timers).
    const pid = stack.server.process.pid!;
    const idleStart = cpuMilliseconds(pid);
    await new Promise((resolve) => setTimeout(resolve, LIVE.burst.idleSeconds * 1000));
    const idleCpuMsPerSecond = (cpuMilliseconds(pid) - idleStart) / LIVE.burst.idleSeconds;

    const storedBefore = await storedEvents(stack.server.url);
    const postsBefore = stack.recorder.posts.length;
    const cpuBefore = cpuMilliseconds(pid);
    const started = Date.now();
    const results: BurstParticipant[] = (
      await Promise.all(
        pages.map((page, index) =>
          joinAll(page, stack.livekit.url, tokens.slice(index * perPage, (index + 1) * perPage)),
        ),
      )
    ).flat();
    const joined = results.filter((result) => result.ok).length;
    const forRoom = () => stack.recorder.posts.filter((post) => post.room === room);
    const countOf = (type: string) =>
      new Set(
        forRoom()
          .filter((post) => post.event === type)
          .map((post) => post.id),
      ).size;
    await waitUntil(
      () => countOf("participant_joined") >= joined && countOf("track_published") >= joined,
      `the burst's ${joined} participant_joined and track_published webhooks`,
      STEP_TIMEOUT,
    );
    log(`burst: ${joined}/${participants} joined and published; leaving ...`);
    await Promise.all(pages.map((page) => leaveAll(page)));
    await waitUntil(
      () => countOf("room_finished") > 0,
      "the burst room's room_finished",
      STEP_TIMEOUT,
    );
    // Every POST answered, and the streams quiet for a second: what was sent has been delivered.
    await waitUntil(
      () => forRoom().every((post) => post.status !== 0),
      "the app's answers",
      STEP_TIMEOUT,
    );
    let lastActivity = -1;
    await waitUntil(
      async () => {
        const latest = Math.max(
          ...subscribers.map((subscriber) => subscriber.chunks.at(-1)?.at ?? 0),
        );
        const quiet = latest === lastActivity;
        lastActivity = latest;
        if (!quiet) await new Promise((resolve) => setTimeout(resolve, 1000));
        return quiet;
      },
      "the streams to go quiet",
      STEP_TIMEOUT,
    );
    const appCpuMs = cpuMilliseconds(pid) - cpuBefore;
    const seconds = (Date.now() - started) / 1000;
    const webhooksInWindow = stack.recorder.posts.length - postsBefore;
    const stored = (await storedEvents(stack.server.url)) - storedBefore;

    const windowIds = new Set(stack.recorder.posts.slice(postsBefore).map((post) => post.id));
    const posts = forRoom();
    const sentIds = new Set(posts.map((post) => post.id));
    const byType: Record<string, number> = {};
    for (const id of sentIds) {
      const type = posts.find((post) => post.id === id)!.event;
      byType[type] = (byType[type] ?? 0) + 1;
    }
    let lost = 0;
    let duplicates = 0;
    let complete = 0;
    for (const subscriber of subscribers) {
      const ids = deliveredIds(subscriber.chunks);
      const unique = new Set(ids);
      const missing = [...sentIds].filter((id) => !unique.has(id)).length;
      lost += missing;
      duplicates += ids.length - unique.size;
      if (missing === 0 && ids.length === unique.size) complete++;
    }
    await closeSubscribers(subscribers);
    const ok = results.filter((result) => result.ok);
    return {
      participants,
      joined,
      failures: [...new Set(results.filter((r) => !r.ok).map((r) => r.error ?? "?"))],
      perPage,
      connect: summarize(ok.map((result) => result.connectMs!)),
      published: summarize(ok.map((result) => result.publishedMs!)),
      subscribers: subscriberCount,
      sent: sentIds.size,
      posts: posts.length,
      accepted: posts.filter((post) => post.status >= 200 && post.status < 300).length,
      byType,
      stored,
      sentInWindow: windowIds.size,
      subscribersComplete: complete,
      lost,
      duplicates,
      appCpuMs: round(appCpuMs),
      webhooksInWindow,
      cpuMsPerWebhook: round(appCpuMs / webhooksInWindow, 3),
      idleCpuMsPerSecond: round(idleCpuMsPerSecond, 2),
      cpuMsPerWebhookLessIdle: round(
        (appCpuMs - idleCpuMsPerSecond * seconds) / webhooksInWindow,
        3,
      ),
      seconds: round(seconds, 1),
    };
  } finally {
    await context.close();
    await burstPage.close();
  }
}

const summaryCells = (summary: LatencySummary) => [
  String(summary.samples),
  ms(summary.p50),
  ms(summary.p99),
  ms(summary.max),
];

function render({ live }: Figures): string | null {
  const figures = live as LiveFigures | undefined;
  if (!figures) return null;
  const parts: string[] = [];
  const { joins, burst } = figures;
  if (joins) {
    parts.push(
      `\nLive (a real livekit-server on loopback): ${joins.joins} joins one after another through our page's Join, ` +
        `an observer page in the room. createdAt is the webhook's own (whole seconds, truncated: it reads up to 1000 ms late); ` +
        `"recorder" is the webhook's arrival at the recorder in front of /api/webhook (ms). Page clock ` +
        `performance.timeOrigin + now() − Date.now() = ${joins.clock.performanceMinusDateMs.toFixed(1)} ms; page Date.now() − bench Date.now() = ` +
        `${joins.clock.pageMinusBenchMs.toFixed(1)} ms (±${(joins.clock.bracketMs / 2).toFixed(1)}):\n` +
        table(
          ["measure", "samples", "p50 ms", "p99 ms", "max ms"],
          [
            ["createdAt → observer's row", ...summaryCells(joins.createdAtToRow)],
            ["recorder → observer's row", ...summaryCells(joins.arrivalToRow)],
            ["createdAt → joiner's own row", ...summaryCells(joins.createdAtToOwnRow)],
            ["Join click → Connected", ...summaryCells(joins.joinToConnected)],
          ],
        ),
    );
  }
  if (burst) {
    parts.push(
      `\nLive burst: ${burst.joined}/${burst.participants} audio-only participants (livekit-client UMD, ${burst.perPage} per Chromium page, ` +
        `no subscriptions) joined one room at once, published, left; ${burst.subscribers} event-log streams on the room. ` +
        `Sent: distinct events livekit-server posted (the recorder); stored: the app's store count gained; ` +
        `CPU: the app's process over the burst (${burst.seconds} s) / the ${burst.webhooksInWindow} webhooks it received then ` +
        `(each delivered to ${burst.subscribers} streams); less idle: minus the app's CPU with the streams open and no event ` +
        `(${burst.idleCpuMsPerSecond} ms/s over ${LIVE.burst.idleSeconds} s before the burst) × the burst's seconds:\n` +
        table(
          [
            "sent",
            "posts",
            "2xx",
            "stored",
            "streams complete",
            "lost",
            "duplicates",
            "app CPU ms",
            "CPU ms/webhook",
            "less idle",
            "connect p50/p99 ms",
            "published p50/p99 ms",
          ],
          [
            [
              String(burst.sent),
              String(burst.posts),
              String(burst.accepted),
              burst.stored === burst.sentInWindow
                ? String(burst.stored)
                : `${burst.stored} (of ${burst.sentInWindow} sent to every room)`,
              `${burst.subscribersComplete}/${burst.subscribers}`,
              String(burst.lost),
              String(burst.duplicates),
              String(burst.appCpuMs),
              burst.cpuMsPerWebhook.toFixed(3),
              burst.cpuMsPerWebhookLessIdle.toFixed(3),
              `${ms(burst.connect.p50)} / ${ms(burst.connect.p99)}`,
              `${ms(burst.published.p50)} / ${ms(burst.published.p99)}`,
            ],
          ],
        ) +
        `\nEvents sent by type: ${Object.entries(burst.byType)
          .map(([type, count]) => `${type} ${count}`)
          .join(", ")}` +
        (burst.failures.length ? `\nJoin failures: ${burst.failures.join("; ")}` : ""),
    );
  }
  return parts.join("\n");
}

export const liveSection: Section = {
  name: "live",
  selectors: ["live", "live-joins", "live-burst"],
  byDefault: false,
  async run({ figures, selected, log, serverEnv }) {
    log(`\n# Live: a real livekit-server, Chromium, our page`);
    assertLoopbackOnly();
    const live: LiveFigures = {};
    figures.live = live;
    const all = selected.has("live");
    const stack = await startLiveStack(serverEnv);
    const browser = await launchBrowser();
    try {
      if (all || selected.has("live-joins")) live.joins = await measureJoins(stack, browser, log);
      if (all || selected.has("live-burst")) live.burst = await measureBurst(stack, browser, log);
    } finally {
      await browser.close();
      await stack.stop();
    }
  },
  render,
};
