import "server-only";
import { AccessToken, RoomConfiguration, type VideoGrant } from "livekit-server-sdk";
import type { Config } from "./config";
import { HttpError } from "./http";
import {
  MAX_AGENT_DISPATCHES,
  MAX_ATTRIBUTE_KEY_LENGTH,
  MAX_ATTRIBUTE_VALUE_LENGTH,
  MAX_ATTRIBUTES,
  MAX_METADATA_LENGTH,
  MAX_NAME_LENGTH,
  MAX_ROOM_CONFIG_LENGTH,
  type ClientSettableField,
} from "./shared/limits";

/**
 * Two request dialects reach /api/token: the tutorial servers' `{roomName, participantName}`
 * (answered `200 {token, serverUrl}`), and LiveKit's standard token endpoint, snake_case as every
 * client SDK's `TokenSource.endpoint` sends it (answered `201 {server_url, participant_token}`).
 */
export type Dialect = "tutorial" | "standard";

/** What `POST /api/token` accepts. */
export interface TokenRequest {
  roomName: string;
  participantName: string;
  /** Defaults to participantName, as in the tutorial servers. */
  identity?: string;
  metadata?: string;
}

export { MAX_METADATA_LENGTH, MAX_NAME_LENGTH };
export const MISSING_FIELDS_MESSAGE = "roomName and participantName are required";

const bad = (field: string, message: string) =>
  new HttpError(400, `${field} ${message}`, { field });

function requiredName(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== "string") throw bad(field, `must be a string, got ${describe(value)}`);
  if (value.trim() === "") throw bad(field, "must not be empty or blank");
  if (value.length > MAX_NAME_LENGTH) {
    throw bad(field, `must be at most ${MAX_NAME_LENGTH} characters`);
  }
  return value;
}

function optionalText(body: Record<string, unknown>, field: string, max: number) {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw bad(field, `must be a string, got ${describe(value)}`);
  if (value.length > max) throw bad(field, `must be at most ${max} characters`);
  return value;
}

function optionalName(body: Record<string, unknown>, field: string): string | undefined {
  const value = optionalText(body, field, MAX_NAME_LENGTH);
  if (value !== undefined && value.trim() === "") throw bad(field, "must not be empty or blank");
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
  const identity = optionalName(body, "identity");
  if (identity !== undefined) request.identity = identity;
  const metadata = optionalText(body, "metadata", MAX_METADATA_LENGTH);
  if (metadata !== undefined) request.metadata = metadata;
  return request;
}

/**
 * Every request field once: its name in each dialect (the tutorial dialect has no attributes or
 * room config), and, for fields a client may set only when TOKEN_CLIENT_FIELDS allows, that
 * setting. The dialect check, the answers that name a field and the client-field refusal all
 * read this table, so a field cannot be parsed in one place and forgotten in another.
 */
export const REQUEST_FIELDS: Record<
  keyof Omit<ParticipantRequest, "dialect">,
  { tutorial: string | null; standard: string; clientSetting: ClientSettableField | null }
> = {
  room: { tutorial: "roomName", standard: "room_name", clientSetting: null },
  name: { tutorial: "participantName", standard: "participant_name", clientSetting: null },
  identity: { tutorial: "identity", standard: "participant_identity", clientSetting: null },
  metadata: {
    tutorial: "metadata",
    standard: "participant_metadata",
    clientSetting: "participant_metadata",
  },
  attributes: {
    tutorial: null,
    standard: "participant_attributes",
    clientSetting: "participant_attributes",
  },
  roomConfig: { tutorial: null, standard: "room_config", clientSetting: "room_config" },
};

const fieldsOf = (dialect: Dialect) =>
  Object.values(REQUEST_FIELDS).flatMap((field) => field[dialect] ?? []);
const TUTORIAL_FIELDS = fieldsOf("tutorial");
const STANDARD_FIELDS = fieldsOf("standard");

/**
 * The dialect of a body: tutorial if it has a tutorial field, standard otherwise (`{}` is a valid
 * standard request). A body with fields of both is refused rather than half-read.
 */
export function dialectOf(body: Record<string, unknown>): Dialect {
  const tutorial = TUTORIAL_FIELDS.filter((field) => Object.hasOwn(body, field));
  const standard = STANDARD_FIELDS.filter((field) => Object.hasOwn(body, field));
  if (tutorial.length > 0 && standard.length > 0) {
    throw new HttpError(
      400,
      `the body mixes the tutorial fields (${tutorial.join(", ")}) with LiveKit's standard ` +
        `snake_case fields (${standard.join(", ")}); send one dialect: ` +
        "{roomName, participantName} or {room_name, participant_name, …}",
      { field: standard[0] },
    );
  }
  return tutorial.length > 0 ? "tutorial" : "standard";
}

/** A token request in either dialect, validated and bounded; absent fields stay undefined. */
export interface ParticipantRequest {
  dialect: Dialect;
  room?: string;
  name?: string;
  identity?: string;
  metadata?: string;
  attributes?: Record<string, string>;
  roomConfig?: RoomConfiguration;
}

/** The name of a request field in a dialect, for answers that name the field at fault. */
export function fieldName(dialect: Dialect, key: keyof typeof REQUEST_FIELDS): string {
  return REQUEST_FIELDS[key][dialect] ?? REQUEST_FIELDS[key].standard;
}

/** The tutorial dialect as a ParticipantRequest. */
export function tutorialRequest(request: TokenRequest): ParticipantRequest {
  return {
    dialect: "tutorial",
    room: request.roomName,
    name: request.participantName,
    identity: request.identity,
    metadata: request.metadata,
  };
}

