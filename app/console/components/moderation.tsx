"use client";

import { useCallback, useEffect, useId, useState } from "react";
import { MAX_METADATA_LENGTH, MAX_NAME_LENGTH } from "@/lib/shared/limits";
import type {
  DispatchState,
  ParticipantPermissionState,
  ParticipantState,
} from "@/lib/shared/room-projection";
import { words } from "@/lib/shared/event-catalogue";
import { ConfirmAction } from "./confirm-action";
import type { ApiAnswer } from "./operator-api";

/**
 * The room page's moderation and agent-dispatch controls. Each runs one verb of
 * `POST /api/rooms/actions` through `act`, behind a confirmation; the page shows LiveKit's answer.
 */
export type Act = (
  action: string,
  args?: Record<string, unknown>,
) => Promise<ApiAnswer<Record<string, unknown> & { message: string }>>;

/** A block as list-blocks answers it (lib/blocks' Block). */
interface Block {
  identity: string;
  invite?: string;
  subject?: string;
  by?: string;
  blockedAt: number;
}

const SOURCES = ["CAMERA", "MICROPHONE", "SCREEN_SHARE", "SCREEN_SHARE_AUDIO"];
const FLAGS: [keyof Omit<ParticipantPermissionState, "canPublishSources">, string][] = [
  ["canPublish", "Publish"],
  ["canSubscribe", "Subscribe"],
  ["canPublishData", "Publish data"],
];

/** Mute or unmute each published track (MutePublishedTrack). */
export function TrackControls({ participant, act }: { participant: ParticipantState; act: Act }) {
  if (participant.tracks.length === 0)
    return <p className="participant-tracks">No published tracks</p>;
  return (
    <ul className="track-list" aria-label={`Tracks of ${participant.identity}`}>
      {participant.tracks.map((track) => (
        <li key={track.sid} data-track={track.sid} data-muted={!!track.muted}>
          <span>
            {track.kind} ({words(track.source)}){track.muted ? " · muted" : ""}
          </span>
          <ConfirmAction
            plain
            label={track.muted ? "Unmute" : "Mute"}
            question={`${track.muted ? "Unmute" : "Mute"} ${participant.identity}'s ${words(track.source)}?`}
            confirmLabel={track.muted ? "Unmute" : "Mute"}
            run={async () => {
              await act("mute-track", {
                identity: participant.identity,
                trackSid: track.sid,
                muted: !track.muted,
              });
            }}
          />
        </li>
      ))}
    </ul>
  );
}

/** Permissions and metadata of one participant (UpdateParticipant). */
export function ParticipantEditor({
  participant,
  act,
}: {
  participant: ParticipantState;
  act: Act;
}) {
  const id = useId();
  const current = participant.permission;
  const [permission, setPermission] = useState<ParticipantPermissionState | null>(null);
  const [metadata, setMetadata] = useState<string | null>(null);
  const shown = permission ?? current;
  const shownMetadata = metadata ?? participant.metadata ?? "";
  const sources = shown?.canPublishSources ?? [];
  const toggleSource = (source: string) => {
    if (!shown) return;
    // Empty means every source: ticking one off starts from all of them.
    const all = sources.length === 0 ? SOURCES : sources;
    const next = all.includes(source) ? all.filter((s) => s !== source) : [...all, source];
    setPermission({ ...shown, canPublishSources: next.length === SOURCES.length ? [] : next });
  };
  const changed =
    (permission !== null && JSON.stringify(permission) !== JSON.stringify(current)) ||
    (metadata !== null && metadata !== (participant.metadata ?? ""));
  return (
    <details className="participant-editor">
      <summary>Permissions and metadata</summary>
      {shown ? (
        <fieldset>
          <legend>May</legend>
          {FLAGS.map(([key, label]) => (
            <label key={key} className="check">
              <input
                type="checkbox"
                name={key}
                checked={shown[key]}
                onChange={(e) => setPermission({ ...shown, [key]: e.target.checked })}
              />
              {label}
            </label>
          ))}
        </fieldset>
      ) : (
        <p className="console-hint">
          LiveKit&apos;s room API did not give this participant&apos;s permissions.
        </p>
      )}
      {shown && (
        <fieldset>
          <legend>Sources it may publish</legend>
          {SOURCES.map((source) => (
            <label key={source} className="check">
              <input
                type="checkbox"
                name={source}
                checked={sources.length === 0 || sources.includes(source)}
                onChange={() => toggleSource(source)}
              />
              {words(source)}
            </label>
          ))}
        </fieldset>
      )}
      <div className="field">
        <label htmlFor={`${id}-metadata`}>Metadata</label>
        <textarea
          id={`${id}-metadata`}
          rows={2}
          maxLength={MAX_METADATA_LENGTH}
          value={shownMetadata}
          onChange={(e) => setMetadata(e.target.value)}
        />
      </div>
      <ConfirmAction
        plain
        disabled={!changed}
        label="Apply"
        question={`Update ${participant.identity}'s permissions and metadata?`}
        confirmLabel="Apply"
        run={async () => {
          const args: Record<string, unknown> = { identity: participant.identity };
          if (permission && JSON.stringify(permission) !== JSON.stringify(current)) {
            args.permission = permission;
          }
          if (metadata !== null && metadata !== (participant.metadata ?? ""))
            args.metadata = metadata;
          const answer = await act("update-participant", args);
          if (answer.ok) {
            setPermission(null);
            setMetadata(null);
          }
        }}
      />
    </details>
  );
}

