import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { decodeJwt } from "jose";
import { TokenVerifier } from "livekit-server-sdk";
import type { Config } from "./config";
import { enforceBlockOnJoin } from "./blocks";
import { getEventStore } from "./events";
import type { AppendResult } from "./events/types";
import type { WebhookEventJson } from "./shared/event-model";
import { HttpError, isHttpError, readBodyBytes } from "./http";
import { logWebhookAccepted, logWebhookRefused } from "./webhook-log";

/** LiveKit's events are a few KB; egress events with many files stay far below this. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;
/**
 * livekit-server signs each delivery for 5 minutes. A JWT valid for longer than this is refused,
 * so the in-memory store's replay window (REPLAY_WINDOW_SECONDS) outlasts any JWT it accepts.
 */
export const MAX_WEBHOOK_JWT_SECONDS = 10 * 60;

/** A JWT: three base64url parts. livekit-server sends it bare; a hand-made request may say Bearer. */
const AUTHORIZATION_SHAPE = /^(?:Bearer\s+)?([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)\s*$/i;

/**
 * The webhook's JWT from its `Authorization` header, or a 401, checked before the body is read:
 * a request that cannot be a delivery costs no body read.
 */
export function webhookJwt(authorization: string | null): string {
  if (!authorization?.trim()) {
    throw new HttpError(401, "the Authorization header with the webhook's JWT is missing");
  }
  const match = AUTHORIZATION_SHAPE.exec(authorization.trim());
  if (!match) throw new HttpError(401, "the webhook's Authorization header is not a valid JWT");
  return match[1]!;
}

/** What verification needs: the token-signing pair, and any more webhook pairs (config.ts). */
export type WebhookKeys = Pick<Config, "apiKey" | "apiSecret"> &
  Partial<Pick<Config, "webhookKeys">>;

const verifiers = new Map<string, TokenVerifier>();

function verifierOf(apiKey: string, apiSecret: string): TokenVerifier {
  const key = `${apiKey}\u0000${apiSecret}`;
  let verifier = verifiers.get(key);
  if (!verifier) {
    verifier = new TokenVerifier(apiKey, apiSecret);
    verifiers.set(key, verifier);
  }
  return verifier;
}

/**
 * The verifier of the key the JWT names in `iss` (read unverified, only to pick the secret; the
 * verifier then checks the signature with that secret and that `iss` is that key). A key this
 * server does not know is a 401 naming it, so a rotation that forgot a pair is seen in the log.
 */
function verifierFor(jwt: string, config: WebhookKeys): TokenVerifier {
  let issuer: unknown;
  try {
    issuer = decodeJwt(jwt).iss;
  } catch {
    throw new HttpError(401, "the webhook's Authorization header is not a valid JWT");
  }
  if (typeof issuer !== "string" || !issuer) {
    throw new HttpError(401, "the webhook's JWT names no API key (iss)");
  }
  const secret =
    issuer === config.apiKey ? config.apiSecret : (config.webhookKeys?.get(issuer) ?? null);
  if (secret === null) {
    throw new HttpError(
      401,
      "the webhook's JWT was refused: its API key (iss) is not one this server knows",
      {
        detail: `iss ${JSON.stringify(issuer.slice(0, 64))} is neither LIVEKIT_API_KEY nor in LIVEKIT_WEBHOOK_KEYS`,
      },
    );
  }
  return verifierOf(issuer, secret);
}

type WebhookClaims = Awaited<ReturnType<TokenVerifier["verify"]>>;

/**
 * The part of a webhook's verification that needs no body: livekit-server-sdk's TokenVerifier
 * of the key named in `iss` checks the JWT (signature, issuer = that API key, expiry, with the SDK's clock tolerance), and a
 * JWT valid for longer than a delivery is refused. Any failure is a 401.
 */
export async function verifyWebhookJwt(
  authorization: string | null,
  config: WebhookKeys,
): Promise<WebhookClaims> {
  const jwt = webhookJwt(authorization);
  const verifier = verifierFor(jwt, config);
  let claims: WebhookClaims;
  try {
    claims = await verifier.verify(jwt);
  } catch (error) {
    throw classifyJwtError(error);
  }
  const now = Math.floor(Date.now() / 1000);
  if (typeof claims.exp === "number" && claims.exp - now > MAX_WEBHOOK_JWT_SECONDS) {
    throw new HttpError(401, "the webhook's JWT is valid for too long to be a delivery", {
      detail: `exp is ${claims.exp - now} s ahead`,
    });
  }
  return claims;
}

/**
 * The rest, on the bytes received (livekit-server may or may not put a space after each comma;
 * a body may start with a byte-order mark), hashed as they are, before any decoding: the JWT's
 * `sha256` claim is compared in constant time with the body's (401 if not). A signed body that
 * is not a LiveKit event is a 400. The parsed JSON is kept as sent: int64 values stay strings,
 * unknown fields and types pass through.
 */
function verifyBody(claims: WebhookClaims, rawBody: Uint8Array): WebhookEventJson {
  const expected = typeof claims.sha256 === "string" ? Buffer.from(claims.sha256, "base64") : null;
  const actual = createHash("sha256").update(rawBody).digest();
  if (!expected || expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    throw new HttpError(401, "the body does not match the signature's sha256");
  }
  return parseEvent(rawBody);
}

/** Verifies a webhook exactly as livekit-server signed it; returns the event as plain JSON. */
export async function verifyWebhook(
  rawBody: Uint8Array,
  authorization: string | null,
  config: WebhookKeys,
): Promise<WebhookEventJson> {
  return verifyBody(await verifyWebhookJwt(authorization, config), rawBody);
}

/** The signed body as a LiveKit event (a leading byte-order mark is not part of the JSON). */
function parseEvent(rawBody: Uint8Array): WebhookEventJson {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(rawBody));
  } catch {
    throw new HttpError(400, "the webhook body is not valid JSON");
  }
  const notEvent = (why: string) =>
    new HttpError(400, `the webhook body is not a LiveKit event: ${why}`);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw notEvent("not a JSON object");
  }
  const event = value as Record<string, unknown>;
  if (event.event === undefined || event.event === "") {
    throw new HttpError(400, "the webhook has no event type");
  }
  if (typeof event.event !== "string") throw notEvent("event must be a string");
  if (event.id === undefined || event.id === "")
    throw new HttpError(400, "the webhook has no event id");
  if (typeof event.id !== "string") throw notEvent("id must be a string");
  for (const part of ["room", "participant", "track", "egressInfo", "ingressInfo"]) {
    const inner = event[part];
    if (
      inner !== undefined &&
      (typeof inner !== "object" || inner === null || Array.isArray(inner))
    ) {
      throw notEvent(`${part} must be an object`);
    }
  }
  return event as WebhookEventJson;
}

