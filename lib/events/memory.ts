import { EventHub } from "./hub";
import { compareEventIds, EventIdGenerator } from "./ids";
import {
  roomOfEvent,
  type AppendResult,
  type EventListener,
  type EventStore,
  type ReadOptions,
  type StoreHealth,
  type StoredEvent,
  type WebhookEventJson,
} from "./types";

/**
 * The default store: the newest `limit` events of this process, nothing to set up.
 * A retried delivery is recognised as long as its first copy is still retained.
 */
export class MemoryEventStore implements EventStore {
  readonly kind = "memory" as const;
  private readonly events: StoredEvent[] = [];
  /** LiveKit event id → retained, for dedupe. */
  private readonly retained = new Set<string>();
  private readonly ids = new EventIdGenerator();
  private readonly hub = new EventHub();

  constructor(private readonly limit: number) {}

  async append(event: WebhookEventJson): Promise<AppendResult> {
    if (this.retained.has(event.id)) return { stored: false, duplicate: true };
    const stored: StoredEvent = {
      id: this.ids.next(),
      receivedAt: Date.now(),
      room: roomOfEvent(event),
      event,
    };
    this.events.push(stored);
    this.retained.add(event.id);
    while (this.events.length > this.limit) {
      const evicted = this.events.shift();
      if (evicted) this.retained.delete(evicted.event.id);
    }
    this.hub.publish(stored);
    return { stored: true, id: stored.id };
  }

  async readSince(afterId: string, { room, limit }: ReadOptions): Promise<StoredEvent[]> {
    const result: StoredEvent[] = [];
    for (let i = this.firstAfter(afterId); i < this.events.length && result.length < limit; i++) {
      const stored = this.events[i]!;
      if (room === null || stored.room === room) result.push(stored);
    }
    return result;
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
