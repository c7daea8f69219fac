/**
 * How one webhook event reads in the event log: its family (for the row's look), its subject
 * and its time. Pure functions over the SSE payload, so they are tested without a browser.
 * Only types and the pure id order come from lib/: nothing of the server's runs in the page.
 */
import { compareEventIds } from "@/lib/events/ids";
import type { StoredEvent, WebhookEventJson } from "@/lib/events/types";

/** What `/api/events` sends as each message's `data`: the store's event, as the server keeps it. */
export type LogEntry = StoredEvent;
export type LogEvent = WebhookEventJson;

export const FAMILIES = ["room", "participant", "track", "egress", "ingress", "other"] as const;
export type Family = (typeof FAMILIES)[number];

/** The event types livekit-server sends today, by family; newer ones land in "other". */
export const KNOWN_TYPES: Record<Exclude<Family, "other">, string[]> = {
  room: ["room_started", "room_finished"],
  participant: ["participant_joined", "participant_left", "participant_connection_aborted"],
  track: ["track_published", "track_unpublished"],
  egress: ["egress_started", "egress_updated", "egress_ended"],
  ingress: ["ingress_started", "ingress_ended"],
};

export function familyOf(type: string): Family {
  const prefix = type.split("_", 1)[0] ?? "";
  return (FAMILIES as readonly string[]).includes(prefix) && prefix !== "other"
    ? (prefix as Family)
    : "other";
}

/** SCREEN_SHARE_AUDIO → "screen share audio". */
function words(value: string): string {
  return value.toLowerCase().replace(/_/g, " ");
}

/** "Alice (alice-3f9c)" when the display name differs from the identity, else the identity. */
export function participantLabel(participant: LogEvent["participant"]): string | null {
  const identity = participant?.identity;
  const name = participant?.name;
  if (identity && name && name !== identity) return `${name} (${identity})`;
  return identity || name || null;
}

/**
 * The row's subject: who or what the event is about. protojson omits zero values, so a track
 * without `type` is an audio track (TrackType AUDIO = 0).
 */
export function subjectOf(event: LogEvent): string {
  const family = familyOf(event.event);
  const who = participantLabel(event.participant);
  if (family === "track") {
    const track = event.track ?? {};
    const source = track.source ? words(track.source) : "unknown source";
    const kind = words(track.type ?? "AUDIO");
    return [who, `${source} · ${kind}`].filter(Boolean).join(" — ");
  }
  if (family === "participant" && who) return who;
  if (family === "egress" && event.egressInfo) {
    const { egressId, status } = event.egressInfo as { egressId?: string; status?: string };
    return [egressId, status && words(status.replace(/^EGRESS_/, ""))].filter(Boolean).join(" · ");
  }
  if (family === "ingress" && event.ingressInfo) {
    const { ingressId, name, state } = event.ingressInfo as {
      ingressId?: string;
      name?: string;
      state?: { status?: string };
    };
    const status = state?.status && words(state.status.replace(/^ENDPOINT_/, ""));
    return [name || ingressId, status].filter(Boolean).join(" · ");
  }
  return who ?? event.room?.name ?? "";
}

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
