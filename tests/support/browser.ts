/**
 * Debian's Chromium driven by playwright-core (no browser download): headless, fake camera and
 * microphone, and none of Chromium's own network traffic (this machine has no network).
 */
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { ROOT } from "./server";

export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
/** Test artefacts (screenshots, measured figures); gitignored. */
export const RESULTS_DIR = path.join(ROOT, "test-results");

export interface LaunchOptions {
  /** Grant camera and microphone without a prompt (true), or refuse every prompt (false). */
  allowMedia?: boolean;
}

export async function launchBrowser({ allowMedia = true }: LaunchOptions = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: \`apt-get install chromium\` (.ci/run does)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--use-fake-device-for-media-stream",
      allowMedia ? "--use-fake-ui-for-media-stream" : "--deny-permission-prompts",
      // Every test runs in a namespace with only lo, so WebRTC may use (and can only use) loopback.
      "--allow-loopback-in-peer-connection",
    ],
  });
}

/**
 * Saves a full-viewport screenshot under test-results/screenshots/ (or `dir`, such as docs/ for
 * a screenshot the documentation shows) and returns its path.
 */
export async function saveScreenshot(
  page: Page,
  name: string,
  dir = path.join(RESULTS_DIR, "screenshots"),
): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
