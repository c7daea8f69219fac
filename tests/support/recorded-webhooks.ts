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

/** Every recorded webhook in `dir` (the fixtures by default), in the order the server sent them. */
export function recordedWebhooks(dir = RECORDED_DIR): RecordedWebhook[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => ({
      file,
      ...(JSON.parse(readFileSync(path.join(dir, file), "utf8")) as Omit<RecordedWebhook, "file">),
    }));
}

/** A header's value as recorded (names compared case-insensitively); undefined if absent. */
export function recordedHeader(webhook: RecordedWebhook, name: string): string | undefined {
  return webhook.headers.find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
}

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/**
 * What must agree between the server and the simulator: every key, in order; enum names, mime
 * types and booleans as they are; any other string or number only as "a string" / "a number"
 * (ids, names, times differ from one session to the next). A video layer's `ssrc` and
 * `repairSsrc` are left out: the server adds them once it has seen that layer's RTP, so which
 * layers have them depends on timing.
 */
const TIMING_DEPENDENT = new Set(["ssrc", "repairSsrc"]);

export function skeleton(value: Json): Json {
  if (Array.isArray(value)) return value.map(skeleton);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !TIMING_DEPENDENT.has(key))
        .map(([key, item]) => [key, skeleton(item)]),
    );
  }
  if (typeof value === "string") {
    return /^[A-Z][A-Z0-9_]*$/.test(value) || /^(audio|video)\/\w+$/.test(value)
      ? value
      : "<string>";
  }
  return typeof value === "number" ? "<number>" : value;
}
