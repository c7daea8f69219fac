import "server-only";
import http from "node:http";
import https from "node:https";
import type { Duplex } from "node:stream";
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from "jose";
import type { TokenAuthConfig } from "./config";
import { HttpError } from "./http";
import { cutToLength, MAX_NAME_LENGTH } from "./shared/limits";

/**
 * Your identity provider's JWTs (OIDC ID tokens or access tokens) as credentials for a LiveKit
 * token: verified against the provider's published keys (JWKS, fetched and cached by jose), its
 * issuer and this app's audience. Asymmetric algorithms only: a token signed with HS256 using a
 * public key as the secret, or with `alg: none`, is refused before any key is looked up.
 */

const ALLOWED_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
];

/** Errors that say the token is bad; any other failure is the provider's (unreachable JWKS). */
const TOKEN_ERRORS = new Set([
  "ERR_JWT_EXPIRED",
  "ERR_JWT_CLAIM_VALIDATION_FAILED",
  "ERR_JWT_INVALID",
  "ERR_JWS_INVALID",
  "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
  "ERR_JOSE_ALG_NOT_ALLOWED",
  "ERR_JOSE_NOT_SUPPORTED",
  "ERR_JWKS_NO_MATCHING_KEY",
  "ERR_JWKS_MULTIPLE_MATCHING_KEYS",
]);

type KeySet = ReturnType<typeof createRemoteJWKSet>;
const keySets = globalThis as typeof globalThis & { __livekitAppJwks?: Map<string, KeySet> };

/**
 * One fetch of the key set, whole (connection, headers, body), within this long: jose's own
 * timeout is the socket's idle time, so a provider (or an attacker on its path) sending a byte
 * every 2 s held a token request for as long as it liked (issue 18).
 */
export const JWKS_DEADLINE_MS = 5000;
/** The most bytes one key-set fetch may bring (a real one is a few KB): a 200 MB one took 660 MB. */
export const JWKS_MAX_BYTES = 1024 * 1024;

/** Ends `socket` once it has lived JWKS_DEADLINE_MS or read JWKS_MAX_BYTES. */
function bound(socket: Duplex): Duplex {
  const timer = setTimeout(
    () => socket.destroy(new Error(`the key set took longer than ${JWKS_DEADLINE_MS} ms`)),
    JWKS_DEADLINE_MS,
  );
  let bytes = 0;
  socket.on("data", (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > JWKS_MAX_BYTES) {
      socket.destroy(new Error(`the key set is larger than ${JWKS_MAX_BYTES} bytes`));
    }
  });
  socket.once("close", () => clearTimeout(timer));
  return socket;
}

/** Agents whose every connection is bounded (no keep-alive: one connection per fetch). */
class BoundedHttpAgent extends http.Agent {
  createConnection(...args: Parameters<http.Agent["createConnection"]>) {
    return bound(super.createConnection(...args) as Duplex) as ReturnType<
      http.Agent["createConnection"]
    >;
  }
}
class BoundedHttpsAgent extends https.Agent {
  createConnection(...args: Parameters<https.Agent["createConnection"]>) {
    return bound(super.createConnection(...args) as Duplex) as ReturnType<
      https.Agent["createConnection"]
    >;
  }
}

/** One cached key set per URL and process, shared by every request. */
function keySet(url: string): KeySet {
  keySets.__livekitAppJwks ??= new Map();
  let set = keySets.__livekitAppJwks.get(url);
  if (!set) {
    const target = new URL(url);
    const agent = target.protocol === "https:" ? new BoundedHttpsAgent() : new BoundedHttpAgent();
    set = createRemoteJWKSet(target, { timeoutDuration: JWKS_DEADLINE_MS, agent });
    keySets.__livekitAppJwks.set(url, set);
  }
  return set;
}

export interface ProviderIdentity {
  /** `sub`: the LiveKit identity. */
  subject: string;
  /** `name`, if the token carries one. */
  name?: string;
  /** The `livekit_rooms` claim (strings; `prefix*` entries), if the token carries one. */
  rooms?: string[];
}

/** The identity a provider's JWT vouches for; 401 if the token is bad, 503 if the keys cannot be had. */
export async function verifyProviderToken(
  credential: string,
  provider: TokenAuthConfig,
): Promise<ProviderIdentity> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(credential, keySet(provider.jwksUrl), {
      algorithms: ALLOWED_ALGORITHMS,
      issuer: provider.issuer,
      audience: provider.audience,
      requiredClaims: ["sub", "exp"],
    }));
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && TOKEN_ERRORS.has(code)) {
      throw new HttpError(
        401,
        code === "ERR_JWT_EXPIRED"
          ? "the credential has expired"
          : "the credential is invalid: not an invite of this server nor a valid token of the configured identity provider",
        { headers: { "WWW-Authenticate": 'Bearer error="invalid_token"' } },
      );
    }
    throw new HttpError(
      503,
      "the identity provider's keys could not be fetched; try again shortly",
      {
        headers: { "Retry-After": "5" },
        detail: `JWKS ${provider.jwksUrl}: ${error instanceof Error ? error.message : String(error)}`,
      },
    );
  }
  const subject = payload.sub!;
  if (subject === "" || subject.length > MAX_NAME_LENGTH) {
    throw new HttpError(401, `the credential's sub must be 1 to ${MAX_NAME_LENGTH} characters`);
  }
  const name =
    typeof payload.name === "string" && payload.name.trim() !== "" ? payload.name : undefined;
  const claimed = payload.livekit_rooms;
  const rooms =
    Array.isArray(claimed) && claimed.every((room) => typeof room === "string")
      ? (claimed as string[])
      : undefined;
  return {
    subject,
    name: name === undefined ? undefined : cutToLength(name, MAX_NAME_LENGTH),
    ...(rooms ? { rooms } : {}),
  };
}

/** Whether `rooms` (a `livekit_rooms` claim) allows `room`: an exact name, or a `prefix*`. */
export function roomAllowed(rooms: readonly string[], room: string): boolean {
  return rooms.some((entry) =>
    entry.endsWith("*") ? room.startsWith(entry.slice(0, -1)) : entry === room,
  );
}
