/**
 * Bad input, generated: fast-check builds requests for the token and webhook endpoints (and
 * the event stream's credential checks) and sends them over real HTTP to the production build.
 * Every answer must be < 500, every 4xx JSON with an `errorMessage`, and each answer the one
 * the contract gives for that input; the server must still be up at the end.
 */
import fc from "fast-check";
import { TokenVerifier } from "livekit-server-sdk";
import { afterAll, describe, expect, it } from "vitest";
import { roomToken, TEST_API_KEY, TEST_API_SECRET, serverForFile } from "../support/fixtures";
import {
  eventsRequestArb,
  tokenRequestArb,
  webhookRequestArb,
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
  verifyToken: (token: string, request: Record<string, unknown>) => Promise<void>,
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
  if (status === 200 && /^\/(api\/)?token/.test(request.path)) {
    const { token } = JSON.parse(response.body) as { token: string };
    await verifyToken(token, (expectation as ReturnType<typeof expectToken>).request ?? {});
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

function formatStatuses(statuses: Map<number, number>): string {
  return [...statuses.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${status}×${count}`)
    .join(" ");
}

describe("bad input over HTTP against the production build", () => {
  // Rate limit off: these are 10,000 requests from one address; the limit has its own test.
  const server = serverForFile({ TOKEN_RATE_LIMIT_PER_MINUTE: "0" });
  const verifier = new TokenVerifier(TEST_API_KEY, TEST_API_SECRET);
  const verifyToken = async (token: string, fields: Record<string, unknown>) => {
    const claims = await verifier.verify(token);
    const identity = fields.identity ?? fields.participantName;
    if (
      claims.sub !== identity ||
      claims.video?.room !== fields.roomName ||
      claims.name !== fields.participantName
    ) {
      throw new Error(
        `token claims ${JSON.stringify(claims)} do not match the request ${JSON.stringify(fields)}`,
      );
    }
    if ((fields.metadata || undefined) !== (claims.metadata || undefined)) {
      throw new Error(`token metadata ${JSON.stringify(claims.metadata)} is not the request's`);
    }
  };

  afterAll(() => closeRawAgent());

  /** Sends `total` generated requests, `PARALLEL` at a time (each property run is a batch). */
  async function run(scenario: string, arbitrary: fc.Arbitrary<Generated>, total: number) {
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
                const response = await sendRaw(server.url, generated.request);
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
    const alive = server.process.exitCode === null && server.process.signalCode === null;
    const health = alive ? (await fetch(`${server.url}/api/health`)).status : 0;
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
        (tally.webhooksStored ? `, ${tally.webhooksStored} signed webhooks stored` : ""),
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

  it(`answers ${TOKEN_RUNS} generated token requests with the contract's status, never a 5xx`, async () => {
    // The generators reach every branch: issued tokens, refusals and oversize bodies.
    await runReaching("bad input: token", tokenRequestArb, TOKEN_RUNS, {
      200: 100,
      400: 100,
      413: 0,
      405: 0,
    });
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

  it("has 10,000 or more generated requests to token and webhook, and logged no credential", () => {
    expect(TOKEN_RUNS + WEBHOOK_RUNS).toBeGreaterThanOrEqual(10_000);
    expect(credentialLeaks(server.output(), [TEST_API_SECRET])).toEqual([]);
  });
});
