import "server-only";
import type { Config } from "../config";
import { HttpError } from "../http";
import { MAX_NAME_LENGTH } from "../shared/limits";
import { deleteRoom, removeParticipant } from "./livekit-api";
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

export interface RoomActionSpec<Args> {
  /** The credential's grant this verb needs for `room`. */
  need: (room: string) => OperatorNeed;
  /** The verb's own arguments from the body (room already read); throws a 400 with the field. */
  parse: (body: Body) => Args;
  /** The one LiveKit call. */
  run: (config: ApiConfig, room: string, args: Args) => Promise<void>;
  /** The answer's fields besides `action`, `room` and `message`. */
  echo?: (args: Args) => Record<string, unknown>;
  /** LiveKit's word, as the console shows it. */
  message: (room: string, args: Args) => string;
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

/** Declares a verb with its argument type checked against its own parse. */
const action = <Args>(spec: RoomActionSpec<Args>): RoomActionSpec<unknown> =>
  spec as RoomActionSpec<unknown>;

export const ROOM_ACTIONS: Readonly<Record<string, RoomActionSpec<unknown>>> = {
  "remove-participant": action({
    need: (room) => ({ grant: "roomAdmin", room }),
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
): Promise<Record<string, unknown>> {
  const { action: verb, room, spec, args } = request;
  await spec.run(config, room, args);
  return {
    action: verb,
    room,
    ...spec.echo?.(args),
    message: spec.message(room, args),
  };
}
