import "server-only";
import { HttpError } from "../http";
import {
  encodeComment,
  encodeEnd,
  encodeEventFrame,
  encodeGap,
  encodeRetry,
  type EndReason,
  type GapInfo,
} from "./frames";
import { compareEventIds, eventIdTime } from "../shared/event-ids";
import type { Audience, EventStore } from "./types";
import type { StoredEvent } from "../shared/event-model";

export interface EventStreamOptions {
  store: EventStore;
  /** One room's events, or every room's for null. */
  room: string | null;
  /** Resume after this store id; null starts with the newest `limit` events. */
  lastEventId: string | null;
  limit: number;
  /** Whose view: a participant's events have their secrets removed (lib/events/redact). */
  audience: Audience;
  /** Unix seconds at which the credential expires: the stream ends then, saying so. */
  expiresAt: number | null;
  /** The stream ends itself after this long; the browser reconnects and resumes by id. */
  maxSeconds: number;
  heartbeatSeconds: number;
}

/** Where a stream's bytes go: one client's HTTP response. */
export interface EventStreamSink {
  /** Sends `chunk`; returns the bytes written and not yet taken by the client. */
  write(chunk: Uint8Array): number;
  /** Ends the response once what was written is out. */
  end(): void;
}

export interface EventStream {
  /** Writes the retry line, the history, then live events to `sink` until the stream ends. */
  start(sink: EventStreamSink): void;
  /** Ends the stream and unsubscribes (the client went away, or the time is up). */
  close(): void;
}

/** What EventSource waits before reconnecting after the stream ends. */
export const RECONNECT_MILLISECONDS = 1000;
/** Events replayed on resume in one response; past it the response ends and the client resumes. */
export const MAX_REPLAY = 2000;
/** Bytes queued for one slow client before it is dropped (it resumes by id, nothing is lost). */
export const MAX_BACKLOG_BYTES = 1024 * 1024;

/**
 * An SSE stream of the store's events: history first, then live, with no gap and no duplicate
 * where they meet. It subscribes before reading history, holds live events back until the
 * history is out, then sends only those newer than the last id sent.
 *
 * The subscription and the history read happen before this resolves, so a store that is down
 * rejects here (the route answers 503) instead of in the middle of a 200.
 */
export async function openEventStream(options: EventStreamOptions): Promise<EventStream> {
  const { store, room } = options;
  let sink: EventStreamSink | null = null;
  let closed = false;
  let lastSentId = options.lastEventId;
  let pending: { stored: StoredEvent; frame: Uint8Array }[] | null = [];
  const timers: ReturnType<typeof setTimeout>[] = [];
  const { audience } = options;

  const close = (reason?: EndReason, resumeAfter?: string) => {
    if (closed) return;
    if (reason) send(encodeEnd(reason, resumeAfter));
    // send() closes a client that cannot keep up, this included.
    if (closed) return;
    closed = true;
    unsubscribe();
    timers.forEach(clearTimeout);
    // What was written still goes out before the end: a dropped slow client loses nothing.
    sink?.end();
  };

  const send = (chunk: Uint8Array): boolean => {
    if (closed || !sink) return false;
    if (sink.write(chunk) > MAX_BACKLOG_BYTES) {
      close();
      return false;
    }
    return true;
  };

  const sendEvent = (stored: StoredEvent, frame: Uint8Array): boolean => {
    if (lastSentId !== null && compareEventIds(stored.id, lastSentId) <= 0) return !closed;
    lastSentId = stored.id;
    // Not this audience's to see (a hidden participant's event): nothing goes out.
    if (frame.length === 0) return !closed;
    return send(frame);
  };

  const gap = options.lastEventId === null ? null : await checkResume(store, options.lastEventId);

  const unsubscribe = await store.subscribe(room, (stored, frameFor) => {
    if (closed) return false;
    const frame = frameFor(audience);
    if (pending) {
      pending.push({ stored, frame });
      return true;
    }
    return sendEvent(stored, frame);
  });

  let history: StoredEvent[];
  /** Where the history stopped short of the log's end: the client resumes after this id. */
  let stoppedAt: string | null = null;
  try {
    if (options.lastEventId === null) {
      history = await store.readLatest({ room, limit: options.limit });
    } else {
      // One bounded read (the store's scan bound): past it the response ends and says where.
      const page = await store.readSince(options.lastEventId, { room, limit: MAX_REPLAY });
      history = page.events;
      stoppedAt = page.next;
    }
  } catch (error) {
    unsubscribe();
    throw error;
  }

  return {
    start(target) {
      if (sink || closed) return;
      sink = target;
      send(encodeRetry(RECONNECT_MILLISECONDS));
      if (gap) send(encodeGap(gap));
      for (const stored of history) sendEvent(stored, encodeEventFrame(stored, audience));
      // Sent: not kept for the stream's minutes of life (from Redis, up to `limit` parsed events).
      history = [];
      if (stoppedAt !== null) {
        // More of the log waits than one response reads: end here, the client resumes by id:
        // after the last event sent (`replay-capped`), or after the last id scanned, which
        // the end frame carries as its `id` and `resumeAfter` (`scan-capped`).
        const sentAll = lastSentId !== null && compareEventIds(lastSentId, stoppedAt) >= 0;
        if (sentAll) close("replay-capped");
        else close("scan-capped", stoppedAt);
        return;
      }
      const live = pending ?? [];
      pending = null;
      for (const { stored, frame } of live) sendEvent(stored, frame);

      const maxMs = options.maxSeconds * 1000;
      const credentialMs =
        options.expiresAt === null ? Infinity : options.expiresAt * 1000 - Date.now();
      const [lifetimeMs, reason]: [number, EndReason] =
        credentialMs < maxMs ? [credentialMs, "credential-expired"] : [maxMs, "max-duration"];
      timers.push(
        setInterval(() => send(encodeComment("heartbeat")), options.heartbeatSeconds * 1000),
        setTimeout(() => close(reason), Math.max(0, lifetimeMs)),
      );
    },
    close: () => close(),
  };
}

/**
 * Refuses an id the log has not reached yet (400: resuming from it would drop every live event
 * until the log caught up), and tells whether events after `lastEventId` were trimmed away:
 * then the stream starts with a `gap` event saying how far back the log still reaches.
 */
async function checkResume(store: EventStore, lastEventId: string): Promise<GapInfo | null> {
  const { oldest, newest } = await store.bounds();
  const ahead =
    (newest === null || compareEventIds(lastEventId, newest) > 0) &&
    eventIdTime(lastEventId) > Date.now();
  if (ahead) {
    throw new HttpError(400, "Last-Event-ID is ahead of the event log; resume from an id it sent", {
      field: "lastEventId",
    });
  }
  if (oldest !== null && compareEventIds(lastEventId, oldest) >= 0) return null;
  if (oldest === null && newest === null && store.kind !== "memory") return null;
  return { oldestId: oldest, oldestReceivedAt: oldest === null ? null : eventIdTime(oldest) };
}
