import "server-only";
import {
  AgentDispatchClient,
  RoomServiceClient,
  ServerError,
  TrackSource,
  type ParticipantPermission,
} from "livekit-server-sdk";
import type { Config } from "../config";
import { HttpError } from "../http";
import type {
  DispatchState,
  ParticipantPermissionState,
  ParticipantState,
  RoomState,
  TrackKind,
  TrackState,
} from "../shared/room-projection";

/**
 * LiveKit's room API through livekit-server-sdk's RoomServiceClient (Twirp at LIVEKIT_URL, with
 * the short token it signs per call). Answers become RoomState, the projection's shape, so the
 * console draws one kind of row whichever source it came from.
 */

type ApiConfig = Pick<Config, "livekitUrl" | "apiKey" | "apiSecret" | "roomApiTimeoutMs">;

/** The room API's base URL: ws(s):// maps to http(s)://, as the SDK does. */
export function roomApiUrl(livekitUrl: string): string {
  return livekitUrl.replace(/^ws/, "http");
}

const clientOptions = (config: ApiConfig) => ({
  requestTimeout: config.roomApiTimeoutMs / 1000,
  failover: false,
});

function client(config: ApiConfig): RoomServiceClient {
  const url = roomApiUrl(config.livekitUrl);
  return new RoomServiceClient(url, config.apiKey, config.apiSecret, clientOptions(config));
}

function dispatchClient(config: ApiConfig): AgentDispatchClient {
  const url = roomApiUrl(config.livekitUrl);
  return new AgentDispatchClient(url, config.apiKey, config.apiSecret, clientOptions(config));
}

/** protojson of the SDK's messages: enum names, int64 as strings, as the webhooks carry them. */
type Json = Record<string, unknown>;

const secondsOf = (value: unknown): number | undefined => {
  const number = Number(value);
  return Number.isFinite(number) && number > 0 ? number : undefined;
};

function trackOf(json: Json): TrackState {
  const kind: TrackKind = json.type === "VIDEO" ? "video" : json.type === "DATA" ? "data" : "audio";
  return {
    sid: String(json.sid ?? ""),
    kind,
    source: typeof json.source === "string" ? json.source : "UNKNOWN",
    ...(typeof json.name === "string" && json.name ? { name: json.name } : {}),
    ...(json.muted === true ? { muted: true } : {}),
  };
}

/** protojson omits false booleans and empty lists. */
function permissionOf(json: Json | undefined): ParticipantPermissionState {
  return {
    canPublish: json?.canPublish === true,
    canSubscribe: json?.canSubscribe === true,
    canPublishData: json?.canPublishData === true,
    canPublishSources: Array.isArray(json?.canPublishSources)
      ? (json.canPublishSources as unknown[]).filter((s): s is string => typeof s === "string")
      : [],
  };
}

function participantOf(json: Json): ParticipantState {
  const joinedAt = secondsOf(json.joinedAt);
  return {
    identity: String(json.identity ?? ""),
    ...(typeof json.name === "string" && json.name ? { name: json.name } : {}),
    ...(typeof json.sid === "string" ? { sid: json.sid } : {}),
    ...(joinedAt ? { joinedAt } : {}),
    // protojson omits STANDARD (the zero value); AGENT, SIP, EGRESS, INGRESS are named.
    kind: typeof json.kind === "string" ? json.kind : "STANDARD",
    ...(typeof json.metadata === "string" && json.metadata ? { metadata: json.metadata } : {}),
    permission: permissionOf(json.permission as Json | undefined),
    tracks: Array.isArray(json.tracks) ? (json.tracks as Json[]).map(trackOf) : [],
  };
}

/** The live rooms (only `names` if given) and each one's participants with their tracks. */
export async function listLiveRooms(config: ApiConfig, names?: string[]): Promise<RoomState[]> {
  const service = client(config);
  const rooms = await service.listRooms(names);
  return Promise.all(
    rooms.map(async (room): Promise<RoomState> => {
      const participants = await service.listParticipants(room.name);
      const createdAt = secondsOf(room.creationTime);
      return {
        name: room.name,
        sid: room.sid,
        live: true,
        ...(createdAt ? { createdAt } : {}),
        ...(room.metadata ? { metadata: room.metadata } : {}),
        participants: participants
          .map((p) => participantOf(p.toJson() as Json))
          .sort((a, b) => a.identity.localeCompare(b.identity)),
        egress: [],
        ingress: [],
      };
    }),
  );
}

/**
 * RemoveParticipant: disconnects `identity` from `room`. With `revokeTokenTs` (unix seconds),
 * asks LiveKit to refuse that identity's tokens issued before it (livekit-server v1.13.5
 * ignores the field: a block here holds only through lib/blocks).
 */
export async function removeParticipant(
  config: ApiConfig,
  room: string,
  identity: string,
  revokeTokenTs?: number,
) {
  await callAction(
    () =>
      client(config).removeParticipant(
        room,
        identity,
        revokeTokenTs === undefined ? undefined : { revokeTokenTs: BigInt(revokeTokenTs) },
      ),
    config,
  );
}

/** DeleteRoom: disconnects everyone and ends the room. */
export async function deleteRoom(config: ApiConfig, room: string) {
  await callAction(() => client(config).deleteRoom(room), config);
}

