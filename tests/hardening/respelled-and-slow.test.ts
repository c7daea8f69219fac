/**
 * Issue 18's shapes the generator of bad-input.test.ts cannot send one request at a time, against
 * the production build: respelled credentials (one valid token in the spellings a JWT decoder
 * reads alike; item 4) held as event streams up to the per-credential cap and sent to the token
 * endpoint, and slow bodies (chunks with pauses, WEBHOOK_BODY_TIMEOUT_MS set low; item 3) to the
 * webhook and the token endpoint. Each answer is the canonical one or a 401 (respelled), the
 * normal one or a 408 (slow); never a 5xx; every webhook answered 2xx is in the log once.
 */
import http from "node:http";
import fc from "fast-check";
import { TokenVerifier } from "livekit-server-sdk";
import { describe, expect, it } from "vitest";
import { createInvite } from "@/lib/invite";
import { buildWebhookEvent, encodeWireJson, signWebhook } from "@/lib/livekit-wire";
import { EVENT_TYPES } from "@/lib/shared/event-catalogue";
import {
  operatorToken,
  roomToken,
  serverForFile,
  TEST_API_KEY,
  TEST_API_SECRET,
} from "../support/fixtures";
import { connectSse, type SseClient } from "../support/sse";
import { expectToken, INVITED_ROOM } from "./support/bad-requests";
import { recordFigures, secondsSince } from "./support/figures";
import { fitsHeader, respell, respellingArb, type Respelling } from "./support/respelled";
import { count5xx, formatStatuses } from "./support/sender";
import { replayLog } from "./support/traffic";

/** The per-credential stream cap of the test server: small, so each run reaches it. */
const CAP = 4;
/** Respelled copies of one fresh token per run: twice the cap. */
const VARIANTS = 2 * CAP;
const STREAM_RUNS = 150;
const TOKEN_RUNS = 120;
/** Low, so a generated pause outlasts it; the pauses go up to 4 times it in all. */
const BODY_TIMEOUT_MS = 400;
const SLOW_WEBHOOKS = 240;
const SLOW_TOKENS = 120;
const PARALLEL = 4;

const count = (statuses: Map<number, number>, status: number) =>
  statuses.set(status, (statuses.get(status) ?? 0) + 1);

const errorMessageOf = (body: string): unknown => {
  try {
    return (JSON.parse(body) as { errorMessage?: unknown }).errorMessage;
  } catch {
    return undefined;
  }
};

const variantArb = fc.record({
  changes: fc.array(respellingArb, { minLength: 1, maxLength: 4 }),
  bearer: fc.boolean(),
});

