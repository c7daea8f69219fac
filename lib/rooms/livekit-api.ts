import "server-only";
import { RoomServiceClient, ServerError } from "livekit-server-sdk";
import type { Config } from "../config";
import { HttpError } from "../http";
import type { ParticipantState, RoomState, TrackKind, TrackState } from "../shared/room-projection";

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

function client(config: ApiConfig): RoomServiceClient {
  return new RoomServiceClient(roomApiUrl(config.livekitUrl), config.apiKey, config.apiSecret, {
    requestTimeout: config.roomApiTimeoutMs / 1000,
    failover: false,
  });
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
  };
}

function participantOf(json: Json): ParticipantState {
  const joinedAt = secondsOf(json.joinedAt);
  return {
    identity: String(json.identity ?? ""),
    ...(typeof json.name === "string" && json.name ? { name: json.name } : {}),
    ...(typeof json.sid === "string" ? { sid: json.sid } : {}),
    ...(joinedAt ? { joinedAt } : {}),
    ...(typeof json.kind === "string" && json.kind && json.kind !== "STANDARD"
      ? { kind: json.kind }
      : {}),
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
        participants: participants
          .map((p) => participantOf(p.toJson() as Json))
          .sort((a, b) => a.identity.localeCompare(b.identity)),
        egress: [],
        ingress: [],
      };
    }),
  );
}

/** RemoveParticipant: disconnects `identity` from `room`. */
export async function removeParticipant(config: ApiConfig, room: string, identity: string) {
  await callAction(() => client(config).removeParticipant(room, identity), config);
}

/** DeleteRoom: disconnects everyone and ends the room. */
export async function deleteRoom(config: ApiConfig, room: string) {
  await callAction(() => client(config).deleteRoom(room), config);
}

async function callAction(call: () => Promise<void>, config: ApiConfig): Promise<void> {
  try {
    await call();
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
