"use client";

import { Fragment, useId, useLayoutEffect, useMemo, useRef, useState } from "react";
import { DevTestEventButton } from "./dev-test-event";
import { EmptyLog } from "./empty-log";
import { EventRow } from "./event-row";
import { EVENT_TYPES, FAMILIES } from "@/lib/shared/event-catalogue";
import { matchesFilter, type LogFilter } from "./event-summary";
import { useEventStream, type StreamStatus } from "./use-event-stream";
import { StreamProblem } from "./stream-problem";

const STATUS_LABEL: Record<StreamStatus, string> = {
  connecting: "Connecting",
  live: "Live",
  reconnecting: "Reconnecting",
  offline: "Offline",
};

/** Pixels from the bottom within which the log counts as "at the newest row". */
const BOTTOM_SLACK = 32;

/** Where the log says that events before it are gone (the server's `gap` on resume). */
function GapRow() {
  return (
    <li className="log-gap" role="note">
      Earlier events are no longer kept: some events before this point were missed.
    </li>
  );
}

/**
 * A room's webhook events (every room's for `room` null, with an operator's credential): history,
 * then live; filter, expand, copy; follows the newest. `getCredential` gives the credential for
 * each (re)open of the stream (sent in a header).
 */
export function EventLog({
  room,
  getCredential,
}: {
  room: string | null;
  getCredential: () => Promise<string>;
}) {
  const { entries, status, problem, gaps } = useEventStream(room, getCredential);
  const gapBefore = useMemo(() => new Set(gaps), [gaps]);
  const [filter, setFilter] = useState<LogFilter>("all");
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [following, setFollowing] = useState(true);
  const [readCount, setReadCount] = useState(0);
  const scroller = useRef<HTMLDivElement>(null);
  const id = useId();

  const visible = useMemo(
    () => entries.filter((entry) => matchesFilter(entry, filter)),
    [entries, filter],
  );
  const unseen = following ? 0 : Math.max(0, visible.length - readCount);

  // New rows scroll into view while the reader is at the bottom, never while they read above.
  useLayoutEffect(() => {
    const element = scroller.current;
    if (element && following) element.scrollTop = element.scrollHeight;
  }, [visible.length, following]);

  const onScroll = () => {
    const element = scroller.current;
    if (!element) return;
    const atBottom =
      element.scrollHeight - element.scrollTop - element.clientHeight <= BOTTOM_SLACK;
    if (atBottom !== following) {
      setFollowing(atBottom);
      setReadCount(visible.length);
    }
  };

  const jumpToNewest = () => {
    setFollowing(true);
    const element = scroller.current;
    if (element) element.scrollTop = element.scrollHeight;
  };

  const toggle = (entryId: string) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (!next.delete(entryId)) next.add(entryId);
      return next;
    });

  const unknownTypes = useMemo(() => {
    const known = new Set<string>(EVENT_TYPES);
    return [...new Set(entries.map((entry) => entry.event.event))].filter((t) => !known.has(t));
  }, [entries]);

  const countText =
    filter === "all"
      ? `${entries.length} ${entries.length === 1 ? "event" : "events"}`
      : `${visible.length} of ${entries.length} events`;

  return (
    <section className="log" aria-labelledby={`${id}-title`}>
      <header className="log-header">
        <div className="log-title-row">
          <h2 id={`${id}-title`}>Webhook events</h2>
          <span className={`stream-status stream-${status}`} role="status">
            <span className="dot" aria-hidden="true" />
            {STATUS_LABEL[status]}
            <span className="sr-only"> event stream</span>
          </span>
        </div>
        <div className="log-tools">
          <label htmlFor={`${id}-filter`}>Show</label>
          <select
            id={`${id}-filter`}
            value={filter}
            onChange={(event) => setFilter(event.target.value as LogFilter)}
          >
            <option value="all">All events</option>
            <optgroup label="By family">
              {FAMILIES.map((family) => (
                <option key={family} value={`family:${family}`}>
                  {family[0]!.toUpperCase() + family.slice(1)} events
                </option>
              ))}
            </optgroup>
            <optgroup label="By type">
              {[...EVENT_TYPES, ...unknownTypes].map((type) => (
                <option key={type} value={`type:${type}`}>
                  {type}
                </option>
              ))}
            </optgroup>
          </select>
          <span className="log-count" aria-live="polite">
            {countText}
          </span>
          {/* The empty log offers it first; it stays once events arrive (development only). */}
          {process.env.NODE_ENV === "development" && room !== null && entries.length > 0 && (
            <DevTestEventButton room={room} />
          )}
        </div>
        <StreamProblem status={status} problem={problem} />
      </header>

      <div className="log-scroll" ref={scroller} onScroll={onScroll}>
        {entries.length === 0 && gaps.length === 0 ? (
          room === null ? (
            <p className="log-empty-filter">No events yet.</p>
          ) : (
            <EmptyLog room={room} />
          )
        ) : visible.length === 0 && gaps.length === 0 ? (
          <p className="log-empty-filter">No events match this filter.</p>
        ) : (
          <ol
            className="log-rows"
            aria-label={
              room === null ? "Webhook events of every room" : `Webhook events of room ${room}`
            }
          >
            {visible.map((entry) => (
              <Fragment key={entry.id}>
                {gapBefore.has(entry.id) && <GapRow />}
                <EventRow
                  entry={entry}
                  open={expanded.has(entry.id)}
                  onToggle={() => toggle(entry.id)}
                />
              </Fragment>
            ))}
            {gapBefore.has(null) && <GapRow />}
          </ol>
        )}
      </div>
      {unseen > 0 && (
        <button type="button" className="log-jump" onClick={jumpToNewest}>
          {unseen} new {unseen === 1 ? "event" : "events"} ↓
        </button>
      )}
    </section>
  );
}
