import "server-only";
import { EventHub } from "./hub";
import { compareEventIds, EventIdGenerator } from "../shared/event-ids";
import { SeenIds } from "./seen-ids";
import { roomOfEvent } from "../shared/event-catalogue";
import type {
  AppendResult,
  EventListener,
  EventStore,
  LogBounds,
  ReadOptions,
  ReadPage,
  StoreHealth,
} from "./types";
import type { StoredEvent, WebhookEventJson } from "../shared/event-model";

/**
 * How long a delivered event's id is remembered, whatever the log's size: longer than a
 * webhook JWT may live (lib/webhook refuses one valid for longer than MAX_WEBHOOK_JWT_SECONDS)
 * plus the verifier's clock tolerance, so a replayed delivery is refused as a duplicate for as
 * long as its JWT would pass.
 */
export const REPLAY_WINDOW_SECONDS = 15 * 60;
/** The most ids remembered; past it the oldest are forgotten first (about 100 bytes each). */
export const MAX_REMEMBERED_IDS = 100_000;

/**
 * The default store: the newest `limit` events of this process, nothing to set up.
 * A retried or replayed delivery is recognised while its first copy is retained, and for
 * REPLAY_WINDOW_SECONDS after it arrived. A restart forgets both.
 */
export class MemoryEventStore implements EventStore {
  readonly kind = "memory" as const;
  private readonly events: StoredEvent[] = [];
  /** LiveKit event id → retained, for dedupe. */
  private readonly retained = new Set<string>();
  private readonly seen = new SeenIds(REPLAY_WINDOW_SECONDS * 1000, MAX_REMEMBERED_IDS);
  private readonly ids = new EventIdGenerator();
  private readonly hub = new EventHub();

  constructor(private readonly limit: number) {}

  async append(event: WebhookEventJson): Promise<AppendResult> {
    if (this.retained.has(event.id) || this.seen.has(event.id)) {
      return { stored: false, duplicate: true };
    }
    const stored: StoredEvent = {
      id: this.ids.next(),
      receivedAt: Date.now(),
      room: roomOfEvent(event),
      event,
    };
    this.events.push(stored);
    this.retained.add(event.id);
    this.seen.add(event.id);
    while (this.events.length > this.limit) {
      const evicted = this.events.shift();
      if (evicted) this.retained.delete(evicted.event.id);
    }
    this.hub.publish(stored);
    return { stored: true, id: stored.id };
  }

  async bounds(): Promise<LogBounds> {
    return {
      oldest: this.events[0]?.id ?? null,
      newest: this.events[this.events.length - 1]?.id ?? null,
    };
  }

  async readSince(afterId: string, { room, limit }: ReadOptions): Promise<ReadPage> {
    const events: StoredEvent[] = [];
    let i = this.firstAfter(afterId);
    for (; i < this.events.length && events.length < limit; i++) {
      const stored = this.events[i]!;
      if (room === null || stored.room === room) events.push(stored);
    }
    // In-process: no scan bound beyond `limit` (the log itself is EVENT_LOG_MEMORY_LIMIT long).
    return { events, next: i < this.events.length ? (this.events[i - 1]?.id ?? afterId) : null };
  }

  async readLatest({ room, limit }: ReadOptions): Promise<StoredEvent[]> {
    const result: StoredEvent[] = [];
    for (let i = this.events.length - 1; i >= 0 && result.length < limit; i--) {
      const stored = this.events[i]!;
      if (room === null || stored.room === room) result.push(stored);
    }
    return result.reverse();
  }

  async subscribe(room: string | null, listener: EventListener): Promise<() => void> {
    return this.hub.add(room, listener);
  }

  async health(): Promise<StoreHealth> {
    return { kind: this.kind, ok: true, events: this.events.length, subscribers: this.hub.size };
  }

  /** Index of the first retained event newer than `afterId` (binary search: ids ascend). */
  private firstAfter(afterId: string): number {
    let low = 0;
    let high = this.events.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareEventIds(this.events[middle]!.id, afterId) <= 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