/** MutePublishedTrack: mutes (or unmutes) one of `identity`'s tracks; LiveKit's track after. */
export async function mutePublishedTrack(
  config: ApiConfig,
  room: string,
  identity: string,
  trackSid: string,
  muted: boolean,
): Promise<TrackState | null> {
  const track = await callAction(
    () => client(config).mutePublishedTrack(room, identity, trackSid, muted),
    config,
  );
  return track ? trackOf(track.toJson() as Json) : null;
}

/** What update-participant changes: any of the four permission fields, and the metadata. */
export interface ParticipantUpdate {
  permission?: Partial<ParticipantPermissionState>;
  metadata?: string;
}

/**
 * UpdateParticipant. LiveKit replaces the whole permission: the fields not given are read
 * first (GetParticipant), so changing one keeps the others (and hidden, recorder, agent…).
 */
export async function updateParticipant(
  config: ApiConfig,
  room: string,
  identity: string,
  update: ParticipantUpdate,
): Promise<ParticipantState> {
  const service = client(config);
  const info = await callAction(async () => {
    let permission: Partial<ParticipantPermission> | undefined;
    if (update.permission) {
      const current = await service.getParticipant(room, identity);
      const { canPublishSources, ...flags } = update.permission;
      permission = {
        ...current.permission,
        ...flags,
        ...(canPublishSources
          ? {
              canPublishSources: canPublishSources.map(
                (name) => TrackSource[name as keyof typeof TrackSource],
              ),
            }
          : {}),
      };
    }
    return service.updateParticipant(room, identity, {
      ...(update.metadata !== undefined ? { metadata: update.metadata } : {}),
      ...(permission ? { permission } : {}),
    });
  }, config);
  return participantOf(info.toJson() as Json);
}

/** UpdateRoomMetadata: LiveKit sends the new metadata to everyone in the room. */
export async function updateRoomMetadata(config: ApiConfig, room: string, metadata: string) {
  const updated = await callAction(() => client(config).updateRoomMetadata(room, metadata), config);
  return { metadata: updated.metadata };
}

function dispatchOf(json: Json): DispatchState {
  const state = (json.state ?? {}) as Json;
  const createdAt = secondsOf(state.createdAt);
  return {
    id: String(json.id ?? ""),
    agentName: String(json.agentName ?? ""),
    ...(typeof json.metadata === "string" && json.metadata ? { metadata: json.metadata } : {}),
    ...(createdAt ? { createdAt } : {}),
    jobs: Array.isArray(state.jobs) ? state.jobs.length : 0,
  };
}

/** ListDispatch: the room's agent dispatches. */
export async function listDispatches(config: ApiConfig, room: string): Promise<DispatchState[]> {
  const list = await callAction(() => dispatchClient(config).listDispatch(room), config);
  return list.map((d) => dispatchOf(d.toJson() as Json));
}

/** CreateDispatch: asks LiveKit to send `agentName` (a registered worker) into `room`. */
export async function createDispatch(
  config: ApiConfig,
  room: string,
  agentName: string,
  metadata?: string,
): Promise<DispatchState> {
  const made = await callAction(
    () => dispatchClient(config).createDispatch(room, agentName, { metadata }),
    config,
  );
  return dispatchOf(made.toJson() as Json);
}

/** DeleteDispatch: withdraws one dispatch (its agent's job is ended). */
export async function deleteDispatch(config: ApiConfig, room: string, dispatchId: string) {
  await callAction(() => dispatchClient(config).deleteDispatch(dispatchId, room), config);
}

async function callAction<T>(call: () => Promise<T>, config: ApiConfig): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw actionError(error, config);
  }
}

/** Why LiveKit's room API gave no answer, in words an operator can act on. */
export function describeRoomApiFailure(error: unknown, config: ApiConfig): string {
  const url = roomApiUrl(config.livekitUrl);
  if (error instanceof ServerError) {
    const said = `${error.status} ${error.code ?? ""} ${error.message}`.replace(/\s+/g, " ").trim();
    if (error.status === 401 || error.status === 403) {
      return `LiveKit's room API at ${url} refused this server's credentials (${said}): check LIVEKIT_API_KEY and LIVEKIT_API_SECRET`;
    }
    return `LiveKit's room API at ${url} answered ${said}`;
  }
  if (isTimeout(error)) {
    return `LiveKit's room API at ${url} did not answer within ${config.roomApiTimeoutMs} ms`;
  }
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const detail = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : "");
  return `LiveKit's room API at ${url} cannot be reached (${String(detail)}): start livekit-server or set LIVEKIT_URL`;
}

/** An action LiveKit refused or could not take: its own words, with a status that fits. */
function actionError(error: unknown, config: ApiConfig): HttpError {
  if (error instanceof ServerError && error.status === 404) {
    return new HttpError(404, `LiveKit answered: ${error.message || "not found"}`);
  }
  if (error instanceof ServerError && error.status >= 400 && error.status < 500) {
    return new HttpError(502, describeRoomApiFailure(error, config));
  }
  return new HttpError(isTimeout(error) ? 504 : 502, describeRoomApiFailure(error, config));
}

/** The SDK's request timed out (`requestTimeout`: its AbortSignal.timeout) or was aborted. */
function isTimeout(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === "TimeoutError" || name === "AbortError";
}
