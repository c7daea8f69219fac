/**
 * The operator console's first-load JavaScript, as a browser loads it: Chromium opens the link
 * `npm run operator-link` prints (`/console#token=<operator token>`) and every script the page
 * fetched until it shows its event stream as "Live" is counted. Not "until the network is idle":
 * the event stream is a request that stays open. Gzip and KB as in page-weight.ts (level 6, what
 * `next start` sends; zlib's default). The scripts and stylesheets are also searched for LiveKit's
 * code, which the console must not load.
 */
import type { Response } from "playwright-core";
import { launchBrowser } from "../../../tests/support/browser";
import { LIVEKIT_MARKS } from "../../../tests/support/livekit-marks";
import { assertLoopback } from "./http-load";
import { gzipSize, total, type PageWeight, type ScriptSize } from "./page-weight";

export interface ConsoleWeight extends PageWeight {
  /** The LiveKit marks found in what the console loaded (none expected). */
  livekitMarks: string[];
}

/** How long the console may take to show "Live" on a busy machine: a deadline, not a figure. */
const LIVE_WITHIN_MS = 30_000;

export async function measureConsoleWeight(link: string): Promise<ConsoleWeight> {
  assertLoopback(link);
  const origin = new URL(link).origin;
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const scripts = new Map<string, Promise<ScriptSize>>();
    const bodies: Promise<Buffer | null>[] = [];
    const onResponse = (response: Response) => {
      const type = response.request().resourceType();
      const url = new URL(response.url());
      if ((type !== "script" && type !== "stylesheet") || url.origin !== origin) return;
      const body = response.body().catch(() => null);
      bodies.push(body);
      if (type !== "script" || scripts.has(url.pathname)) return;
      scripts.set(
        url.pathname,
        body.then((data) => ({
          path: url.pathname,
          bytes: data?.byteLength ?? 0,
          gzipBytes: data ? gzipSize(data) : 0,
        })),
      );
    };
    page.on("response", onResponse);
    await page.goto(link, { waitUntil: "load" });
    await page.locator(".stream-status", { hasText: "Live" }).waitFor({ timeout: LIVE_WITHIN_MS });
    page.off("response", onResponse);

    const weight = total(await Promise.all(scripts.values()));
    const loaded = (await Promise.all(bodies)).filter((body) => body !== null);
    const livekitMarks = LIVEKIT_MARKS.filter((mark) => loaded.some((body) => body.includes(mark)));
    return { ...weight, livekitMarks };
  } finally {
    await browser.close();
  }
}