/** The room's metadata (UpdateRoomMetadata). */
export function RoomMetadataEditor({ metadata, act }: { metadata?: string; act: Act }) {
  const id = useId();
  const [draft, setDraft] = useState<string | null>(null);
  const shown = draft ?? metadata ?? "";
  return (
    <div className="room-metadata">
      <div className="field">
        <label htmlFor={`${id}-room-metadata`}>Room metadata</label>
        <textarea
          id={`${id}-room-metadata`}
          rows={2}
          maxLength={MAX_METADATA_LENGTH}
          value={shown}
          onChange={(e) => setDraft(e.target.value)}
        />
      </div>
      <ConfirmAction
        plain
        disabled={draft === null || draft === (metadata ?? "")}
        label="Save metadata"
        question="Send the new metadata to everyone in the room?"
        confirmLabel="Save"
        run={async () => {
          if ((await act("update-room-metadata", { metadata: shown })).ok) setDraft(null);
        }}
      />
    </div>
  );
}

/** A list verb's items, refreshed by the caller's `version` (after each action). */
function useListed<T>(act: Act, verb: string, key: string, version: number) {
  const [items, setItems] = useState<T[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const load = useCallback(async () => {
    const answer = await act(verb, {});
    if (answer.ok && answer.body) {
      setItems((answer.body[key] as T[]) ?? []);
      setProblem(null);
    } else setProblem(answer.problem);
  }, [act, verb, key]);
  useEffect(() => {
    const first = setTimeout(() => void load(), 0);
    return () => clearTimeout(first);
  }, [load, version]);
  return { items, problem };
}

/** Who is kept out of the room, with Lift. */
export function BlocksPanel({ act, version }: { act: Act; version: number }) {
  const { items, problem } = useListed<Block>(act, "list-blocks", "blocks", version);
  return (
    <section aria-labelledby="blocks-title">
      <h2 id="blocks-title" className="console-subtitle">
        Blocked
      </h2>
      {problem && <p className="console-notice">{problem}</p>}
      {items && items.length === 0 && <p className="console-empty">Nobody is blocked.</p>}
      {items && items.length > 0 && (
        <ul className="block-list" aria-label="Blocked identities">
          {items.map((block) => (
            <li key={block.identity} data-identity={block.identity}>
              <span>
                <strong>{block.identity}</strong>
                <span className="console-hint">
                  {block.invite ? " · and its invite" : ""}
                  {block.subject ? ` · sub ${block.subject}` : ""}
                  {block.by ? ` · by ${block.by}` : ""}
                </span>
              </span>
              <ConfirmAction
                plain
                label="Lift"
                question={`Let ${block.identity} get tokens for this room again?`}
                confirmLabel="Lift"
                run={async () => {
                  await act("lift-block", { identity: block.identity });
                }}
              />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The room's agent dispatches (AgentDispatchService): listed, created, deleted. */
export function DispatchesPanel({ act, version }: { act: Act; version: number }) {
  const id = useId();
  const { items, problem } = useListed<DispatchState>(
    act,
    "list-dispatches",
    "dispatches",
    version,
  );
  const [agentName, setAgentName] = useState("");
  const [metadata, setMetadata] = useState("");
  return (
    <section aria-labelledby="dispatches-title">
      <h2 id="dispatches-title" className="console-subtitle">
        Agent dispatches
      </h2>
      {problem && <p className="console-notice">{problem}</p>}
      {items && items.length === 0 && <p className="console-empty">No agent is dispatched here.</p>}
      {items && items.length > 0 && (
        <ul className="dispatch-list" aria-label="Agent dispatches">
          {items.map((dispatch) => (
            <li key={dispatch.id} data-dispatch={dispatch.id}>
              <span>
                <strong>{dispatch.agentName}</strong>
                <span className="console-hint">
                  {" "}
                  · {dispatch.id} · {dispatch.jobs} job{dispatch.jobs === 1 ? "" : "s"}
                </span>
              </span>
              <ConfirmAction
                label="Delete"
                question={`Delete the dispatch of ${dispatch.agentName}?`}
                confirmLabel="Delete"
                run={async () => {
                  await act("delete-dispatch", { dispatchId: dispatch.id });
                }}
              />
            </li>
          ))}
        </ul>
      )}
      <div className="dispatch-form">
        <div className="field">
          <label htmlFor={`${id}-agent`}>Agent name</label>
          <input
            id={`${id}-agent`}
            value={agentName}
            maxLength={MAX_NAME_LENGTH}
            onChange={(e) => setAgentName(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-dispatch-metadata`}>Dispatch metadata</label>
          <input
            id={`${id}-dispatch-metadata`}
            value={metadata}
            maxLength={MAX_METADATA_LENGTH}
            onChange={(e) => setMetadata(e.target.value)}
          />
        </div>
        <ConfirmAction
          plain
          disabled={agentName.trim() === ""}
          label="Dispatch agent"
          question={`Ask LiveKit to send agent ${agentName} into this room?`}
          confirmLabel="Dispatch"
          run={async () => {
            const answer = await act("create-dispatch", {
              agentName,
              ...(metadata ? { metadata } : {}),
            });
            if (answer.ok) {
              setAgentName("");
              setMetadata("");
            }
          }}
        />
      </div>
    </section>
  );
}
