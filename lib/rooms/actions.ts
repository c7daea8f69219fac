import "server-only";
import type { Config } from "../config";
import { getBlockStore, type Block } from "../blocks";
import { HttpError, isHttpError } from "../http";
import { MAX_METADATA_LENGTH, MAX_NAME_LENGTH } from "../shared/limits";
import {
  createDispatch,
  deleteDispatch,
  deleteRoom,
  listDispatches,
  mutePublishedTrack,
  removeParticipant,
  updateParticipant,
  updateRoomMetadata,
  type ParticipantUpdate,
} from "./livekit-api";
import type { OperatorNeed } from "./operator";

/**
 * The operator's actions on LiveKit, all through one route (`POST /api/rooms/actions`) with
 * `{action, room, identity?, ...args}` in a JSON body: a room name or identity is data, never a
 * path segment, so none can change which route or which LiveKit call an action reaches (a
 * participant named `..` once ended its room through a collapsed dot segment).
 *
 * Each verb says the grant it needs (LiveKit's meaning: lib/rooms/operator), how its arguments
 * are read (a 400 with the `field` at fault), the one room-API call it makes, and the answer.
 * To add a verb, add an entry here; the route and the console helper stay as they are.
 */

type Body = Record<string, unknown>;
type ApiConfig = Parameters<typeof removeParticipant>[0];

/** Who acts: the operator credential's identity (a block records it). */
export interface ActionContext {
  operator: string;
}

/** What a verb's answer carries besides `action`, `room` and `message`: LiveKit's answer. */
type Result = Record<string, unknown>;

export interface RoomActionSpec<Args, Out extends Result = Result> {
  /** The credential's grant this verb needs for `room`. */
  need: (room: string) => OperatorNeed;
  /** The verb's own arguments from the body (room already read); throws a 400 with the field. */
  parse: (body: Body) => Args;
  /** The LiveKit call; what it answers goes into the answer. */
  run: (config: ApiConfig, room: string, args: Args, context: ActionContext) => Promise<Out | void>;
  /** The answer's fields besides `action`, `room` and `message`. */
  echo?: (args: Args) => Record<string, unknown>;
  /** LiveKit's word, as the console shows it. */
  message: (room: string, args: Args, result: Out) => string;
}

const bad = (field: string, message: string) =>
  new HttpError(400, `${field} ${message}`, { field });

/** A room name or identity: a non-blank string of at most MAX_NAME_LENGTH characters. */
export function requiredName(body: Body, field: string): string {
  const value = body[field];
  if (typeof value !== "string") throw bad(field, "must be a string");
  if (value.trim() === "") throw bad(field, "must not be empty or blank");
  if (value.length > MAX_NAME_LENGTH) {
    throw bad(field, `must be at most ${MAX_NAME_LENGTH} characters`);
  }
  return value;
}

/** A string of at most `max` characters (may be empty); undefined when absent. */
export function optionalText(body: Body, field: string, max: number): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw bad(field, "must be a string");
  if (value.length > max) throw bad(field, `must be at most ${max} characters`);
  return value;
}

function requiredBoolean(body: Body, field: string): boolean {
  const value = body[field];
  if (typeof value !== "boolean") throw bad(field, "must be true or false");
  return value;
}

/** The sources LiveKit's canPublishSources takes (TrackSource names). */
export const PUBLISH_SOURCES = ["CAMERA", "MICROPHONE", "SCREEN_SHARE", "SCREEN_SHARE_AUDIO"];
const PERMISSION_FLAGS = ["canPublish", "canSubscribe", "canPublishData"] as const;

/** `permission`: any of the three flags (booleans) and canPublishSources; nothing else. */
function parsePermission(value: unknown): ParticipantUpdate["permission"] {
  const field = "permission";
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw bad(field, "must be an object");
  }
  const given = value as Body;
  const permission: NonNullable<ParticipantUpdate["permission"]> = {};
  for (const key of Object.keys(given)) {
    if (key === "canPublishSources") {
      const sources = given[key];
      if (
        !Array.isArray(sources) ||
        sources.some((s) => typeof s !== "string" || !PUBLISH_SOURCES.includes(s))
      ) {
        throw bad(`${field}.${key}`, `must be a list of ${PUBLISH_SOURCES.join(", ")}`);
      }
      permission.canPublishSources = [...new Set(sources as string[])];
    } else if ((PERMISSION_FLAGS as readonly string[]).includes(key)) {
      const flag = given[key];
      if (typeof flag !== "boolean") throw bad(`${field}.${key}`, "must be true or false");
      permission[key as (typeof PERMISSION_FLAGS)[number]] = flag;
    } else {
      throw bad(
        `${field}.${key}`,
        `is not a permission an operator sets here (${[...PERMISSION_FLAGS, "canPublishSources"].join(", ")})`,
      );
    }
  }
  if (Object.keys(permission).length === 0) throw bad(field, "must change at least one field");
  return permission;
}

