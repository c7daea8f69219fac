/**
 * Bad input, generated: fast-check builds requests for the token and webhook endpoints (and
 * the event stream's credential checks) and sends them over real HTTP to the production build.
 * Every answer must be < 500, every 4xx JSON with an `errorMessage`, and each answer the one
 * the contract gives for that input; the server must still be up at the end.
 */
import fc from "fast-check";
import { TokenVerifier } from "livekit-server-sdk";
import { afterAll, describe, expect, it } from "vitest";
import { createInvite } from "@/lib/invite";
import { roomToken, TEST_API_KEY, TEST_API_SECRET, serverForFile } from "../support/fixtures";
import type { RunningServer } from "../support/server";
import {
  API_HEADERS,
  eventsRequestArb,
  pathRequestArb,
  type PathAnswer,
  type PathExpectation,
  INVITED_ROOM,
  protectedTokenRequestArb,
  tokenRequestArb,
  webhookRequestArb,
  type CredentialKind,
  type expectToken,
  type Generated,
} from "./support/bad-requests";
import { recordFigures, secondsSince } from "./support/figures";
import { credentialLeaks } from "./support/leaks";
import {
  closeRawAgent,
  connectionResets,
  sendRaw,
  type RawRequest,
  type RawResponse,
} from "./support/raw-http";

/** ≥ 10,000 generated requests to the token and webhook endpoints together, as the issue asks. */
const TOKEN_RUNS = 5200;
const WEBHOOK_RUNS = 5200;
const EVENTS_RUNS = 800;
/** Odd spellings of the API's paths: dot segments, percent-encoding, case, slashes, non-ASCII. */
const PATH_RUNS = 2000;
/** Token requests to a protected server, with every kind of credential. */
const PROTECTED_RUNS = 2000;
/** Requests in flight at once: keeps both cores busy without queueing in the server. */
const PARALLEL = 4;

interface Tally {
  requests: number;
  cut: number;
  statuses: Map<number, number>;
  fiveHundreds: string[];
  notJson4xx: string[];
  mismatches: string[];
  tokensVerified: number;
  webhooksStored: number;
  /** Odd paths: answered by the API (JSON, its headers), as a page, or redirected. */
  apiAnswers: number;
  pages: number;
  redirects: number;
  parserRefusals: number;
}

const newTally = (): Tally => ({
  requests: 0,
  cut: 0,
  statuses: new Map(),
  fiveHundreds: [],
  notJson4xx: [],
  mismatches: [],
  tokensVerified: 0,
  webhooksStored: 0,
  apiAnswers: 0,
  pages: 0,
  redirects: 0,
  parserRefusals: 0,
});

function describeRequest(request: RawRequest): string {
  const body =
    request.body.length > 200
      ? `${request.body.length} bytes`
      : JSON.stringify(request.body.toString("utf8"));
  const headers = request.headers
    .map(([n, v]) => `${n}: ${v.length > 80 ? `${v.slice(0, 80)}…` : v}`)
    .join(" | ");
  return `${request.method} ${request.path} [${request.framing}] {${headers}} ${body}`;
}