function classifyJwtError(error: unknown): HttpError {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case "ERR_JWT_EXPIRED":
      return new HttpError(401, "the webhook's JWT has expired");
    case "ERR_JWT_CLAIM_VALIDATION_FAILED":
      return new HttpError(401, `the webhook's JWT was refused: ${message}`);
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
      return new HttpError(401, "the webhook's signature does not match this server's API secret");
    default:
      return new HttpError(401, "the webhook's Authorization header is not a valid JWT");
  }
}

/**
 * Our 503s to livekit-server carry no Retry-After, on purpose. Its notifier (livekit/protocol's
 * webhook package on go-retryablehttp 0.7.8 defaults) retries a 503 up to 4 times, and for a 503
 * or 429 it takes Retry-After as the wait before *each* retry instead of its own 1, 2, 4, 8 s:
 * `Retry-After: 1` squeezed the 5 attempts into 4 s, so a fault of ours longer than that (Redis
 * down, or the app restarting and answering 503 while its store connects) lost the event, where
 * the plain backoff spans 15 s. A longer Retry-After would hold the room's queue instead, and
 * LiveKit drops any event of that room that waited there over 30 s. Both measured against the
 * real server in tests/live/webhook-faults.test.ts; the table is in docs/operations.md.
 */
function retriedByLivekit(error: HttpError): HttpError {
  return new HttpError(error.status, error.message, { detail: error.detail });
}