describe("respelled credentials over HTTP against the production build", () => {
  const server = serverForFile({
    SSE_MAX_STREAMS_PER_CREDENTIAL: String(CAP),
    // One address holds every stream here: the per-client cap is not the one under test.
    SSE_MAX_STREAMS_PER_CLIENT: "0",
    TOKEN_RATE_LIMIT_PER_MINUTE: "0",
  });
  const guarded = serverForFile({ TOKEN_ACCESS: "protected", TOKEN_RATE_LIMIT_PER_MINUTE: "0" });

  it(`holds at most ${CAP} streams for ${STREAM_RUNS} tokens × ${VARIANTS} respellings; each the canonical answer or a 401`, async () => {
    const started = performance.now();
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    const tolerated = new Set<string>();
    let inputs = 0;
    let run = 0;
    let capReached = 0;
    await fc
      .assert(
        fc.asyncProperty(
          fc.array(variantArb, { minLength: VARIANTS, maxLength: VARIANTS }),
          async (variants) => {
            run += 1;
            const room = "respelled";
            const token = await roomToken(room, { identity: `viewer-${run}`, ttlSeconds: 600 });
            const clients: SseClient[] = [];
            let open = 0;
            try {
              for (const { changes, bearer } of variants) {
                const spelled = respell(token, changes);
                const client = await connectSse(server.url, {
                  room,
                  token: spelled,
                  // A header carries no line break: such a spelling goes in the query.
                  bearer: bearer && fitsHeader(spelled),
                  limit: 0,
                });
                clients.push(client);
                inputs += 1;
                count(statuses, client.status);
                const where = `${client.status} for ${JSON.stringify(changes)} (${bearer ? "bearer" : "query"})`;
                if (client.status === 200) {
                  open += 1;
                  if (spelled !== token) tolerated.add(spelled);
                  if (open > CAP)
                    failures.push(`stream ${open} of one credential opened: ${where}`);
                  continue;
                }
                await client.ended;
                const message = errorMessageOf(client.body());
                if (typeof message !== "string" || !message)
                  failures.push(`no errorMessage: ${where}`);
                if (client.status === 429) {
                  // Refused as the same credential: only once that credential holds its cap.
                  if (spelled !== token) tolerated.add(spelled);
                  if (open !== CAP || !/credential/.test(String(message))) {
                    failures.push(`429 with ${open} open: ${where} ${String(message)}`);
                  }
                } else if (client.status !== 401) {
                  failures.push(`neither the canonical answer nor 401: ${where} ${client.body()}`);
                }
              }
              if (open === CAP) capReached += 1;
            } finally {
              clients.forEach((client) => client.close());
            }
            expect(failures).toEqual([]);
          },
        ),
        { numRuns: STREAM_RUNS, endOnFailure: true },
      )
      .finally(() =>
        recordFigures({
          scenario: "respelled: event stream cap",
          inputs,
          unexpected5xx: count5xx(statuses),
          notes: `SSE_MAX_STREAMS_PER_CREDENTIAL=${CAP}, ${VARIANTS} spellings of each of ${run} tokens: statuses ${formatStatuses(statuses)}; ${tolerated.size} distinct respellings read as the token, never more than ${CAP} streams held by one credential (reached in ${capReached} runs)`,
          seconds: secondsSince(started),
        }),
      );
    expect(count5xx(statuses)).toBe(0);
    // The generator reaches the decoder's tolerance and the cap, not only 401s.
    expect(tolerated.size).toBeGreaterThan(STREAM_RUNS);
    expect(capReached).toBeGreaterThan(STREAM_RUNS / 4);
    expect(statuses.get(429) ?? 0).toBeGreaterThan(0);
  });

  it(`gives ${TOKEN_RUNS * PARALLEL} respelled invites the invite's answer or a 401`, async () => {
    const started = performance.now();
    const invite = await createInvite(INVITED_ROOM, 3600, {
      apiKey: TEST_API_KEY,
      apiSecret: TEST_API_SECRET,
    });
    const verifier = new TokenVerifier(TEST_API_KEY, TEST_API_SECRET);
    const body = JSON.stringify({ roomName: INVITED_ROOM, participantName: "respelled" });
    const ask = (credential: string) =>
      fetch(`${guarded.url}/api/token`, {
        method: "POST",
        headers: { Authorization: `Bearer ${credential}`, "Content-Type": "application/json" },
        body,
      });
    const canonical = await ask(invite);
    expect(canonical.status).toBe(200);
    await canonical.body?.cancel();
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    const tolerated = new Set<string>();
    let inputs = 0;
    const headerVariant = fc
      .array(respellingArb, { minLength: 1, maxLength: 4 })
      .map((changes: Respelling[]) => ({ changes, spelled: respell(invite, changes) }))
      .filter(({ spelled }) => fitsHeader(spelled));
    await fc
      .assert(
        fc.asyncProperty(
          fc.array(headerVariant, { minLength: PARALLEL, maxLength: PARALLEL }),
          async (batch) => {
            await Promise.all(
              batch.map(async ({ changes, spelled }) => {
                const response = await ask(spelled);
                inputs += 1;
                count(statuses, response.status);
                const text = await response.text();
                const where = `${response.status} for ${JSON.stringify(changes)}: ${text.slice(0, 120)}`;
                if (response.status === 200) {
                  if (spelled !== invite) tolerated.add(spelled);
                  const claims = await verifier.verify(
                    String((JSON.parse(text) as { token?: string }).token),
                  );
                  if (claims.video?.room !== INVITED_ROOM) failures.push(`other room: ${where}`);
                } else if (response.status !== 401 || typeof errorMessageOf(text) !== "string") {
                  failures.push(`neither the invite's answer nor a 401: ${where}`);
                }
              }),
            );
            expect(failures).toEqual([]);
          },
        ),
        { numRuns: TOKEN_RUNS, endOnFailure: true },
      )
      .finally(() =>
        recordFigures({
          scenario: "respelled: token endpoint",
          inputs,
          unexpected5xx: count5xx(statuses),
          notes: `protected mode, one invite respelled: statuses ${formatStatuses(statuses)}; ${tolerated.size} distinct respellings read as the invite (a token for its room), the rest 401`,
          seconds: secondsSince(started),
        }),
      );
    expect(count5xx(statuses)).toBe(0);
    expect(tolerated.size).toBeGreaterThan(10);
    expect(statuses.get(401) ?? 0).toBeGreaterThan(10);
  });
});

// ---------------------------------------------------------------------------------------------

