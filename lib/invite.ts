import "server-only";
import { hkdfSync, randomUUID } from "node:crypto";
import { decodeProtectedHeader, jwtVerify, SignJWT } from "jose";
import type { Config } from "./config";
import { HttpError } from "./http";
import { MAX_NAME_LENGTH } from "./shared/limits";

/**
 * Invites: join links for people, made by `npm run invite`. An invite is a JWT that names one room
 * and expires, signed by this server with a key derived from the API secret (HKDF, its own info
 * string), never with the secret itself, and typed and addressed as an invite: LiveKit refuses it
 * (wrong key), and this server refuses a LiveKit token as an invite (wrong key, type, audience).
 */

export const INVITE_TYPE = "livekit-app-invite+jwt";
export const INVITE_AUDIENCE = "livekit-app-server/invite";
const INVITE_KEY_INFO = "livekit-app-server invite signing key v1";
export const DEFAULT_INVITE_SECONDS = 24 * 60 * 60;
export const MAX_INVITE_SECONDS = 365 * 24 * 60 * 60;

export interface Invite {
  room: string;
  /** Unix seconds. */
  expiresAt: number;
  /** The invite's id (jti): what a block of an invitee names. */
  id?: string;
}

function inviteKey(apiSecret: string): Uint8Array {
  return new Uint8Array(hkdfSync("sha256", apiSecret, new Uint8Array(0), INVITE_KEY_INFO, 32));
}

/** Signs an invite to `room`, valid for `seconds`. */
export async function createInvite(
  room: string,
  seconds: number,
  config: Pick<Config, "apiKey" | "apiSecret">,
): Promise<string> {
  if (room.trim() === "" || room.length > MAX_NAME_LENGTH) {
    throw new Error(`the room name must be 1 to ${MAX_NAME_LENGTH} characters`);
  }
  if (!Number.isInteger(seconds) || seconds < 60 || seconds > MAX_INVITE_SECONDS) {
    throw new Error(`an invite lasts from one minute to ${MAX_INVITE_SECONDS / 86400} days`);
  }
  return new SignJWT({ room })
    .setProtectedHeader({ alg: "HS256", typ: INVITE_TYPE })
    .setIssuer(config.apiKey)
    .setAudience(INVITE_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + seconds)
    .setJti(randomUUID())
    .sign(inviteKey(config.apiSecret));
}

/** Whether a credential claims to be an invite (its header's type); says nothing of its validity. */
export function looksLikeInvite(credential: string): boolean {
  try {
    return decodeProtectedHeader(credential).typ === INVITE_TYPE;
  } catch {
    return false;
  }
}

/** The invite's room and expiry; 401 if it is not an invite signed by this server, or expired. */
export async function verifyInvite(
  credential: string,
  config: Pick<Config, "apiKey" | "apiSecret">,
): Promise<Invite> {
  try {
    const { payload } = await jwtVerify(credential, inviteKey(config.apiSecret), {
      algorithms: ["HS256"],
      typ: INVITE_TYPE,
      audience: INVITE_AUDIENCE,
      issuer: config.apiKey,
      requiredClaims: ["exp", "room"],
    });
    const room = payload.room;
    if (typeof room !== "string" || room === "" || room.length > MAX_NAME_LENGTH) throw new Error();
    return {
      room,
      expiresAt: payload.exp!,
      ...(typeof payload.jti === "string" && payload.jti ? { id: payload.jti } : {}),
    };
  } catch (error) {
    const expired = (error as { code?: unknown }).code === "ERR_JWT_EXPIRED";
    throw new HttpError(
      401,
      expired
        ? "the invite has expired: ask the host for a new link"
        : "the invite is invalid: it was not made by this server",
      { headers: { "WWW-Authenticate": 'Bearer error="invalid_token"' } },
    );
  }
}
