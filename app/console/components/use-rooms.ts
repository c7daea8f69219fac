"use client";

import { useCallback, useEffect, useMemo, useState } from "react";
import type { LogEntry } from "@/app/components/event-summary";
import { compareEventIds } from "@/lib/shared/event-ids";
import { projectRooms, type RoomState, type RoomsOverview } from "@/lib/shared/room-projection";
import { operatorFetch } from "./operator-api";

/** Between two answers of the rooms route, the event stream keeps the rows current. */
const REFRESH_MS = 30_000;

export interface RoomsState {
  /** Rooms now: the last answer of `/api/rooms` with every later event applied. */
  rooms: RoomState[];
  overview: RoomsOverview | null;
  /** The last refusal or failure of the rooms route, with its HTTP status (0: unreachable). */
  problem: { status: number; message: string } | null;
  refreshedAt: number | null;
  refreshing: boolean;
  refresh: () => Promise<void>;
}

/**
 * The rooms (`room` null: every live room; else that room, live or not) from the rooms route,
 * brought up to date with the stream's `entries` stored after the answer.
 */
export function useRooms(token: string, room: string | null, entries: LogEntry[]): RoomsState {
  const [overview, setOverview] = useState<RoomsOverview | null>(null);
  const [problem, setProblem] = useState<RoomsState["problem"]>(null);
  const [refreshedAt, setRefreshedAt] = useState<number | null>(null);
  const [refreshing, setRefreshing] = useState(false);

  const refresh = useCallback(async () => {
    setRefreshing(true);
    const path = room === null ? "/api/rooms" : `/api/rooms?room=${encodeURIComponent(room)}`;
    const answer = await operatorFetch<RoomsOverview>(path, token);
    setRefreshing(false);
    if (answer.ok && answer.body) {
      setOverview(answer.body);
      setProblem(null);
      setRefreshedAt(Date.now());
    } else {
      setProblem({ status: answer.status, message: answer.problem ?? "no answer" });
    }
  }, [room, token]);

  useEffect(() => {
    // The first answer, then one every REFRESH_MS; setState happens after the fetch resolves.
    const first = setTimeout(() => void refresh(), 0);
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [refresh]);

  const rooms = useMemo(() => {
    if (!overview) return [];
    const after = overview.lastEventId;
    const later =
      after === null ? entries : entries.filter((e) => compareEventIds(e.id, after) > 0);
    const projected = projectRooms(later, overview.rooms);
    return room === null
      ? projected.filter((r) => r.live)
      : projected.filter((r) => r.name === room);
  }, [overview, entries, room]);

  return { rooms, overview, problem, refreshedAt, refreshing, refresh };
}
