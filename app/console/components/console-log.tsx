"use client";

import { useId, useMemo, useState } from "react";
import { EventRow } from "@/app/components/event-row";
import type { LogEntry } from "@/app/components/event-summary";
import { EVENT_TYPES } from "@/lib/shared/event-catalogue";
import type { StreamStatus } from "@/app/components/use-event-stream";
import { StreamBadge } from "./stream-badge";
import { StreamProblem } from "@/app/components/stream-problem";

/**
 * Webhook events, newest first: every room's (with a room filter) or one room's timeline. The
 * same rows as the main page's log (type, subject, raw JSON), every type, filterable.
 */
export function ConsoleLog({
  title,
  entries,
  status,
  problem,
  byRoom,
}: {
  title: string;
  entries: LogEntry[];
  status: StreamStatus;
  problem: string | null;
  /** Offer the room filter (the all-rooms log). */
  byRoom: boolean;
}) {
  const id = useId();
  const [room, setRoom] = useState("");
  const [type, setType] = useState("");
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());

  const rooms = useMemo(
    () => [...new Set(entries.map((e) => e.room).filter((r): r is string => !!r))].sort(),
    [entries],
  );
  const types = useMemo(() => {
    const known = new Set<string>(EVENT_TYPES);
    const seen = entries.map((e) => e.event.event).filter((t) => !known.has(t));
    return [...EVENT_TYPES, ...new Set(seen)];
  }, [entries]);
  const visible = useMemo(
    () =>
      entries
        .filter((e) => (!room || e.room === room) && (!type || e.event.event === type))
        .reverse(),
    [entries, room, type],
  );
  const toggle = (entryId: string) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (!next.delete(entryId)) next.add(entryId);
      return next;
    });

  return (
    <section className="console-panel console-log" aria-labelledby={`${id}-title`}>
      <header className="console-panel-header">
        <h2 id={`${id}-title`}>{title}</h2>
        <StreamBadge status={status} />
      </header>
      <div className="log-tools console-filters">
        {byRoom && (
          <span className="console-filter">
            <label htmlFor={`${id}-room`}>Room</label>
            <select id={`${id}-room`} value={room} onChange={(e) => setRoom(e.target.value)}>
              <option value="">All rooms</option>
              {rooms.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </span>
        )}
        <span className="console-filter">
          <label htmlFor={`${id}-type`}>Type</label>
          <select id={`${id}-type`} value={type} onChange={(e) => setType(e.target.value)}>
            <option value="">All types</option>
            {types.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </span>
        <span className="log-count" aria-live="polite">
          {visible.length === entries.length
            ? `${entries.length} ${entries.length === 1 ? "event" : "events"}`
            : `${visible.length} of ${entries.length} events`}
        </span>
      </div>
      <StreamProblem status={status} problem={problem} />
      <div className="console-log-scroll">
        {entries.length === 0 ? (
          <p className="console-empty">
            No webhook events yet. Point LiveKit&rsquo;s webhooks at <code>/livekit/webhook</code>{" "}
            of this server, or send a test event.
          </p>
        ) : visible.length === 0 ? (
          <p className="console-empty">No events match these filters.</p>
        ) : (
          <ol className="log-rows" aria-label={`${title}, newest first`}>
            {visible.map((entry) => (
              <EventRow
                key={entry.id}
                entry={entry}
                open={expanded.has(entry.id)}
                onToggle={() => toggle(entry.id)}
              />
            ))}
          </ol>
        )}
      </div>
    </section>
  );
}
