/**
 * The page's event stream in real Chromium against the production build: the credential in a
 * header (never in a URL), resuming across server-ended streams without gap or duplicate, and
 * the row that says earlier events are no longer kept.
 */
import type { Browser, BrowserContext, Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../support/browser";
import { startServer, type RunningServer } from "../support/server";
import { startSignalListener, type SignalListener } from "../support/signal-listener";
import { waitUntil } from "../support/wait";
import { sendWebhook } from "../support/webhooks";

/** Kept small so that a page away for a few events finds them trimmed. */
const LOG_LIMIT = 5;

let listener: SignalListener;
let server: RunningServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  listener = await startSignalListener();
  server = await startServer({
    LIVEKIT_URL: listener.url,
    // Streams end every 2 s, as they do at SSE_MAX_SECONDS or a credential's expiry: the page
    // must resume each time with a fresh credential.
    SSE_MAX_SECONDS: "2",
    EVENT_LOG_MEMORY_LIMIT: String(LOG_LIMIT),
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await Promise.all(contexts.map((context) => context.close().catch(() => {})));
  await browser?.close();
  await server?.stop();
  await listener?.close();
});

async function joinedPage(room: string): Promise<{ page: Page; requests: Request[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  contexts.push(context);
  const page = await context.newPage();
  const requests: Request[] = [];
  page.on("request", (request) => requests.push(request));
  await page.goto(server.url);
  await page.getByLabel("Room name").fill(room);
  await page.getByLabel("Your name").fill("Watcher");
  await page.getByRole("button", { name: "Join" }).click();
  await page.locator(".room-view").waitFor();
  await page.locator(".stream-status", { hasText: "Live" }).waitFor();
  return { page, requests };
}

const isEventStream = (request: Request) => new URL(request.url()).pathname === "/api/events";

describe("the page's event stream", () => {
  it("carries its credential in a header, never a URL, and resumes across ended streams with no gap or duplicate", async () => {
    const room = `header-${Date.now().toString(36)}`;
    const { page, requests } = await joinedPage(room);
    const sent: string[] = [];
    // Events over several of the server's 2-second streams.
    const until = Date.now() + 5000;
    while (Date.now() < until || requests.filter(isEventStream).length < 3) {
      sent.push(
        (await sendWebhook(server.url, "participant_joined", { room, identity: `p${sent.length}` }))
          .eventId,
      );
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const last = sent[sent.length - 1]!;
    await page.locator(`[data-event-id="${last}"]`).waitFor();
    const shown = await page
      .locator(".log-row")
      .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-event-id")));
    expect(shown).toEqual(sent);
    await expect(page.locator(".log-gap").count()).resolves.toBe(0);

    const streams = requests.filter(isEventStream);
    expect(streams.length).toBeGreaterThanOrEqual(3);
    for (const request of streams) {
      const url = new URL(request.url());
      expect([...url.searchParams.keys()]).toEqual(["room"]);
      expect(request.headers()["authorization"]).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    }
    // Every reopen resumes after the last id it saw.
    for (const request of streams.slice(1)) {
      expect(request.headers()["last-event-id"]).toMatch(/^\d+-\d+$/);
    }
    // No request of any kind carries the credential in its URL.
    const credential = streams[0]!.headers()["authorization"]!.slice("Bearer ".length);
    for (const request of requests) expect(request.url()).not.toContain(credential);
  }, 60_000);

  it("shows a row saying earlier events are no longer kept when it resumes past the log's start", async () => {
    const room = `gap-${Date.now().toString(36)}`;
    const { page } = await joinedPage(room);
    const first = await sendWebhook(server.url, "participant_joined", { room, identity: "a" });
    await page.locator(`[data-event-id="${first.eventId}"]`).waitFor();

    // Cut the page off: its next reopen fails until the route is let through again.
    let refused = 0;
    await page.route("**/api/events?**", (route) => {
      refused += 1;
      return route.abort();
    });
    await waitUntil(() => refused > 0, "the page's reopen refused", 10_000);
    const missed: string[] = [];
    for (let i = 0; i < LOG_LIMIT + 2; i++) {
      missed.push((await sendWebhook(server.url, "track_published", { room })).eventId);
    }
    await page.unroute("**/api/events?**");

    const gap = page.locator(".log-gap");
    await gap.waitFor({ timeout: 15_000 });
    await expect(gap.textContent()).resolves.toMatch(/Earlier events are no longer kept/);
    const kept = missed.slice(-LOG_LIMIT);
    await page.locator(`[data-event-id="${kept[kept.length - 1]}"]`).waitFor();
    const order = await page
      .locator(".log-rows > li")
      .evaluateAll((items) =>
        items.map((item) =>
          item.classList.contains("log-gap") ? "gap" : item.getAttribute("data-event-id"),
        ),
      );
    expect(order).toEqual([first.eventId, "gap", ...kept]);
  }, 60_000);
});