/** Declares a verb with its argument type checked against its own parse. */
const action = <Args, Out extends Result = Result>(
  spec: RoomActionSpec<Args, Out>,
): RoomActionSpec<unknown> => spec as unknown as RoomActionSpec<unknown>;

/** Acting on one room's participants, metadata or dispatches: roomAdmin for that room. */
const roomAdmin = (room: string): OperatorNeed => ({ grant: "roomAdmin", room });

const describePermission = (p: NonNullable<ParticipantUpdate["permission"]>) =>
  Object.entries(p)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join("+") || "all" : value}`)
    .join(", ");

export const ROOM_ACTIONS: Readonly<Record<string, RoomActionSpec<unknown>>> = {
  "remove-participant": action({
    need: roomAdmin,
    parse: (body) => ({ identity: requiredName(body, "identity") }),
    run: (config, room, { identity }) => removeParticipant(config, room, identity),
    echo: ({ identity }) => ({ identity }),
    message: (room, { identity }) =>
      `LiveKit removed ${identity} from ${room} (RemoveParticipant answered OK)`,
  }),
  "delete-room": action({
    need: () => ({ grant: "roomCreate" }),
    parse: () => ({}),
    run: (config, room) => deleteRoom(config, room),
    message: (room) => `LiveKit ended room ${room} (DeleteRoom answered OK)`,
  }),
  "mute-track": action({
    need: roomAdmin,
    parse: (body) => ({
      identity: requiredName(body, "identity"),
      trackSid: requiredName(body, "trackSid"),
      muted: requiredBoolean(body, "muted"),
    }),
    run: async (config, room, { identity, trackSid, muted }) => ({
      track: await mutePublishedTrack(config, room, identity, trackSid, muted),
    }),
    echo: ({ identity, trackSid, muted }) => ({ identity, trackSid, muted }),
    message: (room, { identity, trackSid, muted }, { track }) =>
      `LiveKit ${muted ? "muted" : "unmuted"} ${identity}'s track ${trackSid} in ${room} ` +
      `(MutePublishedTrack answered muted=${track?.muted === true})`,
  }),
  "update-participant": action({
    need: roomAdmin,
    parse: (body) => {
      const update: ParticipantUpdate = {};
      if (body.permission !== undefined) update.permission = parsePermission(body.permission);
      const metadata = optionalText(body, "metadata", MAX_METADATA_LENGTH);
      if (metadata !== undefined) update.metadata = metadata;
      if (!update.permission && update.metadata === undefined) {
        throw bad("permission", "or metadata must be given");
      }
      return { identity: requiredName(body, "identity"), update };
    },
    run: async (config, room, { identity, update }) => ({
      participant: await updateParticipant(config, room, identity, update),
    }),
    echo: ({ identity }) => ({ identity }),
    message: (room, { identity, update }) =>
      `LiveKit updated ${identity} in ${room}: ` +
      [
        update.permission && `permission ${describePermission(update.permission)}`,
        update.metadata !== undefined && "metadata",
      ]
        .filter(Boolean)
        .join("; ") +
      " (UpdateParticipant answered OK)",
  }),
  "update-room-metadata": action({
    need: roomAdmin,
    parse: (body) => {
      const metadata = optionalText(body, "metadata", MAX_METADATA_LENGTH);
      if (metadata === undefined) throw bad("metadata", "must be a string");
      return { metadata };
    },
    run: (config, room, { metadata }) => updateRoomMetadata(config, room, metadata),
    message: (room) => `LiveKit set the metadata of ${room} (UpdateRoomMetadata answered OK)`,
  }),
  "list-dispatches": action({
    need: roomAdmin,
    parse: () => ({}),
    run: async (config, room) => ({ dispatches: await listDispatches(config, room) }),
    message: (room, _, { dispatches }) =>
      `LiveKit lists ${dispatches.length} agent dispatch${dispatches.length === 1 ? "" : "es"} for ${room}`,
  }),
  "create-dispatch": action({
    need: roomAdmin,
    parse: (body) => ({
      agentName: requiredName(body, "agentName"),
      metadata: optionalText(body, "metadata", MAX_METADATA_LENGTH),
    }),
    run: async (config, room, { agentName, metadata }) => ({
      dispatch: await createDispatch(config, room, agentName, metadata),
    }),
    echo: ({ agentName }) => ({ agentName }),
    message: (room, { agentName }, { dispatch }) =>
      `LiveKit created dispatch ${dispatch.id} of agent ${agentName} to ${room} (CreateDispatch answered OK)`,
  }),
  "remove-and-block": action({
    need: roomAdmin,
    parse: (body) => ({ identity: requiredName(body, "identity") }),
    run: async (config, room, { identity }, { operator }) => {
      const blocks = getBlockStore();
      // How the identity got its token: blocking it blocks its invite (or sub) too.
      const admission = await blocks.admission(room, identity);
      const now = Math.floor(Date.now() / 1000);
      const block: Block = {
        room,
        identity,
        ...(admission?.invite ? { invite: admission.invite } : {}),
        ...(admission?.subject ? { subject: admission.subject } : {}),
        blockedAt: now,
        ...(operator ? { by: operator } : {}),
      };
      // The block first: a rejoin racing the removal is refused a token.
      await blocks.add(block);
      let removed = true;
      try {
        // revoke_token_ts: LiveKit's own revocation where the server honours it (v1.13.5 does not).
        await removeParticipant(config, room, identity, now);
      } catch (error) {
        if (!isHttpError(error) || error.status !== 404) throw error;
        removed = false;
      }
      return { block, removed };
    },
    echo: ({ identity }) => ({ identity }),
    message: (room, { identity }, { block, removed }) =>
      (removed
        ? `LiveKit removed ${identity} from ${room} (RemoveParticipant answered OK)`
        : `${identity} was not in ${room} (RemoveParticipant answered not found)`) +
      `; blocked: no token for ${identity}` +
      (block.invite ? " nor its invite" : "") +
      (block.subject ? ` nor sub ${block.subject}` : "") +
      " until lifted",
  }),
  "lift-block": action({
    need: roomAdmin,
    parse: (body) => ({ identity: requiredName(body, "identity") }),
    run: async (_, room, { identity }) => {
      if (!(await getBlockStore().lift(room, identity))) {
        throw new HttpError(404, `${identity} is not blocked in ${room}`, { field: "identity" });
      }
    },
    echo: ({ identity }) => ({ identity }),
    message: (room, { identity }) => `Lifted the block of ${identity} in ${room}`,
  }),
  "list-blocks": action({
    need: roomAdmin,
    parse: () => ({}),
    run: async (_, room) => ({ blocks: await getBlockStore().list(room) }),
    message: (room, _, { blocks }) =>
      `${blocks.length} blocked in ${room} (${getBlockStore().kind} block store)`,
  }),
  "delete-dispatch": action({
    need: roomAdmin,
    parse: (body) => ({ dispatchId: requiredName(body, "dispatchId") }),
    run: (config, room, { dispatchId }) => deleteDispatch(config, room, dispatchId),
    echo: ({ dispatchId }) => ({ dispatchId }),
    message: (room, { dispatchId }) =>
      `LiveKit deleted dispatch ${dispatchId} of ${room} (DeleteDispatch answered OK)`,
  }),
};

