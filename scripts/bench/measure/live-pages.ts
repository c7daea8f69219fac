/**
 * What the `live` section runs in Chromium: an init script for our page that notes, on the
 * page's clock (performance.timeOrigin + performance.now(), epoch milliseconds), when the Join
 * button was clicked, when the room first said Connected and when each event-log row
 * (`.log-row[data-event-id]`) first appeared; and the burst's minimal page, which loads
 * livekit-client's UMD build (as tests/support/tutorial-client does) and connects several
 * participants that each publish the fake microphone and subscribe to nothing. Their signal and
 * peer connection timeouts are 60 s rather than livekit-client's 15 s: on the shared 2-core
 * machine a burst of 50 joins took up to 20 s, and a timed-out join measures the machine.
 */
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";

export interface PageTimings {
  joinClickedAt: number | null;
  connectedAt: number | null;
  /** LiveKit event id → when its row first appeared. */
  rows: Record<string, number>;
}

/**
 * Runs in our page before its own scripts (context.addInitScript({ content })). Plain JS in a
 * string: a function given to Playwright is sent as its source, and tsx's transform adds helper
 * calls (`__name`) to nested functions that the page does not have.
 */
export const WATCH_TIMINGS = `(() => {
  const timings = { joinClickedAt: null, connectedAt: null, rows: {} };
  window.__timings = timings;
  const now = () => performance.timeOrigin + performance.now();
  document.addEventListener("click", (event) => {
    const button = event.target && event.target.closest ? event.target.closest("button") : null;
    if (button && button.textContent.trim() === "Join" && timings.joinClickedAt === null) {
      timings.joinClickedAt = now();
    }
  }, true);
  const connected = '.connection[data-state="Connected"]';
  const note = (element, at) => {
    const rows = element.matches(".log-row[data-event-id]")
      ? [element]
      : element.querySelectorAll(".log-row[data-event-id]");
    for (const row of rows) {
      const id = row.getAttribute("data-event-id");
      if (!(id in timings.rows)) timings.rows[id] = at;
    }
  };
  new MutationObserver((records) => {
    const at = now();
    for (const record of records) {
      for (const node of record.addedNodes) if (node instanceof Element) note(node, at);
    }
    if (timings.connectedAt === null && document.querySelector(connected)) timings.connectedAt = at;
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-state"] });
})();`;

export function readTimings(page: Page): Promise<PageTimings> {
  return page.evaluate(() => (window as unknown as { __timings: PageTimings }).__timings);
}

/**
 * The page's clock against Date.now() in the page and in this process: `performanceMinusDateMs`
 * is the page's performance.timeOrigin + now() minus its Date.now(); `pageMinusBenchMs` the
 * page's Date.now() minus the middle of this process's Date.now() before and after the call,
 * known within ±bracketMs/2 (the read with the narrowest bracket of `reads`).
 */
export async function clockCheck(
  page: Page,
  reads = 10,
): Promise<{ performanceMinusDateMs: number; pageMinusBenchMs: number; bracketMs: number }> {
  let best = { performanceMinusDateMs: NaN, pageMinusBenchMs: NaN, bracketMs: Infinity };
  for (let i = 0; i < reads; i++) {
    const before = Date.now();
    const read = await page.evaluate(() => ({
      performance: performance.timeOrigin + performance.now(),
      date: Date.now(),
    }));
    const after = Date.now();
    if (after - before < best.bracketMs) {
      best = {
        performanceMinusDateMs: read.performance - read.date,
        pageMinusBenchMs: read.date - (before + after) / 2,
        bracketMs: after - before,
      };
    }
  }
  return best;
}

export interface BurstParticipant {
  ok: boolean;
  /** connect() resolved, from the call (ms). */
  connectMs?: number;
  /** The microphone track published, from the call (ms). */
  publishedMs?: number;
  error?: string;
}

const BURST_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>live bench: burst participants</title>
<script src="/livekit-client.umd.js"></script>
<script>
window.rooms = [];
window.joinAll = (url, tokens) =>
  Promise.all(tokens.map(async (token) => {
    const started = performance.now();
    const room = new LivekitClient.Room({ adaptiveStream: false, dynacast: false });
    window.rooms.push(room);
    try {
      await room.connect(url, token, { autoSubscribe: false, websocketTimeout: 60000, peerConnectionTimeout: 60000 });
      const connectMs = performance.now() - started;
      const track = await LivekitClient.createLocalAudioTrack();
      await room.localParticipant.publishTrack(track);
      return { ok: true, connectMs, publishedMs: performance.now() - started };
    } catch (error) {
      return { ok: false, error: String(error) };
    }
  }));
window.leaveAll = () => Promise.all(window.rooms.map((room) => room.disconnect()));
</script></head><body>burst participants</body></html>`;

export interface BurstPageServer {
  url: string;
  close(): Promise<void>;
}

/** Serves the burst page and livekit-client's UMD build from a loopback port of its own. */
export async function startBurstPage(): Promise<BurstPageServer> {
  const umd = readFileSync(createRequire(__filename).resolve("livekit-client"));
  const server = createServer((request, response) => {
    const pathname = new URL(request.url ?? "/", "http://x").pathname;
    if (pathname === "/") {
      response.writeHead(200, { "Content-Type": "text/html" }).end(BURST_PAGE);
    } else if (pathname === "/livekit-client.umd.js") {
      response.writeHead(200, { "Content-Type": "text/javascript" }).end(umd);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Connects one participant per token in `page` (the burst page); resolves when all tried. */
export function joinAll(page: Page, url: string, tokens: string[]): Promise<BurstParticipant[]> {
  return page.evaluate(
    ([livekitUrl, all]) =>
      (
        window as unknown as {
          joinAll(url: string, tokens: string[]): Promise<BurstParticipant[]>;
        }
      ).joinAll(livekitUrl, all),
    [url, tokens] as const,
  );
}

export function leaveAll(page: Page): Promise<void> {
  return page.evaluate(async () => {
    await (window as unknown as { leaveAll(): Promise<void> }).leaveAll();
  });
}
