import "server-only";
import { timingSafeEqual } from "node:crypto";
import type { Config } from "../config";
import { HttpError } from "../http";
import type { WebhookEventJson } from "../shared/event-model";
import type { Claim, RunRecord } from "./ledger";
import { drainDue, enqueueRuns, getRunLedger } from "./runner";

/**
 * What the routes call: the webhook's enqueue (a 503 if the ledger is down: LiveKit retries,
 * and the retry, a duplicate for the event log, makes the runs), the cron's drain, and the
 * operator's list and retry.
 */
export async function enqueueForWebhook(event: WebhookEventJson): Promise<Claim[]> {
  try {
    return await enqueueRuns(event);
  } catch (error) {
    throw new HttpError(503, "the handler ledger is unavailable; retry later", {
      headers: { "Retry-After": "1" },
      detail: `handlers: ${(error as Error).message}`,
    });
  }
}

/**
 * Vercel Cron's check, as Vercel documents it: `Authorization: Bearer <CRON_SECRET>`, compared
 * in constant time. Without CRON_SECRET set nobody may drain through the route (401 too).
 */
export function authorizeCron(authorization: string | null, config: Pick<Config, "cronSecret">) {
  const expected = config.cronSecret ? Buffer.from(`Bearer ${config.cronSecret}`) : null;
  const given = Buffer.from(authorization?.trim() ?? "");
  if (!expected) {
    throw new HttpError(401, "the drain route needs CRON_SECRET set on the server", {
      detail: "CRON_SECRET is not set",
    });
  }
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new HttpError(401, "the drain route needs Authorization: Bearer <CRON_SECRET>");
  }
}

export async function drainNow(): Promise<{ due: number }> {
  return unavailableAs503(() => drainDue(100));
}

export async function recentRuns(limit: number): Promise<{ ledger: string; runs: RunRecord[] }> {
  return unavailableAs503(async () => ({
    ledger: getRunLedger().kind,
    runs: await getRunLedger().recent(limit),
  }));
}

/** Makes a failed run pending again (404 unless it is failed); it runs after the answer. */
export async function retryFailedRun(body: Record<string, unknown>) {
  const { eventId, handler } = body;
  if (typeof eventId !== "string" || !eventId || eventId.length > 200) {
    throw new HttpError(400, "eventId must be the run's event id", { field: "eventId" });
  }
  if (typeof handler !== "string" || !handler || handler.length > 100) {
    throw new HttpError(400, "handler must be the run's handler name", { field: "handler" });
  }
  const retried = await unavailableAs503(() => getRunLedger().retry(eventId, handler, Date.now()));
  if (!retried) throw new HttpError(404, "no failed run of that handler for that event id");
  return { eventId, handler };
}

async function unavailableAs503<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(503, "the handler ledger is unavailable; retry later", {
      headers: { "Retry-After": "1" },
      detail: `handlers: ${(error as Error).message}`,
    });
  }
}
