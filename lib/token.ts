import "server-only";
import { AccessToken } from "livekit-server-sdk";
import type { Config } from "./config";
import { HttpError } from "./http";

/** What `POST /api/token` accepts. */
export interface TokenRequest {
  roomName: string;
  participantName: string;
  /** Defaults to participantName, as in the tutorial servers. */
  identity?: string;
  metadata?: string;
}

export const MAX_NAME_LENGTH = 128;
export const MAX_METADATA_LENGTH = 4096;
export const MISSING_FIELDS_MESSAGE = "roomName and participantName are required";

function requiredName(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== "string") {
    throw new HttpError(400, `${field} must be a string, got ${describe(value)}`);
  }
  if (value.trim() === "") throw new HttpError(400, `${field} must not be empty or blank`);
  if (value.length > MAX_NAME_LENGTH) {
    throw new HttpError(400, `${field} must be at most ${MAX_NAME_LENGTH} characters`);
  }
  return value;
}

function optionalText(body: Record<string, unknown>, field: string, max: number) {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") {
    throw new HttpError(400, `${field} must be a string, got ${describe(value)}`);
  }
  if (value.length > max) throw new HttpError(400, `${field} must be at most ${max} characters`);
  return value;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** Validates a parsed JSON body; throws an HttpError(400) that says what is wrong. */
export function parseTokenRequest(body: Record<string, unknown>): TokenRequest {
  const has = (field: string) => Object.hasOwn(body, field) && body[field] !== null;
  if (!has("roomName") || !has("participantName")) {
    throw new HttpError(400, MISSING_FIELDS_MESSAGE);
  }
  const request: TokenRequest = {
    roomName: requiredName(body, "roomName"),
    participantName: requiredName(body, "participantName"),
  };
  const identity = optionalText(body, "identity", MAX_NAME_LENGTH);
  if (identity !== undefined) {
    if (identity.trim() === "") throw new HttpError(400, "identity must not be empty or blank");
    request.identity = identity;
  }
  const metadata = optionalText(body, "metadata", MAX_METADATA_LENGTH);
  if (metadata !== undefined) request.metadata = metadata;
  return request;
}

/** A LiveKit access token that lets one participant join one room and publish/subscribe. */
export async function createParticipantToken(
  request: TokenRequest,
  config: Pick<Config, "apiKey" | "apiSecret" | "tokenTtlSeconds">,
): Promise<string> {
  const token = new AccessToken(config.apiKey, config.apiSecret, {
    identity: request.identity ?? request.participantName,
    name: request.participantName,
    metadata: request.metadata,
    ttl: config.tokenTtlSeconds,
  });
  token.addGrant({
    roomJoin: true,
    room: request.roomName,
    canPublish: true,
    canSubscribe: true,
    canPublishData: true,
  });
  return token.toJwt();
}

/**
 * An operator token: `roomList` lets it read every room's event stream (like `lk token create --list`).
 * It grants no room join.
 */
export async function createOperatorToken(
  identity: string,
  ttlSeconds: number,
  config: Pick<Config, "apiKey" | "apiSecret">,
): Promise<string> {
  const token = new AccessToken(config.apiKey, config.apiSecret, { identity, ttl: ttlSeconds });
  token.addGrant({ roomList: true });
  return token.toJwt();
}