interface SlowAnswer {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/**
 * POSTs `body` in `chunks` with `pauses` (ms) before each, with a Content-Length or chunked.
 * Resolves with the answer, which may come before the body is all sent (408): the rest of the
 * writes then fail, as an uploader's do when the server closes; or null if the connection was
 * reset before any answer.
 */
function postSlowly(
  baseUrl: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer,
  cuts: number[],
  pauses: number[],
  chunked: boolean,
): Promise<SlowAnswer | null> {
  const url = new URL(path, baseUrl);
  return new Promise((resolve) => {
    let answered = false;
    const request = http.request(
      url,
      {
        method: "POST",
        agent: false,
        headers: chunked ? headers : { ...headers, "Content-Length": String(body.length) },
      },
      (response) => {
        answered = true;
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (text += chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, body: text, headers: response.headers }),
        );
        response.on("error", () =>
          resolve({ status: response.statusCode ?? 0, body: text, headers: response.headers }),
        );
      },
    );
    request.on("error", () => {
      if (!answered) resolve(null);
    });
    const points = [...new Set(cuts.map((at) => Math.floor(at * body.length)))].sort(
      (a, b) => a - b,
    );
    const pieces = [0, ...points, body.length]
      .slice(1)
      .map((end, i, ends) => body.subarray(i === 0 ? 0 : ends[i - 1], end));
    // The headers now: every pause is time the body takes, after the server has the request.
    request.flushHeaders();
    void (async () => {
      for (const [i, piece] of pieces.entries()) {
        await new Promise((wait) => setTimeout(wait, pauses[i] ?? 0));
        if (answered || request.destroyed) return;
        if (piece.length > 0) request.write(piece);
      }
      if (!answered && !request.destroyed) request.end();
    })();
  });
}

/** How a body is sent slowly: where it is cut, the pause before each piece, the framing. */
const slowArb = fc.record({
  // Inside the body (a cut at either end sends it whole): thousandths of its length.
  cuts: fc.array(
    fc.integer({ min: 1, max: 999 }).map((at) => at / 1000),
    { minLength: 1, maxLength: 5 },
  ),
  pauses: fc.array(
    fc.oneof(
      { arbitrary: fc.constant(0), weight: 3 },
      { arbitrary: fc.integer({ min: 1, max: BODY_TIMEOUT_MS / 2 }), weight: 3 },
      { arbitrary: fc.integer({ min: BODY_TIMEOUT_MS, max: BODY_TIMEOUT_MS * 2 }), weight: 1 },
    ),
    { minLength: 6, maxLength: 6 },
  ),
  chunked: fc.boolean(),
});

