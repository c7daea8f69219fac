"use client";

import Link from "next/link";
import type { RoomState } from "@/lib/shared/room-projection";
import { age, roomHref, trackSummary } from "./format";
import { egressStatusWords } from "@/lib/shared/event-catalogue";

/** One card per live room: participants, tracks by kind, age, egress and ingress running. */
export function RoomList({ rooms, now }: { rooms: RoomState[]; now: number }) {
  if (rooms.length === 0) {
    return <p className="console-empty">No live rooms.</p>;
  }
  return (
    <ul className="room-list" aria-label="Live rooms">
      {rooms.map((room) => (
        <li key={room.name} className="room-card" data-room={room.name}>
          <h2>
            <Link href={roomHref(room.name)}>{room.name}</Link>
          </h2>
          <dl>
            <div>
              <dt>Participants</dt>
              <dd data-field="participants">
                {room.participants.length === 0
                  ? "none"
                  : `${room.participants.length}: ${room.participants.map((p) => p.identity).join(", ")}`}
              </dd>
            </div>
            <div>
              <dt>Tracks</dt>
              <dd>{trackSummary(room)}</dd>
            </div>
            <div>
              <dt>Age</dt>
              <dd>{age(room.createdAt, now)}</dd>
            </div>
            <div>
              <dt>Egress</dt>
              <dd>
                {room.egress.length === 0
                  ? "none"
                  : room.egress
                      .map((e) => `${e.egressId} (${egressStatusWords(e.status)})`)
                      .join(", ")}
              </dd>
            </div>
            <div>
              <dt>Ingress</dt>
              <dd>
                {room.ingress.length === 0
                  ? "none"
                  : room.ingress.map((i) => i.name ?? i.ingressId).join(", ")}
              </dd>
            </div>
          </dl>
        </li>
      ))}
    </ul>
  );
}