/**
 * Bodies being read at once, each behind a verified JWT whose sha256 is not yet checked: a
 * replayed JWT (valid for 5 minutes) could otherwise hold many slow uploads. Beyond this, 503,
 * which livekit-server retries after 1, 2, 4, 8 s (no Retry-After: see retriedByLivekit;
 * docs/security.md).
 */
export const MAX_WEBHOOK_UPLOADS_IN_FLIGHT = 64;
let uploadsInFlight = 0;

/**
 * One webhook request, start to end: the JWT verified before a byte of the body is read, then
 * the body read (bounded in bytes, in time, and in how many at once), checked against the JWT's
 * sha256, and appended to the event store (once per LiveKit event id). Each decision is logged
 * once: a refusal (4xx) here, a failure (5xx) by errorResponse.
 */
export async function receiveWebhookRequest(
  request: Request,
  config: WebhookKeys & Pick<Config, "webhookBodyTimeoutMs">,
): Promise<{ event: WebhookEventJson; result: AppendResult }> {
  return logged(async () => {
    const claims = await verifyWebhookJwt(request.headers.get("authorization"), config);
    if (uploadsInFlight >= MAX_WEBHOOK_UPLOADS_IN_FLIGHT) {
      throw new HttpError(503, "too many webhook uploads in progress; retry shortly", {
        detail: `${uploadsInFlight} uploads in flight (MAX_WEBHOOK_UPLOADS_IN_FLIGHT)`,
      });
    }
    uploadsInFlight += 1;
    let rawBody: Uint8Array;
    try {
      rawBody = await readBodyBytes(request, MAX_WEBHOOK_BYTES, config.webhookBodyTimeoutMs);
    } finally {
      uploadsInFlight -= 1;
    }
    return store(verifyBody(claims, rawBody));
  });
}

/** A webhook already in hand (the console's test events): verified and stored the same way. */
export async function receiveWebhook(
  rawBody: Uint8Array,
  authorization: string | null,
  config: WebhookKeys,
): Promise<{ event: WebhookEventJson; result: AppendResult }> {
  return logged(async () => store(await verifyWebhook(rawBody, authorization, config)));
}

async function store(event: WebhookEventJson) {
  let result: AppendResult;
  try {
    result = await getEventStore().append(event);
  } catch (error) {
    // The store's 503 (Redis down) carries the Retry-After meant for event streams; not here.
    if (isHttpError(error) && error.status === 503) throw retriedByLivekit(error);
    throw error;
  }
  logWebhookAccepted(event, result);
  if (result.stored && event.event === "participant_joined") keepBlockedOut(event);
  return { event, result };
}

/** A blocked identity that joined anyway (a token minted before its block) is removed again. */
function keepBlockedOut(event: WebhookEventJson): void {
  const room = (event.room as { name?: unknown } | undefined)?.name;
  const identity = (event.participant as { identity?: unknown } | undefined)?.identity;
  if (typeof room !== "string" || typeof identity !== "string" || !room || !identity) return;
  enforceBlockOnJoin(room, identity).catch((error: unknown) => {
    console.warn(
      `blocks: could not check or remove ${JSON.stringify(identity)} in ${JSON.stringify(room)} on joining (${error instanceof Error ? error.message : String(error)})`,
    );
  });
}

async function logged<T>(receive: () => Promise<T>): Promise<T> {
  try {
    return await receive();
  } catch (error) {
    if (isHttpError(error) && error.status < 500) {
      logWebhookRefused(error.status, error.detail ?? error.message);
    }
    throw error;
  }
}
