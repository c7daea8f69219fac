/**
 * Server-sent events framing (https://html.spec.whatwg.org/multipage/server-sent-events.html):
 * every frame this server writes is encoded here, and nowhere else. Pure: no imports of ours
 * but the event's type and its redaction, so the hub, the stream and tests share it.
 */
import "server-only";
import { redactEvent, visibleToParticipants, type Audience } from "./redact";
import type { StoredEvent } from "../shared/event-model";

const encoder = new TextEncoder();

export const SSE_HEADERS: Record<string, string> = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-cache, no-transform",
  Connection: "keep-alive",
  "X-Accel-Buffering": "no",
};

/** One `message` event. `data` must be single-line (JSON.stringify output is). */
export function encodeMessage(id: string, data: string): Uint8Array {
  return encoder.encode(`id: ${id}\ndata: ${data}\n\n`);
}

/** A comment line: ignored by EventSource, keeps proxies from closing an idle connection. */
export function encodeComment(text: string): Uint8Array {
  return encoder.encode(`: ${text.replace(/[\r\n]+/g, " ")}\n\n`);
}

/** How long EventSource waits before reconnecting after the stream ends. */
export function encodeRetry(milliseconds: number): Uint8Array {
  return encoder.encode(`retry: ${Math.round(milliseconds)}\n\n`);
}

/** A named event without an id (so it never moves the client's Last-Event-ID). */
function encodeNamed(name: string, data: unknown): Uint8Array {
  return encoder.encode(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
}

/** What a frame is when the audience may not see the event: nothing to write. */
export const NO_FRAME = new Uint8Array(0);

/**
 * The SSE frame of a stored event for `audience`: `data` is `{id, receivedAt, room, event}`;
 * NO_FRAME for a participant when the event is about a hidden participant.
 */
export function encodeEventFrame(stored: StoredEvent, audience: Audience): Uint8Array {
  if (audience === "participant" && !visibleToParticipants(stored.event)) return NO_FRAME;
  const visible =
    audience === "operator" ? stored : { ...stored, event: redactEvent(stored.event) };
  return encodeMessage(stored.id, JSON.stringify(visible));
}

/** What a `gap` event says: how far back the log still reaches (null: it keeps nothing now). */
export interface GapInfo {
  oldestId: string | null;
  oldestReceivedAt: number | null;
}

/**
 * Sent first when a client resumes from an id older than the oldest kept event: what came
 * between is gone, and the client should say so rather than pretend the log is complete.
 */
export function encodeGap(info: GapInfo): Uint8Array {
  return encodeNamed("gap", info);
}

export type EndReason = "credential-expired" | "max-duration" | "replay-capped" | "scan-capped";

/**
 * The last frame of a stream that ends itself: why, so the client resumes (with a fresh
 * credential). `scan-capped` (the read stopped at its bound, lib/events/redis SCAN_BYTES, in
 * other rooms' events) carries where to resume: `resumeAfter`, also as the frame's `id`, so an
 * EventSource resumes there by itself.
 */
export function encodeEnd(reason: EndReason, resumeAfter?: string): Uint8Array {
  if (resumeAfter === undefined) return encodeNamed("end", { reason });
  return encoder.encode(
    `id: ${resumeAfter}\nevent: end\ndata: ${JSON.stringify({ reason, resumeAfter })}\n\n`,
  );
}
