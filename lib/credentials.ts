import "server-only";
import { createHash } from "node:crypto";
import { TokenVerifier, type ClaimGrants } from "livekit-server-sdk";
import type { Config } from "./config";
import { HttpError } from "./http";

/**
 * LiveKit access tokens presented to this server as credentials (the event stream, the
 * operator's routes): signed with this server's key and secret, read with livekit-server-sdk.
 */

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(authorization: string | null): string | null {
  const match = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
  return match?.[1] ?? null;
}

/** The claims of a LiveKit token signed with this server's key; 401 if missing, forged or expired. */
export async function verifyLivekitCredential(
  token: string | null,
  config: Pick<Config, "apiKey" | "apiSecret">,
): Promise<ClaimGrants> {
  if (!token) {
    throw new HttpError(
      401,
      "a credential is required: send the LiveKit token of the room as 'Authorization: Bearer <token>' or as the 'token' query parameter",
    );
  }
  try {
    return await new TokenVerifier(config.apiKey, config.apiSecret).verify(token, 0);
  } catch {
    throw new HttpError(401, "the credential is invalid or expired");
  }
}

/** What a credential may read of the event log, and until when. */
export interface EventAccess {
  /** `participant`: the room's events without secrets; `operator`: whole (lib/events/redact). */
  audience: "participant" | "operator";
  /** Unix seconds at which the credential expires: an event stream ends then. */
  expiresAt: number;
  /** What the credential means, for the per-credential stream cap: see credentialKey. */
  credential: string;
}

/**
 * The key of a verified credential: the sha256 of its claims (identity, room, grants, jti, times)
 * as signed. Never the token's spelling: the JWT decoder takes many strings for one signature
 * (the last character's spare bits, `=` padding, a trailing space), so a cap keyed on the string
 * was bypassed with respelled copies of one token (issue 18).
 */
export function credentialKey(claims: ClaimGrants): string {
  return createHash("sha256").update(JSON.stringify(claims)).digest("base64url");
}

/**
 * Checks a credential for reading events: a token whose grant is for `room` (a participant), or
 * an operator's: `roomList` for any room and for all rooms (`room` null), or `roomAdmin` for that
 * room. 401 for a missing/invalid/expired token, 403 for a valid one without access.
 */
export async function authorizeEventAccess(
  token: string | null,
  room: string | null,
  config: Pick<Config, "apiKey" | "apiSecret">,
): Promise<EventAccess> {
  const claims = await verifyLivekitCredential(token, config);
  const grant = claims.video;
  // TokenVerifier requires exp; the fallback only satisfies the type.
  const expiresAt = typeof claims.exp === "number" ? claims.exp : Math.floor(Date.now() / 1000);
  const credential = credentialKey(claims);
  if (grant?.roomList) return { audience: "operator", expiresAt, credential };
  if (room === null) {
    throw new HttpError(403, "reading every room's events needs a token with the roomList grant");
  }
  if (grant?.room !== room) {
    throw new HttpError(403, "the credential is not for this room");
  }
  return { audience: grant.roomAdmin ? "operator" : "participant", expiresAt, credential };
}
