/**
 * How the event log reads: an event's time, the log's filters and merging. Pure functions over
 * the SSE payload, so they are tested without a browser. What each event type is (its family,
 * its subject) is the catalogue's (lib/shared/event-catalogue).
 */
import { familyOf, type Family } from "@/lib/shared/event-catalogue";
import { compareEventIds } from "@/lib/shared/event-ids";
import type { StoredEvent } from "@/lib/shared/event-model";

/** What `/api/events` sends as each message's `data`. */
export type LogEntry = StoredEvent;

/** When LiveKit says the event happened (`createdAt`, Unix seconds), else when it was stored. */
export function timeOf(entry: LogEntry): Date {
  const seconds = Number(entry.event.createdAt);
  return new Date(Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : entry.receivedAt);
}

/** HH:MM:SS (24-hour) in the viewer's time zone. */
export function formatTime(date: Date): string {
  return date.toLocaleTimeString([], {
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  });
}

/** A filter of the log: everything, one family or one event type. */
export type LogFilter = "all" | `family:${Family}` | `type:${string}`;

export function matchesFilter(entry: LogEntry, filter: LogFilter): boolean {
  if (filter === "all") return true;
  if (filter.startsWith("family:")) return familyOf(entry.event.event) === filter.slice(7);
  return entry.event.event === filter.slice(5);
}

/**
 * Adds entries to a log kept in store order, once per id, keeping the newest `max`.
 * Returns the same array when nothing was added (so React skips the render).
 */
export function mergeEntries(log: LogEntry[], incoming: LogEntry[], max: number): LogEntry[] {
  const seen = new Set(log.map((entry) => entry.id));
  const fresh = incoming.filter((entry) => !seen.has(entry.id) && seen.add(entry.id));
  if (fresh.length === 0) return log;
  const merged = [...log, ...fresh].sort((a, b) => compareEventIds(a.id, b.id));
  return merged.length > max ? merged.slice(merged.length - max) : merged;
}
