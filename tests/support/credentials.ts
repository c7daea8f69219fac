/** LiveKit tokens minted with the test keys, as the event stream and health read them. */
import { AccessToken } from "livekit-server-sdk";
import { TEST_API_KEY, TEST_API_SECRET } from "./server";

/** An operator's credential: the roomList grant (every room, events whole). */
export async function operatorToken(ttlSeconds = 600): Promise<string> {
  const token = new AccessToken(TEST_API_KEY, TEST_API_SECRET, {
    identity: "operator",
    ttl: ttlSeconds,
  });
  token.addGrant({ roomList: true });
  return token.toJwt();
}

/** A room admin's credential: an operator of that room only. */
export async function roomAdminToken(room: string, ttlSeconds = 600): Promise<string> {
  const token = new AccessToken(TEST_API_KEY, TEST_API_SECRET, {
    identity: "admin",
    ttl: ttlSeconds,
  });
  token.addGrant({ roomJoin: true, roomAdmin: true, room });
  return token.toJwt();
}

/** A participant's credential for `room`, with the lifetime the test needs. */
export async function participantToken(
  room: string,
  ttlSeconds = 600,
  identity = "viewer",
): Promise<string> {
  const token = new AccessToken(TEST_API_KEY, TEST_API_SECRET, { identity, ttl: ttlSeconds });
  token.addGrant({ roomJoin: true, room });
  return token.toJwt();
}

export interface OperatorHealth {
  ok: boolean;
  store: { kind: string; ok: boolean; events: number; subscribers: number };
  rateLimit: { windows: number };
}

/** /api/health as an operator sees it (with the counts). */
export async function operatorHealth(url: string): Promise<OperatorHealth> {
  const response = await fetch(`${url}/api/health`, {
    headers: { Authorization: `Bearer ${await operatorToken()}` },
  });
  return (await response.json()) as OperatorHealth;
}