/** Checks one answer against the rules every answer obeys and the oracle's expectation. */
async function check(
  tally: Tally,
  { request, expectation }: Generated,
  response: RawResponse | null,
  verifyToken: VerifyToken,
): Promise<void> {
  tally.requests += 1;
  if (response === null) {
    tally.cut += 1;
    return;
  }
  const { status } = response;
  tally.statuses.set(status, (tally.statuses.get(status) ?? 0) + 1);
  const where = `${status} for ${describeRequest(request)} → ${response.body.slice(0, 200)}`;
  if (status >= 500) {
    tally.fiveHundreds.push(where);
    throw new Error(`5xx: ${where}`);
  }
  const answer = (expectation as Partial<PathExpectation>).answer;
  if (answer !== undefined) {
    checkPathAnswer(tally, where, response, answer, request.method);
    return;
  }
  if (status >= 400 && request.method !== "HEAD") {
    let errorMessage: unknown;
    try {
      errorMessage = (JSON.parse(response.body) as { errorMessage?: unknown }).errorMessage;
    } catch {
      errorMessage = undefined;
    }
    const jsonType = /^application\/json\b/.test(String(response.headers["content-type"]));
    if (typeof errorMessage !== "string" || errorMessage === "" || !jsonType) {
      tally.notJson4xx.push(where);
      throw new Error(`4xx without a JSON errorMessage: ${where}`);
    }
  }
  if (!expectation.statuses.includes(status)) {
    tally.mismatches.push(`${expectation.why}: ${where}`);
    throw new Error(
      `expected ${expectation.statuses.join("/")} (${expectation.why}), got ${where}`,
    );
  }
  if ((status === 200 || status === 201) && /^\/(api\/)?token/.test(request.path)) {
    const answer = JSON.parse(response.body) as { token?: string; participant_token?: string };
    const token = status === 200 ? answer.token : answer.participant_token;
    await verifyToken(String(token), expectation as ReturnType<typeof expectToken>);
    tally.tokensVerified += 1;
  }
  if (status === 200 && /webhook/.test(request.path) && request.method === "POST") {
    const answer = JSON.parse(response.body) as { id?: string; duplicate?: boolean };
    if (typeof answer.id !== "string" && answer.duplicate !== true) {
      throw new Error(`a 200 for a webhook names neither the stored id nor a duplicate: ${where}`);
    }
    tally.webhooksStored += 1;
  }
}

/**
 * An odd path's answer: a redirect stays on this origin (a path, never `//host`); an API answer
 * is JSON (an `errorMessage` if refused) with the API's security headers; a page is no 5xx.
 */
function checkPathAnswer(
  tally: Tally,
  where: string,
  response: RawResponse,
  answer: PathAnswer,
  method: string,
): void {
  const { status, headers } = response;
  if (answer === "parser") {
    if (status !== 400 || response.body !== "") {
      tally.mismatches.push(`raw non-ASCII path: ${where}`);
      throw new Error(`a raw non-ASCII path not refused by Node's parser (bare 400): ${where}`);
    }
    tally.parserRefusals += 1;
    return;
  }
  if (status >= 300 && status < 400) {
    const location = String(headers.location ?? "");
    if (!/^\/(?![/\\])/.test(location)) {
      tally.mismatches.push(`redirect off this origin: ${where}`);
      throw new Error(`a redirect that leaves this origin (${location}): ${where}`);
    }
    tally.redirects += 1;
    return;
  }
  if (answer === "page") {
    tally.pages += 1;
    if (headers["x-content-type-options"] !== "nosniff") {
      tally.mismatches.push(`page without its headers: ${where}`);
      throw new Error(`a page answer without the page's security headers: ${where}`);
    }
    return;
  }
  const missing = Object.entries(API_HEADERS).filter(([name, value]) => headers[name] !== value);
  const json = /^application\/json\b/.test(String(headers["content-type"]));
  let errorMessage: unknown = "not checked";
  if (status >= 400 && method !== "HEAD") {
    try {
      errorMessage = (JSON.parse(response.body) as { errorMessage?: unknown }).errorMessage;
    } catch {
      errorMessage = undefined;
    }
  }
  // OPTIONS' 204 (the CORS preflight) has no body to type.
  const typed = json || status === 204 || (method === "HEAD" && status < 400);
  if (!typed || typeof errorMessage !== "string" || errorMessage === "") {
    tally.notJson4xx.push(where);
    throw new Error(`an API answer that is not JSON with an errorMessage: ${where}`);
  }
  if (missing.length > 0) {
    tally.mismatches.push(
      `API answer without ${missing.map(([name]) => name).join(", ")}: ${where}`,
    );
    throw new Error(
      `an API answer without the API's headers (${missing.map(([n]) => n)}): ${where}`,
    );
  }
  tally.apiAnswers += 1;
}

type VerifyToken = (token: string, expectation: ReturnType<typeof expectToken>) => Promise<void>;

