import "server-only";
import type { ClaimGrants, VideoGrant } from "livekit-server-sdk";
import type { Config } from "../config";
import { verifyLivekitCredential } from "../credentials";
import { HttpError } from "../http";

/**
 * Operator credentials: LiveKit access tokens signed with this server's key. Each grant means
 * what it means to LiveKit:
 * - `roomList`: list the rooms (and read every room's events whole);
 * - `roomAdmin` with `room: R`: act on R's participants and metadata; for R only, matched
 *   exactly. A `roomAdmin` naming no room (or "") is for no room, as in LiveKit;
 * - `roomCreate`: create and end rooms (DeleteRoom needs it in LiveKit, not roomAdmin).
 * The operator credential (what `npm run operator-link` mints) is its own explicit set,
 * OPERATOR_GRANT: all three and no room. Only that whole set acts on every room.
 */
export const OPERATOR_GRANT: Readonly<VideoGrant> = Object.freeze({
  roomList: true,
  roomAdmin: true,
  roomCreate: true,
});

/** Whether a grant is the operator credential's whole set (and names no room). */
export function isOperatorGrant(grant: VideoGrant | undefined): boolean {
  return (
    grant?.roomList === true && grant.roomAdmin === true && grant.roomCreate === true && !grant.room
  );
}

export interface OperatorAccess {
  identity: string;
  /** Unix seconds. */
  expiresAt: number;
}

/** What a request needs of the credential. */
export type OperatorNeed =
  /** Reading the rooms. */
  | { grant: "roomList" }
  /** Acting on one room's participants or metadata. */
  | { grant: "roomAdmin"; room: string }
  /** Creating or ending a room. */
  | { grant: "roomCreate" };

export const MISSING_OPERATOR_CREDENTIAL =
  "an operator credential is required: send 'Authorization: Bearer <token>' with a LiveKit token " +
  "that has the roomList grant (`npm run operator-link` prints a console link with one)";

/** Whether `grant` satisfies `need`, LiveKit's meaning of each grant. */
export function grantAllows(grant: VideoGrant | undefined, need: OperatorNeed): boolean {
  if (isOperatorGrant(grant)) return true;
  switch (need.grant) {
    case "roomList":
      return grant?.roomList === true;
    case "roomCreate":
      return grant?.roomCreate === true;
    case "roomAdmin":
      return grant?.roomAdmin === true && !!grant.room && grant.room === need.room;
  }
}

function refusal(grant: VideoGrant | undefined, need: OperatorNeed): string {
  switch (need.grant) {
    case "roomList":
      return "the console needs a token with the roomList grant";
    case "roomCreate":
      return "this action needs a token with the roomCreate grant (LiveKit's DeleteRoom needs it; roomAdmin is not enough)";
    case "roomAdmin":
      if (!grant?.roomAdmin) return "this action needs a token with the roomAdmin grant";
      return grant.room
        ? "the credential's roomAdmin grant is for another room"
        : "the credential's roomAdmin grant names no room, so it is for none (as in LiveKit); use the operator credential of `npm run operator-link`";
  }
}

/** The verified claims of an operator's token: 401 for a missing, forged or expired one. */
export async function verifyOperatorCredential(
  token: string | null,
  config: Pick<Config, "apiKey" | "apiSecret">,
): Promise<ClaimGrants> {
  if (!token) throw new HttpError(401, MISSING_OPERATOR_CREDENTIAL);
  return verifyLivekitCredential(token, config);
}

/** 403 unless the verified claims have the grant needed. */
export function requireGrant(claims: ClaimGrants, need: OperatorNeed): OperatorAccess {
  if (!grantAllows(claims.video, need)) throw new HttpError(403, refusal(claims.video, need));
  return { identity: claims.sub ?? "", expiresAt: Number(claims.exp ?? 0) };
}

/** Both: 401 for a missing, forged or expired token; 403 for one without the grant needed. */
export async function authorizeOperator(
  token: string | null,
  need: OperatorNeed,
  config: Pick<Config, "apiKey" | "apiSecret">,
): Promise<OperatorAccess> {
  return requireGrant(await verifyOperatorCredential(token, config), need);
}
