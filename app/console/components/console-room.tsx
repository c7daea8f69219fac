"use client";

import Link from "next/link";
import { useCallback, useState } from "react";
import { KindBadge } from "@/app/components/kind-badge";
import { useEventStream } from "@/app/components/use-event-stream";
import type { RoomState } from "@/lib/shared/room-projection";
import { ConfirmAction } from "./confirm-action";
import { ConsoleLog } from "./console-log";
import { ConsoleShell, CredentialRefused } from "./console-shell";
import { actionOutcome, age, roomStateLabel, trackSummary } from "./format";
import { egressStatusWords } from "@/lib/shared/event-catalogue";
import {
  BlocksPanel,
  DispatchesPanel,
  ParticipantEditor,
  RoomMetadataEditor,
  TrackControls,
  type Act,
} from "./moderation";
import { roomAction } from "./operator-api";
import { SourceNotice } from "./source-notice";
import { TestEventForm } from "./test-event-form";
import { useNow } from "./use-now";
import { useRooms } from "./use-rooms";

/**
 * `/console/room?name=<room>`: its participants and tracks with the moderation actions (mute,
 * permissions and metadata, remove, remove and block), the room's metadata, its blocks and
 * agent dispatches, and its timeline.
 */
export function ConsoleRoom({ room }: { room: string }) {
  return (
    <ConsoleShell>
      {(token, forget) => <RoomPage token={token} forget={forget} room={room} />}
    </ConsoleShell>
  );
}

function RoomPage({ token, forget, room }: { token: string; forget: () => void; room: string }) {
  const getCredential = useCallback(async () => token, [token]);
  const now = useNow();
  const stream = useEventStream(room, getCredential);
  const rooms = useRooms(token, room, stream.entries);
  /** LiveKit's answer to the last action, kept here: the action's own control may be gone. */
  const [outcome, setOutcome] = useState<{ ok: boolean; message: string } | null>(null);
  /** Bumped after each action: the blocks and dispatches lists ask again. */
  const [version, setVersion] = useState(0);
  const act: Act = useCallback(
    async (action, args = {}) => {
      const answer = await roomAction(token, action, { ...args, room });
      if (action !== "list-blocks" && action !== "list-dispatches") {
        setOutcome(actionOutcome(answer));
        setVersion((v) => v + 1);
      }
      return answer as Awaited<ReturnType<Act>>;
    },
    [token, room],
  );
  const refused = rooms.problem && (rooms.problem.status === 401 || rooms.problem.status === 403);
  if (refused) return <CredentialRefused message={rooms.problem!.message} forget={forget} />;
  const state: RoomState | undefined = rooms.rooms[0];

  const { refresh } = rooms;
  /** An action on what the rooms route shows: its answer, then the rows asked again. */
  const actAndRefresh: Act = async (action, args) => {
    const answer = await act(action, args);
    void refresh();
    return answer;
  };
  const run = async (action: string, args: Record<string, unknown> = {}) => {
    await actAndRefresh(action, args);
  };

  return (
    <div className="console-grid">
      <div className="console-column">
        <section className="console-panel" aria-labelledby="room-title">
          <p className="console-back">
            <Link href="/console">← All rooms</Link>
          </p>
          <header className="console-panel-header">
            <h1 id="room-title">
              Room <span className="room-name">{room}</span>
            </h1>
            <span
              className={`room-state ${state?.live && rooms.overview?.source === "livekit" ? "is-live" : ""}`}
              data-live={!!state?.live}
            >
              {roomStateLabel(rooms.overview, state)}
            </span>
          </header>
          <SourceNotice state={rooms} />
          <p role="status" className={`confirm-result ${outcome && !outcome.ok ? "is-error" : ""}`}>
            {outcome?.message ?? ""}
          </p>
          {state?.live && (
            <>
              <p className="console-hint">
                Age {age(state.createdAt, now)} · tracks {trackSummary(state)}
                {state.egress.length > 0 &&
                  ` · egress ${state.egress.map((e) => egressStatusWords(e.status)).join(", ")}`}
                {state.ingress.length > 0 &&
                  ` · ingress ${state.ingress.map((i) => i.name ?? i.ingressId).join(", ")}`}
              </p>
              <ConfirmAction
                label="End room"
                question={`End room ${room} for everyone in it?`}
                confirmLabel="End room"
                run={() => run("delete-room")}
              />
              <RoomMetadataEditor metadata={state.metadata} act={actAndRefresh} />
            </>
          )}
          <h2 className="console-subtitle">Participants</h2>
          {!state || state.participants.length === 0 ? (
            <p className="console-empty">Nobody is in this room.</p>
          ) : (
            <ul className="participant-list" aria-label={`Participants of ${room}`}>
              {state.participants.map((participant) => (
                <li key={participant.identity} data-identity={participant.identity}>
                  <div className="participant-head">
                    <strong>{participant.identity}</strong> <KindBadge kind={participant.kind} />
                    {participant.name && participant.name !== participant.identity && (
                      <span className="console-hint"> ({participant.name})</span>
                    )}
                    {participant.joinedAt && (
                      <span className="console-hint">
                        {" "}
                        · joined {age(participant.joinedAt, now)} ago
                      </span>
                    )}
                  </div>
                  <TrackControls participant={participant} act={actAndRefresh} />
                  <ParticipantEditor participant={participant} act={actAndRefresh} />
                  <div className="participant-actions">
                    <ConfirmAction
                      label="Remove"
                      question={`Remove ${participant.identity} from ${room}? They can rejoin.`}
                      confirmLabel="Remove"
                      run={() => run("remove-participant", { identity: participant.identity })}
                    />
                    <ConfirmAction
                      label="Remove and block"
                      question={`Remove ${participant.identity} and refuse them (and their invite) new tokens for ${room}?`}
                      confirmLabel="Remove and block"
                      run={() => run("remove-and-block", { identity: participant.identity })}
                    />
                  </div>
                </li>
              ))}
            </ul>
          )}
          <BlocksPanel act={act} version={version} />
          <DispatchesPanel act={act} version={version} />
        </section>
        <TestEventForm token={token} room={room} />
      </div>
      <ConsoleLog
        title={`Timeline of ${room}`}
        entries={stream.entries}
        status={stream.status}
        problem={stream.problem}
        byRoom={false}
      />
    </div>
  );
}
