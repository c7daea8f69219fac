"use client";

import { useId, useLayoutEffect, useMemo, useRef, useState } from "react";
import { CopyButton } from "./CopyButton";
import {
  FAMILIES,
  familyOf,
  formatTime,
  KNOWN_TYPES,
  matchesFilter,
  subjectOf,
  timeOf,
  type Family,
  type LogEntry,
  type LogFilter,
} from "./event-summary";
import { useEventStream, type StreamStatus } from "./useEventStream";

const STATUS_LABEL: Record<StreamStatus, string> = {
  connecting: "Connecting",
  live: "Live",
  reconnecting: "Reconnecting",
  offline: "Offline",
};

const FAMILY_LABEL: Record<Family, string> = {
  room: "Room",
  participant: "Participant",
  track: "Track",
  egress: "Egress",
  ingress: "Ingress",
  other: "Other",
};

/** Pixels from the bottom within which the log counts as "at the newest row". */
const BOTTOM_SLACK = 32;

/** The room's webhook events: history, then live; filter, expand, copy; follows the newest. */
export function EventLog({ room, token }: { room: string; token: string }) {
  const { entries, status, problem } = useEventStream(room, token);
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
    const known = new Set(Object.values(KNOWN_TYPES).flat());
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
                  {FAMILY_LABEL[family]} events
                </option>
              ))}
            </optgroup>
            <optgroup label="By type">
              {[...Object.values(KNOWN_TYPES).flat(), ...unknownTypes].map((type) => (
                <option key={type} value={`type:${type}`}>
                  {type}
                </option>
              ))}
            </optgroup>
          </select>
          <span className="log-count" aria-live="polite">
            {countText}
          </span>
        </div>
        {problem && status !== "live" && (
          <p className="log-problem" role="alert">
            Event stream: {problem}
          </p>
        )}
      </header>

      <div className="log-scroll" ref={scroller} onScroll={onScroll}>
        {entries.length === 0 ? (
          <EmptyLog room={room} />
        ) : visible.length === 0 ? (
          <p className="log-empty-filter">No events match this filter.</p>
        ) : (
          <ol className="log-rows" aria-label={`Webhook events of room ${room}`}>
            {visible.map((entry) => (
              <LogRow
                key={entry.id}
                entry={entry}
                open={expanded.has(entry.id)}
                onToggle={() => toggle(entry.id)}
              />
            ))}
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

function LogRow({
  entry,
  open,
  onToggle,
}: {
  entry: LogEntry;
  open: boolean;
  onToggle: () => void;
}) {
  const type = entry.event.event;
  const family = familyOf(type);
  const time = timeOf(entry);
  const subject = subjectOf(entry.event);
  const detailId = `event-${entry.id}`;
  const json = JSON.stringify(entry.event, null, 2);
  return (
    <li
      className={`log-row family-${family}`}
      data-event-type={type}
      data-event-id={entry.event.id}
    >
      <button
        type="button"
        className="log-summary"
        aria-expanded={open}
        aria-controls={open ? detailId : undefined}
        onClick={onToggle}
      >
        <time dateTime={time.toISOString()}>{formatTime(time)}</time>
        <span className={`badge badge-${family}`}>{type}</span>
        <span className="log-subject" title={subject}>
          {subject}
        </span>
        <span className="chevron" aria-hidden="true" />
      </button>
      {open && (
        <div className="log-detail" id={detailId}>
          <div className="log-detail-tools">
            <span className="log-meta">
              {entry.event.id} · stored {formatTime(new Date(entry.receivedAt))}
            </span>
            <CopyButton text={json} label="Copy JSON" />
          </div>
          <pre tabIndex={0} aria-label={`Raw JSON of ${type}`}>
            {json}
          </pre>
        </div>
      )}
    </li>
  );
}

/** No event yet: how to point LiveKit at this server, or send a test event. */
function EmptyLog({ room }: { room: string }) {
  const origin = window.location.origin;
  const webhookUrl = `${origin}/livekit/webhook`;
  const yaml = `webhook:\n  api_key: <your LIVEKIT_API_KEY>\n  urls:\n    - ${webhookUrl}`;
  const simulator = `npm run webhook -- room_started --room ${shellQuote(room)} --url ${origin}/api/webhook`;
  return (
    <div className="log-empty">
      <p className="log-empty-title">No webhook events for this room yet.</p>
      <p>Point LiveKit&rsquo;s webhooks at this URL:</p>
      <div className="snippet">
        <code>{webhookUrl}</code>
        <CopyButton text={webhookUrl} label="Copy URL" />
      </div>
      <p>
        In <code>livekit.yaml</code> (<code>livekit-server --dev --config livekit.yaml</code>):
      </p>
      <pre className="snippet-block" tabIndex={0} aria-label="livekit.yaml webhook settings">
        {yaml}
      </pre>
      <p>Or send a signed test event with the simulator, from this project&rsquo;s folder:</p>
      <div className="snippet">
        <code>{simulator}</code>
        <CopyButton text={simulator} label="Copy command" />
      </div>
      <p className="log-empty-note">
        The simulator signs with <code>LIVEKIT_API_KEY</code> and <code>LIVEKIT_API_SECRET</code>{" "}
        from its environment (default devkey / secret): use the same keys as this server.
      </p>
    </div>
  );
}

/** The room name as one shell word. */
function shellQuote(value: string): string {
  return /^[\w.@%+=:,/-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
