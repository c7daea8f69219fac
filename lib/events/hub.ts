import "server-only";
import { encodeEventFrame } from "./frames";
import type { Audience, EventListener } from "./types";
import type { StoredEvent } from "../shared/event-model";

/**
 * In-process fan-out: each published event is encoded once per audience that asks for it (a
 * participant's frame without secrets, an operator's whole) and handed to the listeners of its
 * room and to the all-rooms listeners. A listener that answers false is removed at once.
 */
export class EventHub {
  private readonly byRoom = new Map<string, Set<EventListener>>();
  private readonly everyRoom = new Set<EventListener>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Whether an event of `room` would reach any listener. */
  wants(room: string | null): boolean {
    return this.everyRoom.size > 0 || (room !== null && this.byRoom.has(room));
  }

  add(room: string | null, listener: EventListener): () => void {
    let set = this.everyRoom;
    if (room !== null) {
      set = this.byRoom.get(room) ?? new Set();
      this.byRoom.set(room, set);
    }
    set.add(listener);
    this.count += 1;
    return () => this.remove(room, listener);
  }

  publish(stored: StoredEvent): void {
    if (this.count === 0) return;
    const frames: Partial<Record<Audience, Uint8Array>> = {};
    const frameFor = (audience: Audience) =>
      (frames[audience] ??= encodeEventFrame(stored, audience));
    if (stored.room !== null)
      this.deliver(stored.room, this.byRoom.get(stored.room), stored, frameFor);
    this.deliver(null, this.everyRoom, stored, frameFor);
  }

  private deliver(
    room: string | null,
    listeners: Set<EventListener> | undefined,
    stored: StoredEvent,
    frameFor: (audience: Audience) => Uint8Array,
  ) {
    if (!listeners) return;
    for (const listener of listeners) {
      if (!listener(stored, frameFor)) this.remove(room, listener);
    }
  }

  private remove(room: string | null, listener: EventListener): void {
    const set = room === null ? this.everyRoom : this.byRoom.get(room);
    if (!set?.delete(listener)) return;
    this.count -= 1;
    if (room !== null && set.size === 0) this.byRoom.delete(room);
  }
}
