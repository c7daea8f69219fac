import type { WebhookEventJson } from "../shared/event-model";
import type { RunRecord } from "../shared/handler-runs";

/**
 * The run ledger: one record per (event id, handler), shared by every instance in Redis mode.
 * It is what makes a handler run once per event id: a record is created once (duplicates and
 * other instances find it), claimed by one runner at a time under a lease, and finished once.
 */
export type { RunRecord, RunStatus } from "../shared/handler-runs";

/** A claimed attempt: run it, then finish it with the same attempt number. */
export interface Claim {
  eventId: string;
  handler: string;
  attempt: number;
  event: WebhookEventJson;
}

export type Outcome =
  | { kind: "ok" }
  | { kind: "retry"; error: string; dueAt: number }
  | { kind: "failed"; error: string };

export interface RunLedger {
  readonly kind: "memory" | "redis";
  /**
   * Creates the runs of `handlers` for the event unless they exist (a duplicate delivery), each
   * created one claimed at once for its first attempt by the caller (lease `leaseMs`): the
   * instance that received the webhook runs it with no further round trip; if it dies, the
   * lease ends and another instance or the drain takes the run. Returns the claims made.
   */
  enqueue(
    event: WebhookEventJson,
    handlers: string[],
    now: number,
    leaseMs: number,
  ): Promise<Claim[]>;
  /**
   * Takes the run for one attempt if nobody holds it: pending, retrying and due, or running
   * with its lease over (its instance died). Null if finished, held or not due. A run whose
   * lease ran out on its last attempt is recorded as failed.
   */
  claim(
    eventId: string,
    handler: string,
    now: number,
    leaseMs: number,
    maxAttempts: number,
  ): Promise<Claim | null>;
  /** Records an attempt's outcome; ignored if the run was taken over since (its lease ended). */
  finish(claim: Claim, outcome: Outcome, now: number): Promise<void>;
  /** Runs due at `now` (pending, retrying and due, or with a lease over), oldest first. */
  due(now: number, limit: number): Promise<Array<{ eventId: string; handler: string }>>;
  /** The most recently changed runs, newest first. */
  recent(limit: number): Promise<RunRecord[]>;
  /** Makes a failed run pending again with its attempts reset; false if it is not failed. */
  retry(eventId: string, handler: string, now: number): Promise<boolean>;
}

/** How many runs the ledger lists, and how long a finished run is remembered. */
export const RECENT_RUNS = 1000;
export const RUN_TTL_SECONDS = 7 * 24 * 60 * 60;

/** The lease that ran out on the last attempt: the run is failed, and says why. */
export const LEASE_LOST_ERROR = "the instance running it stopped before it finished (lease over)";

interface MemoryRun extends RunRecord {
  event: WebhookEventJson;
}

/** In-process: once per event id within this process; a restart forgets every run. */
export class MemoryRunLedger implements RunLedger {
  readonly kind = "memory" as const;
  private readonly runs = new Map<string, MemoryRun>();

  private static key(eventId: string, handler: string): string {
    return `${handler}\u0000${eventId}`;
  }

  async enqueue(
    event: WebhookEventJson,
    handlers: string[],
    now: number,
    leaseMs: number,
  ): Promise<Claim[]> {
    const claims: Claim[] = [];
    for (const handler of handlers) {
      const key = MemoryRunLedger.key(event.id, handler);
      if (this.runs.has(key)) continue;
      this.runs.set(key, {
        eventId: event.id,
        handler,
        type: event.event,
        status: "running",
        attempt: 1,
        error: null,
        updatedAt: now,
        dueAt: now + leaseMs,
        event,
      });
      claims.push({ eventId: event.id, handler, attempt: 1, event });
    }
    this.trim();
    return claims;
  }

  async claim(eventId: string, handler: string, now: number, leaseMs: number, maxAttempts: number) {
    const run = this.runs.get(MemoryRunLedger.key(eventId, handler));
    if (!run || run.status === "ok" || run.status === "failed" || run.dueAt > now) return null;
    if (run.status === "running" && run.attempt >= maxAttempts) {
      Object.assign(run, { status: "failed", error: LEASE_LOST_ERROR, updatedAt: now });
      return null;
    }
    run.attempt += 1;
    Object.assign(run, { status: "running", dueAt: now + leaseMs, updatedAt: now });
    return { eventId, handler, attempt: run.attempt, event: run.event };
  }

  async finish(claim: Claim, outcome: Outcome, now: number): Promise<void> {
    const run = this.runs.get(MemoryRunLedger.key(claim.eventId, claim.handler));
    if (!run || run.status !== "running" || run.attempt !== claim.attempt) return;
    run.updatedAt = now;
    if (outcome.kind === "ok") Object.assign(run, { status: "ok", error: null });
    else if (outcome.kind === "retry")
      Object.assign(run, { status: "retrying", error: outcome.error, dueAt: outcome.dueAt });
    else Object.assign(run, { status: "failed", error: outcome.error });
  }

  async due(now: number, limit: number) {
    return [...this.runs.values()]
      .filter((run) => run.status !== "ok" && run.status !== "failed" && run.dueAt <= now)
      .sort((a, b) => a.dueAt - b.dueAt)
      .slice(0, limit)
      .map(({ eventId, handler }) => ({ eventId, handler }));
  }

  async recent(limit: number): Promise<RunRecord[]> {
    return [...this.runs.values()]
      .sort((a, b) => b.updatedAt - a.updatedAt)
      .slice(0, limit)
      .map((run): RunRecord => {
        const { event, ...record } = run;
        void event;
        return record;
      });
  }

  async retry(eventId: string, handler: string, now: number): Promise<boolean> {
    const run = this.runs.get(MemoryRunLedger.key(eventId, handler));
    if (!run || run.status !== "failed") return false;
    Object.assign(run, { status: "pending", attempt: 0, dueAt: now, updatedAt: now });
    return true;
  }

  /** Finished runs beyond RECENT_RUNS go first (unfinished ones are kept). */
  private trim(): void {
    if (this.runs.size <= RECENT_RUNS * 2) return;
    const finished = [...this.runs.entries()]
      .filter(([, run]) => run.status === "ok" || run.status === "failed")
      .sort(([, a], [, b]) => a.updatedAt - b.updatedAt);
    for (const [key] of finished.slice(0, this.runs.size - RECENT_RUNS)) this.runs.delete(key);
  }
}
