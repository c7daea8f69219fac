"use client";

import { useCallback } from "react";
import { useEventStream } from "@/app/components/use-event-stream";
import { ConsoleLog } from "./console-log";
import { ConsoleShell, CredentialRefused } from "./console-shell";
import { HandlerRuns } from "./handler-runs";
import { RoomList } from "./room-list";
import { SourceNotice } from "./source-notice";
import { TestEventForm } from "./test-event-form";
import { useNow } from "./use-now";
import { useRooms } from "./use-rooms";

/** `/console`: the rooms now, and one live log of every room's events. */
export function ConsoleHome() {
  return <ConsoleShell>{(token, forget) => <Home token={token} forget={forget} />}</ConsoleShell>;
}

function Home({ token, forget }: { token: string; forget: () => void }) {
  const getCredential = useCallback(async () => token, [token]);
  const now = useNow();
  const stream = useEventStream(null, getCredential);
  const rooms = useRooms(token, null, stream.entries);
  const refused = rooms.problem && (rooms.problem.status === 401 || rooms.problem.status === 403);
  if (refused) return <CredentialRefused message={rooms.problem!.message} forget={forget} />;
  return (
    <div className="console-grid">
      <div className="console-column">
        <section className="console-panel" aria-labelledby="rooms-title">
          <header className="console-panel-header">
            <h1 id="rooms-title">Rooms now</h1>
            <button
              type="button"
              className="button-small"
              onClick={() => void rooms.refresh()}
              disabled={rooms.refreshing}
            >
              {rooms.refreshing ? "Refreshing…" : "Refresh"}
            </button>
          </header>
          <SourceNotice state={rooms} />
          {rooms.overview && <RoomList rooms={rooms.rooms} now={now} />}
        </section>
        <TestEventForm token={token} listedRooms={rooms.rooms.map((r) => r.name)} />
        <HandlerRuns token={token} />
      </div>
      <ConsoleLog
        title="All events"
        entries={stream.entries}
        status={stream.status}
        problem={stream.problem}
        byRoom
      />
    </div>
  );
}
