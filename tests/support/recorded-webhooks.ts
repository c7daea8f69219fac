/**
 * The webhooks a real livekit-server (the pinned 1.13.5) sent for a real session, recorded by
 * `npm run record-webhooks` (scripts/record-webhooks.ts) into tests/fixtures/livekit-webhooks/.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "./server";

export const RECORDED_DIR = path.join(ROOT, "tests/fixtures/livekit-webhooks");

export interface RecordedWebhook {
  /** The fixture's file name: `NN-<type>.json`, NN the arrival order. */
  file: string;
  method: string;
  path: string;
  /** Header names and values in arrival order, names as sent. */
  headers: [string, string][];
  /** The exact body text the Authorization's sha256 claim covers. */
  body: string;
}

/** Every recorded webhook, in the order the server sent them. */
export function recordedWebhooks(): RecordedWebhook[] {
  return readdirSync(RECORDED_DIR)
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => ({
      file,
      ...(JSON.parse(readFileSync(path.join(RECORDED_DIR, file), "utf8")) as Omit<
        RecordedWebhook,
        "file"
      >),
    }));
}

/** A header's value as recorded (names compared case-insensitively); undefined if absent. */
export function recordedHeader(webhook: RecordedWebhook, name: string): string | undefined {
  return webhook.headers.find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
}
