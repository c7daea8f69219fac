import "server-only";
import { randomBytes } from "node:crypto";
import type { Config } from "./config";
import { bearerToken } from "./credentials";
import { HttpError } from "./http";
import { roomAllowed, verifyProviderToken } from "./identity-provider";
import { looksLikeInvite, verifyInvite } from "./invite";
import { newIdentity } from "./shared/identity";
import { fieldName, REQUEST_FIELDS, type ParticipantGrant, type ParticipantRequest } from "./token";

/**
 * Who may get a token, for which room, under which identity: the one place that decides
 * (TOKEN_ACCESS). A request's headers and its parsed body come in; the token's identity, name,
 * room and options come out, or a 401/403/503 HttpError. To plug in a scheme of your own (a
 * session cookie, an API key), change `authenticate` below.
 *
 * | TOKEN_ACCESS | credential          | room                      | identity                    |
 * |--------------|---------------------|---------------------------|-----------------------------|
 * | open         | none                | the body's, or a new one  | the body's, or a new one    |
 * | protected    | invite              | the invite's only         | assigned, unique per join   |
 * | protected    | provider JWT        | the body's, or a new one  | the JWT's `sub`             |
 */

type Credential =
  | { kind: "anyone" }
  | { kind: "invite"; room: string; id?: string }
  | { kind: "provider"; subject: string; name?: string; rooms?: string[] };

type AccessConfig = Pick<
  Config,
  "apiKey" | "apiSecret" | "tokenAccess" | "tokenClientFields" | "tokenInvites" | "tokenAuth"
>;

const unauthorized = (message: string) =>
  new HttpError(401, message, { headers: { "WWW-Authenticate": "Bearer" } });

async function authenticate(headers: Headers, config: AccessConfig): Promise<Credential> {
  if (config.tokenAccess === "open") return { kind: "anyone" };
  const credential = bearerToken(headers.get("authorization"));
  if (!credential) {
    throw unauthorized(
      "this server gives tokens only to holders of a credential: send 'Authorization: Bearer <invite or identity-provider token>'",
    );
  }
  if (config.tokenInvites && looksLikeInvite(credential)) {
    const invite = await verifyInvite(credential, config);
    return { kind: "invite", room: invite.room, id: invite.id };
  }
  if (config.tokenAuth) {
    return { kind: "provider", ...(await verifyProviderToken(credential, config.tokenAuth)) };
  }
  throw new HttpError(401, "the credential is invalid: it is not an invite made by this server", {
    headers: { "WWW-Authenticate": 'Bearer error="invalid_token"' },
  });
}

function refuseUnsettableFields(request: ParticipantRequest, config: AccessConfig): void {
  for (const [key, { clientSetting }] of Object.entries(REQUEST_FIELDS) as [
    keyof typeof REQUEST_FIELDS,
    (typeof REQUEST_FIELDS)[keyof typeof REQUEST_FIELDS],
  ][]) {
    if (clientSetting === null) continue;
    if (request[key] === undefined || config.tokenClientFields.has(clientSetting)) continue;
    const field = fieldName(request.dialect, key);
    throw new HttpError(
      403,
      `${field} may not be set by clients of this server (TOKEN_CLIENT_FIELDS allows: ${
        [...config.tokenClientFields].join(", ") || "none"
      })`,
      { field },
    );
  }
}

function randomHex(bytes = 4): string {
  return randomBytes(bytes).toString("hex");
}

/** A new identity from a display name, by the page's rule (lib/shared/identity). */
function uniqueIdentity(name: string | undefined, fallback: string): string {
  return newIdentity(name?.trim() || fallback);
}

/** Decides what token, if any, `request` gets. */
export async function decideAccess(
  headers: Headers,
  request: ParticipantRequest,
  config: AccessConfig,
): Promise<ParticipantGrant> {
  const credential = await authenticate(headers, config);
  refuseUnsettableFields(request, config);
  const options = {
    metadata: request.metadata,
    attributes: request.attributes,
    roomConfig: request.roomConfig,
  };

  switch (credential.kind) {
    case "anyone": {
      const room = request.room ?? `room-${randomHex(6)}`;
      // The tutorials' contract: identity defaults to the participant name.
      const identity =
        request.identity ??
        (request.dialect === "tutorial" ? request.name : undefined) ??
        uniqueIdentity(request.name, "participant");
      return { identity, name: request.name ?? identity, room, ...options };
    }
    case "invite": {
      if (request.room !== undefined && request.room !== credential.room) {
        throw new HttpError(403, "the invite is for another room", {
          field: fieldName(request.dialect, "room"),
        });
      }
      if (request.identity !== undefined) {
        throw new HttpError(
          403,
          "an invite's holder cannot choose an identity: the server assigns one to each join",
          { field: fieldName(request.dialect, "identity") },
        );
      }
      const name = request.name ?? "Guest";
      return {
        identity: uniqueIdentity(name, "guest"),
        name,
        room: credential.room,
        ...options,
        ...(credential.id ? { via: { invite: credential.id } } : {}),
      };
    }
    case "provider": {
      if (request.identity !== undefined && request.identity !== credential.subject) {
        throw new HttpError(403, "the identity must be the credential's subject (sub)", {
          field: fieldName(request.dialect, "identity"),
        });
      }
      return {
        identity: credential.subject,
        name: request.name ?? credential.name ?? credential.subject,
        room: providerRoom(
          request.room,
          credential.rooms,
          config,
          fieldName(request.dialect, "room"),
        ),
        ...options,
        via: { subject: credential.subject },
      };
    }
  }
}

/**
 * The room a provider's user gets (TOKEN_AUTH_ROOMS): with `any`, the body's or a new one; with
 * `claim` (the default), one its JWT's `livekit_rooms` allows: the body's if listed, else the
 * claim's one exact room. 403 naming the field otherwise: a user of the provider may not reach
 * an invite-only room, or its events, just by naming it.
 */
function providerRoom(
  requested: string | undefined,
  rooms: string[] | undefined,
  config: AccessConfig,
  field: string,
): string {
  if (config.tokenAuth?.rooms === "any") return requested ?? `room-${randomHex(6)}`;
  const listed = rooms ?? [];
  if (requested !== undefined) {
    if (roomAllowed(listed, requested)) return requested;
    throw new HttpError(
      403,
      rooms === undefined
        ? "the identity provider's token lists no room (livekit_rooms claim); TOKEN_AUTH_ROOMS=claim"
        : "the identity provider's token does not list this room (livekit_rooms claim)",
      { field },
    );
  }
  const exact = listed.filter((entry) => !entry.endsWith("*"));
  if (exact.length === 1) return exact[0]!;
  throw new HttpError(
    rooms === undefined ? 403 : 400,
    rooms === undefined
      ? "the identity provider's token lists no room (livekit_rooms claim); TOKEN_AUTH_ROOMS=claim"
      : "name the room: the identity provider's token allows more than one",
    { field },
  );
}