export interface RoomActionRequest {
  action: string;
  room: string;
  spec: RoomActionSpec<unknown>;
  args: unknown;
}

/** Reads `{action, room, ...args}`; a 400 with the field for an unknown verb or a bad argument. */
export function parseRoomAction(body: Body): RoomActionRequest {
  const verb = body.action;
  const spec =
    typeof verb === "string" && Object.hasOwn(ROOM_ACTIONS, verb) ? ROOM_ACTIONS[verb] : undefined;
  if (!spec) {
    throw bad("action", `must be one of ${Object.keys(ROOM_ACTIONS).join(", ")}`);
  }
  const room = requiredName(body, "room");
  return { action: verb as string, room, spec, args: spec.parse(body) };
}

/** Runs a parsed action (the caller has checked `spec.need(room)`) and says what LiveKit did. */
export async function runRoomAction(
  request: RoomActionRequest,
  config: Pick<Config, "livekitUrl" | "apiKey" | "apiSecret" | "roomApiTimeoutMs">,
  context: ActionContext = { operator: "" },
): Promise<Record<string, unknown>> {
  const { action: verb, room, spec, args } = request;
  const result = (await spec.run(config, room, args, context)) ?? {};
  return {
    action: verb,
    room,
    ...spec.echo?.(args),
    ...result,
    message: spec.message(room, args, result),
  };
}
