/**
 * Sends webhooks as livekit-server does (scripts/livekit-wire.ts): one room's events one at a
 * time and in order, each retried with the same bytes, token and id on a network error, a 429
 * or a 5xx, until a 2xx or 4xx ends it or the deadline passes (livekit-server gives up after
 * about 30 s). Counts every answer so a test can tell injected 503s from real failures.
 */
import http from "node:http";
import { buildWebhookEvent, encodeWireJson, signWebhook } from "@/lib/livekit-wire";
import { EVENT_TYPES } from "@/lib/shared/event-catalogue";
import { TEST_API_KEY, TEST_API_SECRET } from "../../support/keys";

export interface SenderTally {
  /** Distinct events handed to the sender. */
  sent: number;
  /** Events that ended with a 2xx (stored, or a duplicate of a stored retry). */
  accepted: string[];
  /** Events that never got a 2xx before the deadline. */
  abandoned: string[];
  /** Events refused with a 4xx: none is expected from well-formed signed events. */
  refused: { eventId: string; status: number; body: string }[];
  /** Every HTTP status seen, retries included. */
  statuses: Map<number, number>;
  /** Attempts that got no HTTP answer (connection refused or reset). */
  networkErrors: number;
  /** 2xx answers that said the event was a duplicate (a retry of one already stored). */
  duplicateAnswers: number;
}

export function newTally(): SenderTally {
  return {
    sent: 0,
    accepted: [],
    abandoned: [],
    refused: [],
    statuses: new Map(),
    networkErrors: 0,
    duplicateAnswers: 0,
  };
}

/** "200×950 503×12" */
export function formatStatuses(statuses: Map<number, number>): string {
  return [...statuses.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${status}×${count}`)
    .join(" ");
}

/** Answers of 500 or more, but for `allowed` (503 while the store is down is the contract). */
export function count5xx(statuses: Map<number, number>, allowed: number[] = []): number {
  return [...statuses]
    .filter(([status]) => status >= 500 && !allowed.includes(status))
    .reduce((n, [, count]) => n + count, 0);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Kept-alive connections, enough for every room of the load test to have one in flight. */
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/**
 * One POST with livekit-server's headers (as postWebhook in scripts/livekit-wire.ts sends
 * them), over node:http rather than fetch: at 500 a second the sender's own CPU counts.
 */
function post(
  url: string,
  body: string,
  authorization: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: "POST",
        agent,
        headers: {
          Authorization: authorization,
          "Content-Type": "application/webhook+json",
          "User-Agent": "Go-http-client/1.1",
          "Content-Length": Buffer.byteLength(body),
        },
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, text }));
        response.on("error", reject);
      },
    );
    request.setTimeout(30_000, () => request.destroy(new Error("no answer within 30 s")));
    request.on("error", reject);
    request.end(body);
  });
}

export interface DeliverOptions {
  /** Where to post; asked again before each attempt (instances come and go). */
  url: () => string;
  room: string;
  /** Index into LiveKit's event types, so a run cycles through every shape. */
  sequence: number;
  tally: SenderTally;
  deadlineMs?: number;
}

export type Outcome = "accepted" | "refused" | "abandoned";

/** Builds, signs and delivers one event; resolves once it is settled. */
export async function deliverWebhook(
  options: DeliverOptions,
): Promise<{ eventId: string; outcome: Outcome }> {
  const { tally } = options;
  const type = EVENT_TYPES[options.sequence % EVENT_TYPES.length]!;
  const event = buildWebhookEvent(type, { room: options.room, identity: `p${options.sequence}` });
  const eventId = String(event.id);
  const body = encodeWireJson(event, options.sequence % 2 === 1);
  const authorization = signWebhook(body, TEST_API_KEY, TEST_API_SECRET);
  tally.sent += 1;
  const deadline = Date.now() + (options.deadlineMs ?? 30_000);
  let backoff = 50;
  for (;;) {
    let status: number | null = null;
    let text = "";
    try {
      ({ status, text } = await post(options.url(), body, authorization));
    } catch {
      tally.networkErrors += 1;
    }
    if (status !== null) tally.statuses.set(status, (tally.statuses.get(status) ?? 0) + 1);
    if (status !== null && status >= 200 && status < 300) {
      if (text.includes('"duplicate"')) tally.duplicateAnswers += 1;
      tally.accepted.push(eventId);
      return { eventId, outcome: "accepted" };
    }
    if (status !== null && status >= 400 && status < 500 && status !== 429) {
      tally.refused.push({ eventId, status, body: text });
      return { eventId, outcome: "refused" };
    }
    if (Date.now() > deadline) {
      tally.abandoned.push(eventId);
      return { eventId, outcome: "abandoned" };
    }
    await sleep(backoff);
    backoff = Math.min(backoff * 2, 1000);
  }
}
