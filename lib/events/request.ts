import "server-only";
import type { Config } from "../config";
import { HttpError, type HeaderGetter } from "../http";
import { authorizeEventAccess, bearerToken } from "../credentials";
import { isEventId } from "../shared/event-ids";
import type { Audience } from "./types";

/** The most history one request may ask for with `limit`. */
export const MAX_LIMIT = 1000;

export interface EventStreamRequest {
  room: string | null;
  lastEventId: string | null;
  limit: number;
  audience: Audience;
  /** Unix seconds at which the credential expires. */
  expiresAt: number;
  /** What the credential means (lib/credentials credentialKey), for the per-credential stream cap. */
  credential: string;
}

/**
 * What a `GET /api/events` asks for, once its credential allows it: `?room=` with that room's
 * token (Bearer or `token`), or every room with a roomList token; resume after `Last-Event-ID`
 * (or `lastEventId`); `limit` events of history otherwise. Throws HttpError 400/401/403.
 */
export async function parseEventStreamRequest(
  params: URLSearchParams,
  header: HeaderGetter,
  config: Pick<Config, "apiKey" | "apiSecret">,
): Promise<EventStreamRequest> {
  const room = params.get("room") || null;
  const token = bearerToken(header("authorization")) ?? (params.get("token") || null);
  const access = await authorizeEventAccess(token, room, config);

  const lastEventId = header("last-event-id") || params.get("lastEventId") || null;
  if (lastEventId !== null && !isEventId(lastEventId)) {
    throw new HttpError(400, "Last-Event-ID must be an event id like 1761100000000-0", {
      field: "lastEventId",
    });
  }
  const limitText = params.get("limit") ?? "100";
  const limit = Number(limitText);
  if (!/^\d+$/.test(limitText) || limit > MAX_LIMIT) {
    throw new HttpError(400, `limit must be a whole number from 0 to ${MAX_LIMIT}`, {
      field: "limit",
    });
  }
  return { room, lastEventId, limit, ...access };
}
