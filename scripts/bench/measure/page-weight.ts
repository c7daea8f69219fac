/**
 * First-load JavaScript, gzipped, as a browser loads it: Chromium opens `/`, then fills the join
 * form and presses Join, and every script the page fetched is counted. The room's code is loaded
 * on demand when the user joins, so only a real join shows what the room page costs, whatever
 * the chunks are named.
 *
 * Sizes are each script gzipped at level 6 (what `next start` sends), in KB of 1024 bytes.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import type { Response } from "playwright-core";
import { launchBrowser } from "../../../tests/support/browser";
import { assertLoopback } from "./http-load";

/** The page is settled once no script has arrived for this long. */
const QUIET_MS = 1500;

export interface ScriptSize {
  path: string;
  bytes: number;
  gzipBytes: number;
}

export interface PageWeight {
  gzipBytes: number;
  bytes: number;
  scripts: ScriptSize[];
}

export interface PageWeights {
  /** The runtime every Next 16 + React 19 page loads (the build's rootMainFiles). */
  framework: PageWeight;
  landing: PageWeight;
  /** Landing plus what joining loads; null when the page has no join form to press. */
  room: PageWeight | null;
  /** Why room is null, or what happened after Join. */
  note: string;
}

export const gzipSize = (data: Buffer) => gzipSync(data, { level: 6 }).byteLength;

export function total(scripts: ScriptSize[]): PageWeight {
  return {
    gzipBytes: scripts.reduce((sum, script) => sum + script.gzipBytes, 0),
    bytes: scripts.reduce((sum, script) => sum + script.bytes, 0),
    scripts,
  };
}

/** The framework's share, read from the build: what an empty page would load. */
export function frameworkWeight(root: string, distDir: string): PageWeight {
  const manifest = JSON.parse(
    readFileSync(path.join(root, distDir, "build-manifest.json"), "utf8"),
  ) as { rootMainFiles: string[] };
  return total(
    manifest.rootMainFiles.map((file) => {
      const data = readFileSync(path.join(root, distDir, file));
      return { path: `/_next/${file}`, bytes: data.byteLength, gzipBytes: gzipSize(data) };
    }),
  );
}

export async function measurePageWeight(
  baseUrl: string,
  framework: PageWeight,
): Promise<PageWeights> {
  assertLoopback(baseUrl);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const scripts = new Map<string, Promise<ScriptSize>>();
    let lastScriptAt = Date.now();
    const origin = new URL(baseUrl).origin;
    page.on("response", (response: Response) => {
      const url = new URL(response.url());
      if (response.request().resourceType() !== "script" || url.origin !== origin) return;
      lastScriptAt = Date.now();
      if (scripts.has(url.pathname)) return;
      scripts.set(
        url.pathname,
        response.body().then((body) => ({
          path: url.pathname,
          bytes: body.byteLength,
          gzipBytes: gzipSize(body),
        })),
      );
    });
    const settle = async (maxMs: number) => {
      const deadline = Date.now() + maxMs;
      while (Date.now() - lastScriptAt < QUIET_MS && Date.now() < deadline) {
        await page.waitForTimeout(100);
      }
    };

    await page.goto(`${baseUrl}/`, { waitUntil: "networkidle" });
    await settle(10_000);
    const landing = total(await Promise.all(scripts.values()));
    const landingPaths = new Set(scripts.keys());

    const roomName = page.locator('input[name="roomName"]');
    const participantName = page.locator('input[name="participantName"]');
    if ((await roomName.count()) === 0 || (await participantName.count()) === 0) {
      return {
        framework,
        landing,
        room: null,
        note: "no join form on / (roomName, participantName)",
      };
    }
    await roomName.fill("bench-room");
    await participantName.fill("bench");
    const tokenAnswer = page.waitForResponse((response) => response.url().endsWith("/api/token"), {
      timeout: 10_000,
    });
    await page.locator('form button[type="submit"]').first().click();
    const token = await tokenAnswer.then(
      (response) => response.status(),
      () => null,
    );
    lastScriptAt = Date.now();
    await settle(20_000);
    const room = total(await Promise.all(scripts.values()));
    const added = [...scripts.keys()].filter((key) => !landingPaths.has(key)).length;
    // The page asks in the standard dialect (201) since issue 9; the tutorial one answers 200.
    const note =
      token !== null && token >= 200 && token < 300
        ? `Join: token ${token}, ${added} more script(s) loaded`
        : `Join: token answer ${token ?? "missing"}, ${added} more script(s) loaded`;
    return { framework, landing, room, note };
  } finally {
    await browser.close();
  }
}
