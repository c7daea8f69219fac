/** A handler run as GET /api/handlers/runs answers it (lib/handlers/ledger.ts keeps them). */
export type RunStatus = "pending" | "running" | "retrying" | "ok" | "failed";

export interface RunRecord {
  eventId: string;
  handler: string;
  type: string;
  status: RunStatus;
  /** Attempts started so far. */
  attempt: number;
  /** The last attempt's error message, if it threw. */
  error: string | null;
  /** Unix ms of the last change. */
  updatedAt: number;
  /** Unix ms at which a retrying run is due, or a running run's lease ends. */
  dueAt: number;
}
