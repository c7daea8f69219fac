import type { StreamStatus } from "@/app/components/use-event-stream";

const LABEL: Record<StreamStatus, string> = {
  connecting: "Connecting",
  live: "Live",
  reconnecting: "Reconnecting",
  offline: "Offline",
};

/** The event stream's state, as the main page's log shows it. */
export function StreamBadge({ status }: { status: StreamStatus }) {
  return (
    <span className={`stream-status stream-${status}`} role="status">
      <span className="dot" aria-hidden="true" />
      {LABEL[status]}
      <span className="sr-only"> event stream</span>
    </span>
  );
}
