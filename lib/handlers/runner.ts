import "server-only";
import { getConfig, type Config } from "../config";
import type { WebhookEventJson } from "../shared/event-model";
import { handlerNamed, handlersFor, type HandlerContext, type HandlerMap } from "./define";
import { MemoryRunLedger, type Claim, type RunLedger } from "./ledger";
import { RedisRunLedger } from "./redis-ledger";
import { webhookHandlers } from "./registry";

type RunnerConfig = Pick<
  Config,
  "redisUrl" | "handlerMaxAttempts" | "handlerLeaseSeconds" | "handlerRetryBaseMs"
>;

const shared = globalThis as typeof globalThis & { __livekitRunLedger?: RunLedger };

/** The process's ledger: in the event log's backend (Redis when it is Redis, else memory). */
export function getRunLedger(config: RunnerConfig = getConfig()): RunLedger {
  shared.__livekitRunLedger ??= config.redisUrl
    ? new RedisRunLedger(config.redisUrl)
    : new MemoryRunLedger();
  return shared.__livekitRunLedger;
}

/** Whether webhook-handlers.ts handles this event type at all (no handler: nothing to do). */
export function handlesType(type: string, handlers: HandlerMap = webhookHandlers): boolean {
  return handlersFor(handlers, type).length > 0;
}

/**
 * Records the runs an event needs, before the webhook is answered: a delivery is only answered
 * 2xx once its runs exist, so an instance that dies after answering loses no event (its lease
 * ends and the run is taken over). Idempotent: a duplicate delivery (or the same one on another
 * instance) finds its runs made and gets no claim. Returns this instance's claims, run after
 * the answer (runClaims).
 */
export async function enqueueRuns(
  event: WebhookEventJson,
  handlers: HandlerMap = webhookHandlers,
  config: RunnerConfig = getConfig(),
): Promise<Claim[]> {
  const names = handlersFor(handlers, event.event);
  if (names.length === 0) return [];
  return getRunLedger(config).enqueue(event, names, Date.now(), config.handlerLeaseSeconds * 1000);
}

/** Backoff before attempt `attempt + 1`: base × 2^(attempt-1), at most 5 minutes. */
export function backoffMs(attempt: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** (attempt - 1), 5 * 60_000);
}

/** The longest a runner here waits in-process for a retry; later ones are left to the drain. */
const IN_PROCESS_RETRY_WAIT_MS = 30_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function loggerFor(handler: string, eventId: string, attempt: number): HandlerContext["log"] {
  const prefix = `handler ${handler} event=${eventId} attempt=${attempt}:`;
  return {
    info: (message) => console.info(prefix, message),
    warn: (message) => console.warn(prefix, message),
    error: (message) => console.error(prefix, message),
  };
}

/** One attempt of a claimed run, its outcome recorded. True when it is finished (ok or failed). */
async function attempt(
  ledger: RunLedger,
  claim: Claim,
  handlers: HandlerMap,
  config: RunnerConfig,
): Promise<{ finished: boolean; retryAt: number | null }> {
  const handler = handlerNamed(handlers, claim.handler);
  if (!handler) {
    await ledger.finish(
      claim,
      { kind: "failed", error: "no such handler in webhook-handlers.ts" },
      Date.now(),
    );
    return { finished: true, retryAt: null };
  }
  const ctx: HandlerContext = {
    attempt: claim.attempt,
    maxAttempts: config.handlerMaxAttempts,
    handler: claim.handler,
    log: loggerFor(claim.handler, claim.eventId, claim.attempt),
  };
  try {
    await handler(claim.event, ctx);
    await ledger.finish(claim, { kind: "ok" }, Date.now());
    return { finished: true, retryAt: null };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const now = Date.now();
    if (claim.attempt >= config.handlerMaxAttempts) {
      console.error(
        `handler ${claim.handler} event=${claim.eventId} failed after ${claim.attempt} attempts: ${message}`,
      );
      await ledger.finish(claim, { kind: "failed", error: message }, now);
      return { finished: true, retryAt: null };
    }
    const retryAt = now + backoffMs(claim.attempt, config.handlerRetryBaseMs);
    console.warn(
      `handler ${claim.handler} event=${claim.eventId} attempt ${claim.attempt} threw (${message}); retry in ${retryAt - now} ms`,
    );
    await ledger.finish(claim, { kind: "retry", error: message, dueAt: retryAt }, now);
    return { finished: false, retryAt };
  }
}

/**
 * Runs one event's handler to its end here if this instance can claim it: retries waited for
 * in-process while short (IN_PROCESS_RETRY_WAIT_MS), the rest left to the drain. Another
 * instance holding it, or it being done, ends this at once.
 */
export async function runOne(
  eventId: string,
  handlerName: string,
  handlers: HandlerMap = webhookHandlers,
  config: RunnerConfig = getConfig(),
  firstClaim: Claim | null = null,
): Promise<void> {
  const ledger = getRunLedger(config);
  const leaseMs = config.handlerLeaseSeconds * 1000;
  let held = firstClaim;
  for (;;) {
    const claim =
      held ??
      (await ledger.claim(eventId, handlerName, Date.now(), leaseMs, config.handlerMaxAttempts));
    held = null;
    if (!claim) return;
    const { finished, retryAt } = await attempt(ledger, claim, handlers, config);
    if (finished || retryAt === null) return;
    const wait = retryAt - Date.now();
    if (wait > IN_PROCESS_RETRY_WAIT_MS) return;
    await sleep(Math.max(0, wait));
  }
}

/** Runs the claims enqueueRuns made (after the webhook's answer), each to its end, side by side. */
export async function runClaims(
  claims: Claim[],
  handlers: HandlerMap = webhookHandlers,
): Promise<void> {
  const config = getConfig();
  await Promise.all(
    claims.map((claim) =>
      safely(() => runOne(claim.eventId, claim.handler, handlers, config, claim)),
    ),
  );
}

/** Every run due now (pending, due for a retry, or a dead instance's), up to `limit`. */
export async function drainDue(
  limit = 50,
  handlers: HandlerMap = webhookHandlers,
): Promise<{ due: number }> {
  const due = await getRunLedger().due(Date.now(), limit);
  await Promise.all(
    due.map(({ eventId, handler }) => safely(() => runOne(eventId, handler, handlers))),
  );
  return { due: due.length };
}

let lastOpportunisticDrain = 0;
/** At most one opportunistic drain per instance this often. */
const OPPORTUNISTIC_DRAIN_MS = 10_000;

/**
 * A drain by an instance handling a request anyway (after its answer): what a dead instance or
 * a late retry left is picked up with no cron, at most once per OPPORTUNISTIC_DRAIN_MS here.
 */
export async function drainOpportunistically(handlers: HandlerMap = webhookHandlers) {
  if (!handlesAny(handlers)) return;
  const now = Date.now();
  if (now - lastOpportunisticDrain < OPPORTUNISTIC_DRAIN_MS) return;
  lastOpportunisticDrain = now;
  await safely(() => drainDue(20, handlers));
}

function handlesAny(handlers: HandlerMap): boolean {
  return Object.values(handlers).some((value) => typeof value === "function");
}

/** Work after the answer never throws into Next: a Redis outage is logged, the drain retries. */
async function safely(work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    console.error(`handlers: ${(error as Error).message}`);
  }
}
