/** Small pure formatters of the console's rows. */
import type { RoomState, TrackKind } from "@/lib/shared/room-projection";
import { tracksByKind } from "@/lib/shared/room-projection";

/** "45 s", "12 min", "3 h 5 min", "2 d 4 h" since `seconds` (Unix). */
export function age(seconds: number | undefined, nowMs: number): string {
  if (!seconds) return "unknown";
  const total = Math.max(0, Math.floor(nowMs / 1000 - seconds));
  if (total < 60) return `${total} s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

const KIND_WORDS: Record<TrackKind, [string, string]> = {
  audio: ["audio", "audio"],
  video: ["video", "video"],
  data: ["data", "data"],
};

/** "2 video, 1 audio" or "none". */
export function trackSummary(room: Pick<RoomState, "participants">): string {
  const counts = tracksByKind(room);
  const parts = (Object.keys(counts) as TrackKind[])
    .filter((kind) => counts[kind] > 0)
    .map((kind) => `${counts[kind]} ${KIND_WORDS[kind][counts[kind] === 1 ? 0 : 1]}`);
  return parts.length ? parts.join(", ") : "none";
}

/** The console's address of a room. */
export function roomHref(room: string): string {
  return `/console/${encodeURIComponent(room)}`;
}
