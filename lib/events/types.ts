import "server-only";
import type { StoredEvent, WebhookEventJson } from "../shared/event-model";

/**
 * The event log's contract. Two implementations (memory, Redis) pass one contract test suite.
 */

export type AppendResult =
  | { stored: true; id: string }
  /** The same LiveKit event id was stored before (a retried delivery): nothing was added. */
  | { stored: false; duplicate: true };

export interface ReadOptions {
  /** Only this room's events; null for every room. */
  room: string | null;
  limit: number;
}

/** What `readSince` read, and where it stopped if it stopped before the end of the log. */
export interface ReadPage {
  /** Oldest first, at most `limit`. */
  events: StoredEvent[];
  /**
   * Null when the read reached the log's end. Otherwise it stopped at a bound (`limit` events,
   * or the store's scan bound in bytes or time) and the next read continues after this id,
   * which may be another room's event: the ids scanned so far held nothing more for `room`.
   */
  next: string | null;
}

/** Who reads an event: a participant gets it without secrets, an operator whole (lib/events/redact). */
export type Audience = "participant" | "operator";

/**
 * Receives each new event with its SSE frame for an audience, encoded once per audience for all
 * subscribers. Returns false when the subscriber is gone or cannot keep up; it is then removed.
 */
export type EventListener = (
  event: StoredEvent,
  frameFor: (audience: Audience) => Uint8Array,
) => boolean;

export interface EventStore {
  readonly kind: "memory" | "redis";
  /** Stores a verified event once per LiveKit event id. Throws `storeUnavailable` (503). */
  append(event: WebhookEventJson): Promise<AppendResult>;
  /**
   * The oldest and newest ids the log keeps (null when it keeps none), for an honest resume:
   * a client's id older than `oldest` missed events that are gone.
   */
  bounds(): Promise<LogBounds>;
  /**
   * Events after `afterId` (exclusive), oldest first, at most `limit`, scanning a bounded amount
   * of the log (Redis: SCAN_BYTES and SCAN_MS) whichever room it holds.
   */
  readSince(afterId: string, options: ReadOptions): Promise<ReadPage>;
  /** The newest `limit` events, oldest first. */
  readLatest(options: ReadOptions): Promise<StoredEvent[]>;
  /**
   * Calls `listener` for every event stored from now on (by any instance sharing the store)
   * in `room`, or in every room for null. Resolves once no later event can be missed.
   * Returns the function that unsubscribes.
   */
  subscribe(room: string | null, listener: EventListener): Promise<() => void>;
  /** What /api/health reports. */
  health(): Promise<StoreHealth>;
}

export interface LogBounds {
  oldest: string | null;
  newest: string | null;
}

export interface StoreHealth {
  kind: "memory" | "redis";
  ok: boolean;
  events: number;
  subscribers: number;
  detail?: string;
}
