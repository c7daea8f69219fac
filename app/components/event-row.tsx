"use client";

import { CopyButton } from "./copy-button";
import { KindBadge } from "./kind-badge";
import { familyOf, summaryOf } from "@/lib/shared/event-catalogue";
import { formatTime, timeOf, type LogEntry } from "./event-summary";

/**
 * One webhook event: time, type (coloured by family), the participant's kind when not a person,
 * and subject (with why it ended, when it says); opens to its raw JSON.
 */
export function EventRow({
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
  const subject = summaryOf(entry.event);
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
          <KindBadge kind={entry.event.participant?.kind ?? entry.event.job?.participant?.kind} />
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
