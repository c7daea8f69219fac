import "server-only";
import type { Config } from "../config";
import type { EventStore } from "../events/types";
import type { StoredEvent } from "../shared/event-model";
import { isHttpError } from "../http";
import { describeRoomApiFailure, listLiveRooms } from "./livekit-api";
import { projectRooms, type RoomState, type RoomsOverview } from "../shared/room-projection";

/** How much of the webhook log the rooms are built from when LiveKit's API cannot be asked. */
export const HISTORY_LIMIT = 1000;

/**
 * The live rooms now (with `room`: that room, live or not). Participants and tracks come from
 * LiveKit's room API; egress and ingress, which it does not list, from the webhook log. When
 * the API cannot be asked, everything comes from the webhook log, and the answer says why.
 * The log is read first, so an event stored while LiveKit answers is applied by the page.
 */
export async function roomsOverview(
  room: string | null,
  config: Pick<Config, "livekitUrl" | "apiKey" | "apiSecret" | "roomApiTimeoutMs">,
  store: EventStore,
): Promise<RoomsOverview> {
  let history: StoredEvent[] = [];
  let historyProblem: string | null = null;
  try {
    history = await store.readLatest({ room, limit: HISTORY_LIMIT });
  } catch (error) {
    if (!isHttpError(error)) throw error;
    historyProblem = "the webhook log is unavailable";
  }
  const lastEventId = history.at(-1)?.id ?? null;
  const projected = projectRooms(history);
  const pick = (rooms: RoomState[]) =>
    room === null ? rooms.filter((r) => r.live) : rooms.filter((r) => r.name === room);

  try {
    const live = await listLiveRooms(config, room === null ? undefined : [room]);
    const rooms = live.map((state) => {
      const fromLog = projected.find((r) => r.name === state.name && r.live);
      return fromLog ? { ...state, egress: fromLog.egress, ingress: fromLog.ingress } : state;
    });
    if (room !== null && rooms.length === 0) {
      // Not live according to LiveKit: what the log knows of it, shown as not live.
      const known = projected.find((r) => r.name === room);
      if (known) rooms.push({ ...known, live: false, participants: [], egress: [], ingress: [] });
    }
    return { source: "livekit", lastEventId, rooms };
  } catch (error) {
    const reason = describeRoomApiFailure(error, config);
    return {
      source: "webhooks",
      reason: historyProblem ? `${reason}; ${historyProblem}` : reason,
      lastEventId,
      rooms: pick(projected),
    };
  }
}