describe("slow bodies over HTTP against the production build", () => {
  const server = serverForFile({
    WEBHOOK_BODY_TIMEOUT_MS: String(BODY_TIMEOUT_MS),
    TOKEN_RATE_LIMIT_PER_MINUTE: "0",
  });

  it(`answers ${SLOW_WEBHOOKS} slow webhooks 200 or 408, and every one answered 200 is in the log once`, async () => {
    const started = performance.now();
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    const accepted = new Map<string, string[]>();
    const timedOut: { id: string; rawBody: string; authorization: string }[] = [];
    let resets = 0;
    let inputs = 0;
    const webhookArb = fc.record({
      type: fc.constantFrom(...EVENT_TYPES),
      room: fc.constantFrom("slow-a", "slow-b", "slow-c"),
      path: fc.constantFrom("/api/webhook", "/webhook", "/livekit/webhook"),
      slow: slowArb,
    });
    await fc
      .assert(
        fc.asyncProperty(
          fc.array(webhookArb, { minLength: PARALLEL, maxLength: PARALLEL }),
          async (batch) => {
            await Promise.all(
              batch.map(async ({ type, room, path, slow }) => {
                const event = buildWebhookEvent(type, { room });
                const rawBody = encodeWireJson(event);
                const authorization = signWebhook(rawBody, TEST_API_KEY, TEST_API_SECRET);
                const id = String(event.id);
                const answer = await postSlowly(
                  server.url,
                  path,
                  { Authorization: authorization, "Content-Type": "application/webhook+json" },
                  Buffer.from(rawBody),
                  slow.cuts,
                  slow.pauses,
                  slow.chunked,
                );
                inputs += 1;
                if (answer === null) {
                  // Reset before an answer: not accepted; sent again below, as LiveKit retries.
                  resets += 1;
                  timedOut.push({ id, rawBody, authorization });
                  return;
                }
                count(statuses, answer.status);
                const where = `${answer.status} for ${type} ${JSON.stringify(slow)}: ${answer.body.slice(0, 120)}`;
                if (answer.status === 200) {
                  const list = accepted.get(room) ?? [];
                  list.push(id);
                  accepted.set(room, list);
                } else if (answer.status === 408) {
                  if (typeof errorMessageOf(answer.body) !== "string") {
                    failures.push(`408 without errorMessage: ${where}`);
                  }
                  timedOut.push({ id, rawBody, authorization });
                } else {
                  failures.push(`neither 200 nor 408: ${where}`);
                }
              }),
            );
            expect(failures).toEqual([]);
          },
        ),
        { numRuns: SLOW_WEBHOOKS / PARALLEL, endOnFailure: true },
      )
      .catch((error: unknown) => {
        failures.push(String(error));
      });
    // What timed out was not stored: the log holds none of it, then takes it when sent at speed.
    const operator = await operatorToken({ ttlSeconds: 600 });
    const before = await replayLog(server.url, operator, accepted);
    const refusedIds = new Map([["timed out", timedOut.map(({ id }) => id)]]);
    const halfStored = await replayLog(server.url, operator, refusedIds, 2_000);
    for (const { id, rawBody, authorization } of timedOut) {
      const again = await fetch(`${server.url}/api/webhook`, {
        method: "POST",
        headers: { Authorization: authorization, "Content-Type": "application/webhook+json" },
        body: rawBody,
      });
      count(statuses, again.status);
      if (again.status !== 200) failures.push(`resent ${id}: ${again.status}`);
      await again.body?.cancel();
    }
    const all = new Map([...accepted, ["resent", timedOut.map(({ id }) => id)]]);
    const after = await replayLog(server.url, operator, all);
    const acceptedCount = [...accepted.values()].flat().length;
    recordFigures({
      scenario: "slow bodies: webhook",
      inputs,
      sent: inputs,
      accepted: acceptedCount,
      stored: before.stored,
      lost: before.missing + after.missing,
      duplicated: before.duplicated + after.duplicated,
      unexpected5xx: count5xx(statuses),
      notes: `WEBHOOK_BODY_TIMEOUT_MS=${BODY_TIMEOUT_MS}, bodies in up to 6 pieces with pauses up to ${BODY_TIMEOUT_MS * 2} ms: statuses ${formatStatuses(statuses)} (resends included), ${resets} reset before an answer; of the ${timedOut.length} not accepted ${halfStored.stored} were in the log before being sent again at speed, all ${after.stored - before.stored} stored after`,
      seconds: secondsSince(started),
    });
    expect(failures).toEqual([]);
    expect(count5xx(statuses)).toBe(0);
    expect(before).toMatchObject({ missing: 0, duplicated: 0, stored: acceptedCount });
    expect(halfStored.stored).toBe(0);
    expect(after).toMatchObject({ missing: 0, duplicated: 0 });
    // The generator reaches both answers.
    expect(statuses.get(408) ?? 0).toBeGreaterThan(0);
    expect(acceptedCount).toBeGreaterThan(SLOW_WEBHOOKS / 4);
  });

  it(`answers ${SLOW_TOKENS} slow token requests with their normal answer or 408`, async () => {
    const started = performance.now();
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    let inputs = 0;
    const tokenArb = fc.record({
      path: fc.constantFrom("/api/token", "/token"),
      body: fc.constantFrom(
        { roomName: "slow", participantName: "p" },
        { room_name: "slow", participant_name: "p" },
        { roomName: "" },
        { participantName: "p" },
      ),
      slow: slowArb,
    });
    await fc
      .assert(
        fc.asyncProperty(
          fc.array(tokenArb, { minLength: PARALLEL, maxLength: PARALLEL }),
          async (batch) => {
            await Promise.all(
              batch.map(async ({ path, body, slow }) => {
                const bytes = Buffer.from(JSON.stringify(body));
                const expected = expectToken(bytes, path);
                const answer = await postSlowly(
                  server.url,
                  path,
                  { "Content-Type": "application/json" },
                  bytes,
                  slow.cuts,
                  slow.pauses,
                  slow.chunked,
                );
                inputs += 1;
                if (answer === null) {
                  failures.push(`reset before an answer: ${path} ${JSON.stringify(slow)}`);
                  return;
                }
                count(statuses, answer.status);
                const where = `${answer.status} for ${path} ${bytes} ${JSON.stringify(slow)}: ${answer.body.slice(0, 120)}`;
                if (![...expected.statuses, 408].includes(answer.status)) {
                  failures.push(`expected ${expected.statuses.join("/")} or 408: ${where}`);
                }
                if (answer.status >= 400 && typeof errorMessageOf(answer.body) !== "string") {
                  failures.push(`no errorMessage: ${where}`);
                }
              }),
            );
            expect(failures).toEqual([]);
          },
        ),
        { numRuns: SLOW_TOKENS / PARALLEL, endOnFailure: true },
      )
      .finally(() =>
        recordFigures({
          scenario: "slow bodies: token",
          inputs,
          unexpected5xx: count5xx(statuses),
          notes: `bodies in up to 6 pieces with pauses up to ${BODY_TIMEOUT_MS * 2} ms: statuses ${formatStatuses(statuses)}`,
          seconds: secondsSince(started),
        }),
      );
    expect(count5xx(statuses)).toBe(0);
  });
});
