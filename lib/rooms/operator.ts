import "server-only";
import type { Config } from "../config";
import { verifyLivekitCredential } from "../credentials";
import { HttpError } from "../http";

/**
 * Operator credentials: LiveKit access tokens signed with this server's key, as `lk` makes them.
 * Reading the rooms needs `roomList`; an action on a room (remove a participant, end the room,
 * send it a test event) needs `roomAdmin` for that room. A roomAdmin grant that names a room is
 * for that room only, matched exactly (LiveKit has no room patterns); one that names no room is
 * for every room, which is what `npm run operator-link` issues.
 */

export interface OperatorAccess {
  identity: string;
  /** Unix seconds. */
  expiresAt: number;
}

export interface OperatorNeed {
  /** The room acted on; required with `admin`. */
  room?: string;
  /** An action (roomAdmin) rather than reading (roomList). */
  admin?: boolean;
}

export const MISSING_OPERATOR_CREDENTIAL =
  "an operator credential is required: send 'Authorization: Bearer <token>' with a LiveKit token " +
  "that has the roomList grant (`npm run operator-link` prints a console link with one)";

/** 401 for a missing, forged or expired token; 403 for a valid one without the grant needed. */
export async function authorizeOperator(
  token: string | null,
  need: OperatorNeed,
  config: Pick<Config, "apiKey" | "apiSecret">,
): Promise<OperatorAccess> {
  if (!token) throw new HttpError(401, MISSING_OPERATOR_CREDENTIAL);
  const claims = await verifyLivekitCredential(token, config);
  const grant = claims.video;
  if (need.admin) {
    if (!grant?.roomAdmin) {
      throw new HttpError(403, "this action needs a token with the roomAdmin grant");
    }
    if (grant.room && grant.room !== need.room) {
      throw new HttpError(403, "the credential's roomAdmin grant is for another room");
    }
  } else if (!grant?.roomList) {
    throw new HttpError(403, "the console needs a token with the roomList grant");
  }
  return { identity: claims.sub ?? "", expiresAt: Number(claims.exp ?? 0) };
}