function formatStatuses(statuses: Map<number, number>): string {
  return [...statuses.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${status}×${count}`)
    .join(" ");
}

describe("bad input over HTTP against the production build", () => {
  // Rate limit off: these are 10,000 requests from one address; the limit has its own test.
  const server = serverForFile({ TOKEN_RATE_LIMIT_PER_MINUTE: "0" });
  const guarded = serverForFile({ TOKEN_RATE_LIMIT_PER_MINUTE: "0", TOKEN_ACCESS: "protected" });
  const verifier = new TokenVerifier(TEST_API_KEY, TEST_API_SECRET);
  /** The token's claims are the request's (README's table: what each caller gets). */
  const verifyTokenAs =
    (invited: boolean): VerifyToken =>
    async (token, { request: fields = {}, dialect }) => {
      const claims = await verifier.verify(token);
      const [room, name, identity, metadata] =
        dialect === "tutorial"
          ? [fields.roomName, fields.participantName, fields.identity, fields.metadata]
          : [
              fields.room_name,
              fields.participant_name,
              fields.participant_identity,
              fields.participant_metadata,
            ];
      const mismatch = (what: string) =>
        new Error(
          `token ${what}: claims ${JSON.stringify(claims)}, request ${JSON.stringify(fields)}`,
        );
      const expectedRoom = invited ? INVITED_ROOM : room;
      if (expectedRoom != null ? claims.video?.room !== expectedRoom : !claims.video?.room) {
        throw mismatch("room");
      }
      if (name != null && claims.name !== name) throw mismatch("name");
      if (invited || identity == null) {
        const base = dialect === "tutorial" && !invited ? name : null;
        if (base != null ? claims.sub !== base : !/-[0-9a-f]{8}$/.test(claims.sub ?? "")) {
          throw mismatch("assigned identity");
        }
      } else if (claims.sub !== identity) {
        throw mismatch("identity");
      }
      if ((metadata || undefined) !== (claims.metadata || undefined)) throw mismatch("metadata");
      const attributes = dialect === "standard" ? fields.participant_attributes : undefined;
      if (
        attributes != null &&
        JSON.stringify(claims.attributes ?? {}) !== JSON.stringify(attributes)
      ) {
        throw mismatch("attributes");
      }
    };

  /** The Authorization header of each kind of credential a protected server's caller may send. */
  async function credentials(): Promise<Record<CredentialKind, string | null>> {
    const keys = { apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, tokenTtlSeconds: 600 };
    const invite = await createInvite(INVITED_ROOM, 3600, keys);
    const realNow = Date.now;
    Date.now = () => realNow() - 2 * 3600_000;
    const expired = await createInvite(INVITED_ROOM, 3600, keys).finally(() => {
      Date.now = realNow;
    });
    const forged = await createInvite(INVITED_ROOM, 3600, { ...keys, apiSecret: "not-ours" });
    const livekit = await roomToken(INVITED_ROOM, { identity: "x", ttlSeconds: 600 });
    return {
      invite: `Bearer ${invite}`,
      "invite-expired": `Bearer ${expired}`,
      "invite-forged": `Bearer ${forged}`,
      "livekit-token": `Bearer ${livekit}`,
      garbage: "Bearer x.y.z",
      empty: "Bearer ",
      none: null,
    };
  }

  afterAll(() => closeRawAgent());

  /** Sends `total` generated requests, `PARALLEL` at a time (each property run is a batch). */
  async function run(
    scenario: string,
    arbitrary: fc.Arbitrary<Generated>,
    total: number,
    target: RunningServer = server,
    verifyToken: VerifyToken = verifyTokenAs(false),
  ) {
    const tally = newTally();
    const started = performance.now();
    const resetsBefore = connectionResets();
    let failure: unknown = null;
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(arbitrary, { minLength: PARALLEL, maxLength: PARALLEL }),
          async (batch) => {
            await Promise.all(
              batch.map(async (generated) => {
                const response = await sendRaw(target.url, generated.request);
                await check(tally, generated, response, verifyToken);
              }),
            );
          },
        ),
        { numRuns: Math.ceil(total / PARALLEL), endOnFailure: true },
      );
    } catch (error) {
      failure = error;
    }
    const alive = target.process.exitCode === null && target.process.signalCode === null;
    const health = alive ? (await fetch(`${target.url}/api/health`)).status : 0;
    recordFigures({
      scenario,
      inputs: tally.requests,
      unexpected5xx: tally.fiveHundreds.length,
      crashes: alive ? 0 : 1,
      notes:
        `statuses ${formatStatuses(tally.statuses)}, ${tally.cut} cut off mid-body, ` +
        `${connectionResets() - resetsBefore} retried after a connection reset, ` +
        `${tally.notJson4xx.length} 4xx without JSON, ${tally.mismatches.length} off-contract` +
        (tally.tokensVerified ? `, ${tally.tokensVerified} tokens verified` : "") +
        (tally.webhooksStored ? `, ${tally.webhooksStored} signed webhooks stored` : "") +
        (tally.apiAnswers + tally.pages
          ? `, ${tally.apiAnswers} API answers (JSON, API headers), ${tally.pages} pages, ${tally.redirects} redirects on this origin, ${tally.parserRefusals} raw non-ASCII paths refused by Node's parser`
          : ""),
      seconds: secondsSince(started),
    });
    if (failure) throw failure;
    expect(tally.fiveHundreds).toEqual([]);
    expect(tally.notJson4xx).toEqual([]);
    expect(tally.mismatches).toEqual([]);
    expect(alive).toBe(true);
    expect(health).toBe(200);
    return tally;
  }

  /** Runs a scenario and checks its generator reached each status more often than `reached` says. */
  async function runReaching(
    scenario: string,
    arbitrary: fc.Arbitrary<Generated>,
    total: number,
    reached: Record<number, number>,
  ) {
    const tally = await run(scenario, arbitrary, total);
    expect(tally.requests).toBe(total);
    for (const [status, moreThan] of Object.entries(reached)) {
      expect(tally.statuses.get(Number(status))).toBeGreaterThan(moreThan);
    }
  }

  // Two dialects' worth of generated bodies, on 2 cores shared with the server: more than the
  // suite's default 5 minutes when the machine is busy.
  it(
    `answers ${TOKEN_RUNS} generated token requests with the contract's status, never a 5xx`,
    { timeout: 600_000 },
    async () => {
      // The generators reach every branch: issued tokens (both dialects), refusals and oversize bodies.
      await runReaching("bad input: token", tokenRequestArb, TOKEN_RUNS, {
        200: 100,
        201: 100,
        400: 100,
        413: 0,
        405: 0,
      });
    },
  );

  it(`answers ${PROTECTED_RUNS} generated token requests with credentials to a protected server by the contract`, async () => {
    const tally = await run(
      "bad input: protected token",
      protectedTokenRequestArb(await credentials()),
      PROTECTED_RUNS,
      guarded,
      verifyTokenAs(true),
    );
    expect(tally.requests).toBe(PROTECTED_RUNS);
    // Issued to invites, refused for other rooms and identities, and for every bad credential.
    for (const status of [200, 201, 400, 401, 403]) {
      expect(tally.statuses.get(status) ?? 0).toBeGreaterThan(10);
    }
    expect(credentialLeaks(guarded.output(), [TEST_API_SECRET])).toEqual([]);
  });

  it(`answers ${WEBHOOK_RUNS} generated webhooks with the contract's status, never a 5xx`, async () => {
    await runReaching("bad input: webhook", webhookRequestArb, WEBHOOK_RUNS, {
      200: 100,
      400: 10,
      401: 100,
      413: 0,
    });
  });

  it(`refuses ${EVENTS_RUNS} generated bad event-stream requests with 4xx JSON`, async () => {
    const token = await roomToken("room-1", { identity: "viewer", ttlSeconds: 600 });
    const tally = await run("bad input: event stream", eventsRequestArb(token), EVENTS_RUNS);
    expect(tally.requests).toBe(EVENTS_RUNS);
  });

  it(`answers ${PATH_RUNS} odd paths under /api and the historic paths with JSON or a redirect, never a 5xx or HTML`, async () => {
    const tally = await run("bad input: paths", pathRequestArb, PATH_RUNS);
    expect(tally.requests).toBe(PATH_RUNS);
    // The generator reaches all three: API answers, pages (dot segments out of /api), redirects.
    expect(tally.apiAnswers).toBeGreaterThan(100);
    expect(tally.pages).toBeGreaterThan(10);
    expect(tally.redirects).toBeGreaterThan(10);
  });

  it("has 10,000 or more generated requests to token and webhook, and logged no credential", () => {
    expect(TOKEN_RUNS + WEBHOOK_RUNS).toBeGreaterThanOrEqual(10_000);
    expect(credentialLeaks(server.output(), [TEST_API_SECRET])).toEqual([]);
  });
});
