/** Small pure formatters of the console's rows. */
import type { RoomState, RoomsOverview, TrackKind } from "@/lib/shared/room-projection";
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

/** The console's address of a room: its name in the query, never a path segment (`..`, `a/b`). */
export function roomHref(room: string): string {
  return `/console/room?${new URLSearchParams({ name: room })}`;
}

/**
 * The room page's badge: "Live" only when LiveKit's room API said so. From the webhook log
 * alone (LiveKit unreachable) the page cannot know, and says that instead.
 */
export function roomStateLabel(
  overview: Pick<RoomsOverview, "source"> | null,
  room: Pick<RoomState, "live"> | undefined,
): string {
  if (!overview) return "…";
  if (overview.source === "webhooks") return "Not confirmed by LiveKit";
  return room?.live ? "Live" : "Not live";
}

/**
 * What the console says of an action's answer: LiveKit's word when done; "Refused" only when
 * this server or LiveKit said no (4xx); "Not done" when LiveKit (502, 504) or this server
 * (no answer) could not be reached, since nothing was refused then.
 */
export function actionOutcome(answer: {
  ok: boolean;
  status: number;
  body: { message: string } | null;
  problem: string | null;
}): { ok: boolean; message: string } {
  if (answer.ok && answer.body) return { ok: true, message: answer.body.message };
  const refused = answer.status >= 400 && answer.status < 500;
  return { ok: false, message: `${refused ? "Refused" : "Not done"}: ${answer.problem}` };
}
