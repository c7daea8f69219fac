import type { StreamStatus } from "./use-event-stream";

/** Why the event stream is not live, in the server's words when it gave any; nothing while live. */
export function StreamProblem({
  status,
  problem,
}: {
  status: StreamStatus;
  problem: string | null;
}) {
  if (!problem || status === "live") return null;
  return (
    <p className="log-problem" role="alert">
      Event stream: {problem}
    </p>
  );
}
