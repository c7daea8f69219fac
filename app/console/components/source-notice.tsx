import type { RoomsState } from "./use-rooms";

/** Where the rows come from, and why only from the webhook log when LiveKit cannot be asked. */
export function SourceNotice({ state }: { state: RoomsState }) {
  const { overview, problem, refreshedAt } = state;
  if (problem && problem.status !== 401 && problem.status !== 403) {
    return (
      <p className="notice notice-warn console-notice" role="alert">
        The rooms could not be refreshed: {problem.message}. Showing the last answer and live
        events.
      </p>
    );
  }
  if (!overview) return <p className="console-hint">Asking for the rooms…</p>;
  const at = refreshedAt ? new Date(refreshedAt).toLocaleTimeString([], { hourCycle: "h23" }) : "";
  if (overview.source === "webhooks") {
    return (
      <p className="notice notice-warn console-notice" role="status" data-source="webhooks">
        Built from the webhook log alone: {overview.reason}. Participants and tracks are as the
        webhooks told them (as of {at}, then live).
      </p>
    );
  }
  return (
    <p className="console-hint" data-source="livekit">
      From LiveKit&rsquo;s room API at {at}, then kept current by the event stream.
    </p>
  );
}