/** Validates a standard (snake_case) body; throws an HttpError(400) naming the field. */
export function parseStandardRequest(body: Record<string, unknown>): ParticipantRequest {
  const request: ParticipantRequest = { dialect: "standard" };
  const room = optionalName(body, "room_name");
  if (room !== undefined) request.room = room;
  const name = optionalName(body, "participant_name");
  if (name !== undefined) request.name = name;
  const identity = optionalName(body, "participant_identity");
  if (identity !== undefined) request.identity = identity;
  const metadata = optionalText(body, "participant_metadata", MAX_METADATA_LENGTH);
  if (metadata !== undefined) request.metadata = metadata;
  const attributes = parseAttributes(body.participant_attributes);
  if (attributes !== undefined) request.attributes = attributes;
  const roomConfig = parseRoomConfig(body.room_config, room);
  if (roomConfig !== undefined) request.roomConfig = roomConfig;
  return request;
}

function parseAttributes(value: unknown): Record<string, string> | undefined {
  const field = "participant_attributes";
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) {
    throw bad(field, `must be an object of string values, got ${describe(value)}`);
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > MAX_ATTRIBUTES) {
    throw bad(field, `must have at most ${MAX_ATTRIBUTES} attributes`);
  }
  for (const [key, item] of entries) {
    if (key === "" || key.length > MAX_ATTRIBUTE_KEY_LENGTH) {
      throw bad(field, `keys must be 1 to ${MAX_ATTRIBUTE_KEY_LENGTH} characters`);
    }
    // LiveKit's own (`lk.publish_on_behalf`, `lk.agent.state`, …): meaning something to the
    // server and to agents, never a client's to set, in any mode.
    if (key.startsWith("lk.")) {
      throw new HttpError(
        403,
        `${field} may not set ${JSON.stringify(key)}: lk.* keys are LiveKit's`,
        {
          field,
        },
      );
    }
    if (typeof item !== "string") {
      throw bad(field, `values must be strings; ${JSON.stringify(key)} is ${describe(item)}`);
    }
    if (item.length > MAX_ATTRIBUTE_VALUE_LENGTH) {
      throw bad(field, `values must be at most ${MAX_ATTRIBUTE_VALUE_LENGTH} characters`);
    }
  }
  // fromEntries defines each key as the object's own, `__proto__` included.
  return Object.fromEntries(entries) as Record<string, string>;
}

function parseRoomConfig(value: unknown, room: string | undefined): RoomConfiguration | undefined {
  const field = "room_config";
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) {
    throw bad(field, `must be an object (a RoomConfiguration), got ${describe(value)}`);
  }
  if (JSON.stringify(value).length > MAX_ROOM_CONFIG_LENGTH) {
    throw bad(field, `must be at most ${MAX_ROOM_CONFIG_LENGTH} characters of JSON`);
  }
  let config: RoomConfiguration;
  try {
    // Unknown fields are ignored, as LiveKit's own endpoints do, so a newer client still joins.
    config = RoomConfiguration.fromJson(value as never, { ignoreUnknownFields: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message.slice(0, 200) : "invalid";
    throw bad(field, `is not a valid RoomConfiguration: ${reason}`);
  }
  if (config.agents.length > MAX_AGENT_DISPATCHES) {
    throw bad(field, `may dispatch at most ${MAX_AGENT_DISPATCHES} agents`);
  }
  for (const agent of config.agents) {
    if (agent.agentName.length > MAX_NAME_LENGTH) {
      throw bad(field, `agent_name must be at most ${MAX_NAME_LENGTH} characters`);
    }
    if (agent.metadata.length > MAX_METADATA_LENGTH) {
      throw bad(field, `agent metadata must be at most ${MAX_METADATA_LENGTH} characters`);
    }
  }
  if (config.name !== "" && config.name !== room) {
    throw bad(field, "name must be absent or equal room_name");
  }
  return config;
}

/** What one participant token carries, as decided by lib/access.ts. */
export interface ParticipantGrant {
  identity: string;
  name: string;
  room: string;
  metadata?: string;
  attributes?: Record<string, string>;
  roomConfig?: RoomConfiguration;
  /** How the holder was let in (lib/blocks matches a block on these): not in the token. */
  via?: { invite?: string; subject?: string };
}

/** A LiveKit access token that lets one participant join one room and publish/subscribe. */
export async function signParticipantToken(
  grant: ParticipantGrant,
  config: Pick<Config, "apiKey" | "apiSecret" | "tokenTtlSeconds">,
): Promise<string> {
  const token = new AccessToken(config.apiKey, config.apiSecret, {
    identity: grant.identity,
    name: grant.name,
    metadata: grant.metadata,
    attributes: grant.attributes,
    ttl: config.tokenTtlSeconds,
  });
  token.addGrant({
    roomJoin: true,
    room: grant.room,
    canPublish: true,
    canSubscribe: true,
    canPublishData: true,
  });
  if (grant.roomConfig) token.roomConfig = grant.roomConfig;
  return token.toJwt();
}

/**
 * A token for the operator side with exactly `grant` (no room join): OPERATOR_GRANT
 * (lib/rooms/operator) for the console, `{roomList: true}` to read every room's events (like
 * `lk token create --list`).
 */
export async function createOperatorToken(
  grant: VideoGrant,
  { identity, ttlSeconds }: { identity: string; ttlSeconds: number },
  config: Pick<Config, "apiKey" | "apiSecret">,
): Promise<string> {
  const token = new AccessToken(config.apiKey, config.apiSecret, { identity, ttl: ttlSeconds });
  token.addGrant({ ...grant });
  return token.toJwt();
}
