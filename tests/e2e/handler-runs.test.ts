/**
 * The console's Handler runs panel in Chromium against the handlers build (tests/support/
 * handlers.ts): a handler that always throws is shown failed with its error's message, one that
 * succeeds ok, and Retry runs the failed one again (the handler writes a line per attempt).
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { launchBrowser, saveScreenshot } from "../support/browser";
import { operatorToken, serverForFile } from "../support/fixtures";
import { handlerLines, handlersBuildEnv } from "../support/handlers";
import { waitUntil } from "../support/wait";
import { sendWebhook } from "../support/webhooks";

const log = path.join(mkdtempSync(path.join(tmpdir(), "handler-runs-")), "runs.jsonl");
const server = serverForFile(() => ({ ...handlersBuildEnv(log), HANDLER_MAX_ATTEMPTS: "1" }));
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("the console's Handler runs", () => {
  it("shows ok and failed runs with the error's message, and Retry runs a failed one again", async () => {
    const failing = await sendWebhook(server.url, "room_started", { room: "failing-console" });
    const fine = await sendWebhook(server.url, "room_started", { room: "fine-console" });
    expect([failing.status, fine.status]).toEqual([200, 200]);
    await waitUntil(
      () => handlerLines(log).filter((line) => line.id === failing.eventId).length === 1,
      "the failing handler ran once",
    );

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url}/console#token=${await operatorToken()}`);
    const panel = page.getByRole("region", { name: "Handler runs" });
    const failedRow = panel.getByRole("listitem").filter({ hasText: failing.eventId });
    await failedRow.getByText("failed", { exact: true }).waitFor({ timeout: 10_000 });
    await expect(failedRow.textContent()).resolves.toContain("failing on purpose (attempt 1)");
    const okRow = panel.getByRole("listitem").filter({ hasText: fine.eventId });
    await okRow.getByText("ok", { exact: true }).waitFor({ timeout: 10_000 });
    await saveScreenshot(page, "console-handler-runs");

    await failedRow.getByRole("button", { name: "Retry" }).click();
    await waitUntil(
      () =>
        handlerLines(log).filter((line) => line.id === failing.eventId && line.phase === "start")
          .length === 2,
      "the retried run starts again",
    );
    await page.close();
  });
});
