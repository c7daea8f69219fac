"use client";

import { useConnectionState } from "@livekit/components-react";
import { ConnectionState } from "livekit-client";
import type { Ending } from "./ending-panel";
import type { Session } from "./join";

const STATE_TEXT: Record<ConnectionState, string> = {
  [ConnectionState.Disconnected]: "Disconnected",
  [ConnectionState.Connecting]: "Connecting",
  [ConnectionState.Connected]: "Connected",
  [ConnectionState.Reconnecting]: "Reconnecting",
  [ConnectionState.SignalReconnecting]: "Reconnecting",
};

/** Room name, who you are, and the connection's state in words (not only the console). */
export function RoomStatusBar({ session, ending }: { session: Session; ending: Ending | null }) {
  const state = useConnectionState();
  const tone = ending
    ? "error"
    : state === ConnectionState.Connected
      ? "ok"
      : state === ConnectionState.Disconnected
        ? "idle"
        : "busy";
  const label = ending?.kind === "error" ? "Connection failed" : STATE_TEXT[state];
  const detail =
    state === ConnectionState.Connecting && !ending
      ? `to ${session.serverUrl}`
      : state === ConnectionState.Connected
        ? `as ${session.participantName}`
        : "";
  return (
    <header className="room-bar">
      <div className="room-bar-title">
        <h1>{session.roomName}</h1>
        <span className="room-bar-identity" title="Your identity in the room">
          {session.participantName} · {session.identity}
        </span>
      </div>
      <p className={`connection connection-${tone}`} role="status" data-state={label}>
        {tone === "busy" ? (
          <span className="spinner" aria-hidden="true" />
        ) : (
          <span className="dot" aria-hidden="true" />
        )}
        <strong>{label}</strong> {detail}
      </p>
    </header>
  );
}
