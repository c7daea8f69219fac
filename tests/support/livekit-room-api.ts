/**
 * A loopback stand-in for LiveKit's room API (Twirp: `POST /twirp/livekit.RoomService/<Method>`,
 * JSON). It checks the `Authorization: Bearer` token livekit-server-sdk signs for each call as
 * livekit-server does (signature with the test key and secret, issuer = the key, expiry, and
 * the grant the method needs), answers from rooms the test sets, and records every call.
 * It does not fake a media server: it only holds the lists the room API would return.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { TokenVerifier, type ClaimGrants } from "livekit-server-sdk";
import { TEST_API_KEY, TEST_API_SECRET } from "./keys";

export interface StandInTrack {
  sid: string;
  /** LiveKit's TrackType name; protojson omits AUDIO (the zero value). */
  type?: "VIDEO" | "DATA";
  source: string;
  name?: string;
}

export interface StandInParticipant {
  sid: string;
  identity: string;
  name?: string;
  joinedAt?: string;
  /** LiveKit's ParticipantInfo.Kind name; protojson omits STANDARD (the zero value). */
  kind?: "AGENT" | "SIP" | "EGRESS" | "INGRESS";
  tracks?: StandInTrack[];
}

export interface StandInRoom {
  sid: string;
  name: string;
  creationTime: string;
  participants: StandInParticipant[];
}

export interface RoomApiCall {
  method: string;
  body: Record<string, unknown>;
  /** The verified claims, or null when the token was refused. */
  claims: ClaimGrants | null;
  status: number;
}

export interface RoomApiStandIn {
  /** ws:// URL for LIVEKIT_URL (the SDK maps it to http://, as for a real server). */
  url: string;
  rooms: Map<string, StandInRoom>;
  calls: RoomApiCall[];
  /** "answer" (default), "hang" (never answers), "fail" (503 for every call). */
  mode: "answer" | "hang" | "fail";
  close(): Promise<void>;
}

/** What each method needs of the token, as livekit-server checks it. */
function permitted(method: string, body: Record<string, unknown>, claims: ClaimGrants): boolean {
  const video = claims.video ?? {};
  switch (method) {
    case "ListRooms":
      return video.roomList === true;
    case "ListParticipants":
    case "RemoveParticipant":
      return video.roomAdmin === true && video.room === body.room;
    case "DeleteRoom":
      // livekit-server checks the create permission for DeleteRoom; the SDK signs roomCreate.
      return video.roomCreate === true;
    default:
      return false;
  }
}

function send(response: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  // The SDK parses an error's JSON only with exactly this Content-Type.
  response.writeHead(status, { "Content-Type": "application/json" });
  response.end(text);
}

const twirpError = (code: string, msg: string) => ({ code, msg });

export async function startRoomApiStandIn(): Promise<RoomApiStandIn> {
  const rooms = new Map<string, StandInRoom>();
  const calls: RoomApiCall[] = [];
  const hanging = new Set<ServerResponse>();
  const standIn = { rooms, calls, mode: "answer" } as RoomApiStandIn;

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const match = /^\/twirp\/livekit\.RoomService\/(\w+)$/.exec(request.url ?? "");
    if (request.method !== "POST" || !match) {
      return send(response, 404, twirpError("bad_route", "no such method"));
    }
    const method = match[1]!;
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString() || "{}") as Record<string, unknown>;
    } catch {
      return send(response, 400, twirpError("malformed", "body is not JSON"));
    }
    const call: RoomApiCall = { method, body, claims: null, status: 0 };
    calls.push(call);
    const answer = (status: number, payload: unknown) => {
      call.status = status;
      send(response, status, payload);
    };

    if (standIn.mode === "hang") {
      hanging.add(response);
      return;
    }
    if (standIn.mode === "fail") return answer(503, twirpError("unavailable", "node unavailable"));

    const auth = /^Bearer (\S+)$/.exec(request.headers.authorization ?? "");
    if (!auth) return answer(401, twirpError("unauthenticated", "no authorization header"));
    let claims: ClaimGrants;
    try {
      claims = await new TokenVerifier(TEST_API_KEY, TEST_API_SECRET).verify(auth[1]!);
    } catch (error) {
      return answer(401, twirpError("unauthenticated", (error as Error).message));
    }
    const now = Math.floor(Date.now() / 1000);
    if (claims.iss !== TEST_API_KEY || typeof claims.exp !== "number" || claims.exp <= now) {
      return answer(401, twirpError("unauthenticated", "wrong issuer or no expiry"));
    }
    call.claims = claims;
    if (!permitted(method, body, claims)) {
      return answer(403, twirpError("permission_denied", "permissions denied"));
    }

    const room = typeof body.room === "string" ? rooms.get(body.room) : undefined;
    switch (method) {
      case "ListRooms": {
        const names = Array.isArray(body.names) ? (body.names as string[]) : [];
        const listed = [...rooms.values()].filter((r) => !names.length || names.includes(r.name));
        return answer(200, {
          rooms: listed.map((r) => ({
            sid: r.sid,
            name: r.name,
            emptyTimeout: 300,
            creationTime: r.creationTime,
            ...(r.participants.length ? { numParticipants: r.participants.length } : {}),
          })),
        });
      }
      case "ListParticipants":
        if (!room) return answer(404, twirpError("not_found", "requested room does not exist"));
        return answer(200, {
          participants: room.participants.map((p) => ({ ...p, state: "ACTIVE" })),
        });
      case "RemoveParticipant": {
        const index = room?.participants.findIndex((p) => p.identity === body.identity) ?? -1;
        if (!room || index < 0) {
          return answer(404, twirpError("not_found", "participant not found"));
        }
        room.participants.splice(index, 1);
        return answer(200, {});
      }
      case "DeleteRoom":
        if (typeof body.room === "string") rooms.delete(body.room);
        return answer(200, {});
      default:
        return answer(404, twirpError("bad_route", `no method ${method}`));
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: Error) => send(response, 500, { msg: error.message }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  standIn.url = `ws://127.0.0.1:${port}`;
  standIn.close = () =>
    new Promise<void>((resolve) => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return standIn;
}
