"use client";

import { useId, useState } from "react";
import { EVENT_CATALOGUE, EVENT_TYPES, type EventType } from "@/lib/shared/event-catalogue";
import { MAX_NAME_LENGTH } from "@/lib/shared/limits";
import { operatorFetch } from "./operator-api";

/**
 * Sends a signed test event in LiveKit's wire shape for a room, through this server's webhook
 * intake (`POST /api/test-events`), as the simulator does: the whole chain without LiveKit.
 */
export function TestEventForm({
  token,
  room,
  listedRooms = [],
}: {
  token: string;
  /** The room page's own room: fixed. */
  room?: string;
  /** The rooms the console lists now: the first is the default, all are offered. */
  listedRooms?: string[];
}) {
  const id = useId();
  // Until the operator types, the default follows the list: a room that exists, if any does.
  const [typed, setTyped] = useState<string | null>(null);
  const roomName = room ?? typed ?? listedRooms[0] ?? "test-room";
  const [type, setType] = useState<EventType>("room_started");
  const [identity, setIdentity] = useState("test-participant");
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; message: string } | null>(null);

  const send = async (event: React.FormEvent) => {
    event.preventDefault();
    setBusy(true);
    const answer = await operatorFetch<{ eventId: string; stored: boolean }>(
      "/api/test-events",
      token,
      { method: "POST", body: JSON.stringify({ room: roomName, type, identity }) },
    );
    setBusy(false);
    setResult(
      answer.ok && answer.body
        ? {
            ok: true,
            message: `Sent ${type} ${answer.body.eventId} to ${roomName}: ${answer.body.stored ? "stored" : "a duplicate"}.`,
          }
        : { ok: false, message: `Not sent: ${answer.problem}` },
    );
  };

  const needsIdentity = EVENT_CATALOGUE[type].aboutParticipant;
  return (
    <form className="console-panel test-event" onSubmit={send} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Send a test event</h2>
      <p className="console-hint">
        Signed with this server&rsquo;s key in LiveKit&rsquo;s wire shape and delivered through the
        webhook path, like <code>npm run webhook</code>.
      </p>
      <div className="test-event-fields">
        {room === undefined && (
          <div className="field">
            <label htmlFor={`${id}-room`}>Room</label>
            <input
              id={`${id}-room`}
              value={roomName}
              onChange={(e) => setTyped(e.target.value)}
              list={`${id}-rooms`}
              required
              maxLength={MAX_NAME_LENGTH}
            />
            <datalist id={`${id}-rooms`}>
              {listedRooms.map((name) => (
                <option key={name} value={name} />
              ))}
            </datalist>
          </div>
        )}
        <div className="field">
          <label htmlFor={`${id}-type`}>Event type</label>
          <select
            id={`${id}-type`}
            value={type}
            onChange={(e) => setType(e.target.value as EventType)}
          >
            {EVENT_TYPES.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
        {needsIdentity && (
          <div className="field">
            <label htmlFor={`${id}-identity`}>Participant identity</label>
            <input
              id={`${id}-identity`}
              value={identity}
              onChange={(e) => setIdentity(e.target.value)}
              required
              maxLength={MAX_NAME_LENGTH}
            />
          </div>
        )}
      </div>
      <div className="test-event-actions">
        <button type="submit" className="button-primary" disabled={busy}>
          {busy ? "Sending…" : "Send test event"}
        </button>
        <span role="status" className={result && !result.ok ? "is-error" : undefined}>
          {result?.message}
        </span>
      </div>
    </form>
  );
}
