/**
 * The fixtures still tell the truth: `npm run record-webhooks` is run again against the pinned
 * livekit-server (a real session in Chromium, loopback only, into a temporary folder), and what
 * the server sends now has, webhook for webhook, the shape of the committed recording
 * (tests/fixtures/livekit-webhooks), which the simulator is compared with
 * (tests/unit/livekit-wire.test.ts). A server or client upgrade that changes the webhooks fails
 * here, and the fixtures are then recorded again.
 */
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import {
  recordedHeader,
  recordedWebhooks,
  skeleton,
  type Json,
} from "../support/recorded-webhooks";
import { ROOT } from "../support/server";

const run = promisify(execFile);

describe("npm run record-webhooks against the pinned livekit-server", () => {
  it("records a real session whose webhooks have the committed fixtures' shape, one for one", async () => {
    const out = mkdtempSync(path.join(tmpdir(), "recorded-webhooks-"));
    const { stdout } = await run(
      "bash",
      [
        "scripts/loopback-only.sh",
        path.join(ROOT, "node_modules/.bin/tsx"),
        "--conditions=react-server",
        "scripts/record-webhooks.ts",
        "--out",
        out,
      ],
      { cwd: ROOT, timeout: 120_000 },
    );
    expect(stdout).toMatch(/^recorded 12 webhooks/m);
    const fresh = recordedWebhooks(out);
    const committed = recordedWebhooks();
    expect(fresh.map((w) => w.file)).toEqual(committed.map((w) => w.file));
    for (const [index, webhook] of fresh.entries()) {
      const before = committed[index]!;
      expect(
        JSON.stringify(skeleton(JSON.parse(webhook.body) as Json), null, 1),
        webhook.file,
      ).toBe(JSON.stringify(skeleton(JSON.parse(before.body) as Json), null, 1));
      expect(webhook.headers.map(([name]) => name)).toEqual(before.headers.map(([name]) => name));
      expect(recordedHeader(webhook, "User-Agent")).toBe(recordedHeader(before, "User-Agent"));
    }
  }, 150_000);
});
