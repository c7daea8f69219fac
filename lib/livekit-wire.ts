/**
 * LiveKit's webhook wire format, reproduced: bodies as livekit-server's Go protojson writes them
 * and the JWT it signs them with (LiveKit's webhook notifier and its auth package). This is the webhook simulator's
 * code: `npm run webhook`, the tests and the benchmarks use it, and so does the console's
 * "send a test event" (lib/rooms/test-event.ts), so a test event is signed exactly as the
 * simulator signs it.
 *
 * Server side only, like every lib/ module outside lib/shared: the CLIs and benchmarks run it
 * with `--conditions=react-server`, under which the marker loads. It reads no secret itself:
 * callers pass the key.
 */
import "server-only";
import { createHash, createHmac, randomInt } from "node:crypto";
import { EVENT_CATALOGUE, type EventType } from "./shared/event-catalogue";

const ID_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/** A LiveKit-style id: prefix + 12 characters of LiveKit's alphabet. */
export function livekitId(prefix: string): string {
  let id = prefix;
  for (let i = 0; i < 12; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

/**
 * A LiveKit-style id that is the same for the same seed: the simulator's room, participant,
 * track, egress and ingress ids follow from their names, so that the events it sends for one
 * room describe one session (as livekit-server's do) and a leave names the connection a join
 * opened.
 */
export function stableLivekitId(prefix: string, seed: string): string {
  const digest = createHash("sha256").update(seed).digest();
  let id = prefix;
  for (let i = 0; i < 12; i++) id += ID_ALPHABET[digest[i]! % ID_ALPHABET.length];
  return id;
}

export interface EventOptions {
  room?: string;
  identity?: string;
  /** Unix seconds; defaults to now. */
  now?: number;
  /** The event id; a fresh `EV_…` by default. */
  id?: string;
  /** A track event's track: the camera for track_published, the microphone otherwise. */
  track?: "camera" | "microphone";
  /** A participant_left's DisconnectReason name; CLIENT_INITIATED (the participant left). */
  disconnectReason?: string;
  /** Whether the participant published: a leave then says `isPublisher` (default true). */
  publisher?: boolean;
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** The codecs livekit-server 1.13.5 lists in a room's `enabledCodecs` by default. */
const ENABLED_CODECS = [
  "audio/PCMU",
  "audio/PCMA",
  "audio/opus",
  "audio/red",
  "video/VP8",
  "video/H264",
  "video/VP9",
  "video/AV1",
  "video/H265",
  "video/rtx",
];

/** A simulcast camera's three layers, as livekit-client 2.23 publishes 1280x720 in Chromium. */
function cameraLayers(ssrc: number): Json[] {
  return [
    { width: 320, height: 180, bitrate: 160000, ssrc, rid: "q" },
    { quality: "MEDIUM", width: 640, height: 360, bitrate: 450000, spatialLayer: 1, rid: "h" },
    { quality: "HIGH", width: 1280, height: 720, bitrate: 1700000, spatialLayer: 2, rid: "f" },
  ];
}

/**
 * A webhook event in LiveKit's wire shape: lowerCamelCase, enum names, int64 as strings, zero
 * values omitted, keys in .proto declaration order (objects keep insertion order here). The
 * shapes follow what the pinned livekit-server (1.13.5) sent for a real session
 * (tests/fixtures/livekit-webhooks, recorded by `npm run record-webhooks`; docs/live-webhooks.md).
 */
export function buildWebhookEvent(
  type: EventType,
  options: EventOptions = {},
): { [key: string]: Json } {
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const roomName = options.room ?? "my-room";
  const identity = options.identity ?? "alice";
  const roomSid = stableLivekitId("RM_", roomName);
  // No numParticipants: the server's webhooks leave it out (0), even with someone in the room.
  const fullRoom = {
    sid: roomSid,
    name: roomName,
    emptyTimeout: 300,
    departureTimeout: 20,
    creationTime: String(now - 5),
    creationTimeMs: String((now - 5) * 1000 + 123),
    turnPassword: livekitId(""),
    enabledCodecs: ENABLED_CODECS.map((mime) => ({ mime })),
  };
  const participantSid = stableLivekitId("PA_", `${roomName}\u0000${identity}`);
  const left = type === "participant_left";
  const fullParticipant = {
    sid: participantSid,
    identity,
    state: left ? "DISCONNECTED" : "ACTIVE",
    joinedAt: String(now - 2),
    joinedAtMs: String((now - 2) * 1000 + 456),
    name: identity,
    version: left ? 9 : 2,
    // false is a zero value: protojson leaves canUpdateMetadata out.
    permission: { canSubscribe: true, canPublish: true, canPublishData: true },
    ...(left && (options.publisher ?? true) ? { isPublisher: true } : {}),
    ...(left ? { disconnectReason: options.disconnectReason ?? "CLIENT_INITIATED" } : {}),
    clientProtocol: 2,
    capabilities: ["CAP_COMPRESSION_DEFLATE_RAW"],
  };
  const video =
    (options.track ?? (type === "track_published" ? "camera" : "microphone")) === "camera";
  const trackSid = stableLivekitId(
    "TR_",
    `${roomName}\u0000${identity}\u0000${video ? "camera" : "mic"}`,
  );
  const cid = stableLivekitId("", `${trackSid}\u0000cid`);
  const mid = video ? "1" : "0";
  const version = { unixMicro: `${now}000000` };
  // Chromium's livekit-client publishes its microphone as RED (audio/red) and names no track;
  // an audio track has no `type` (AUDIO is the zero value).
  const track: { [key: string]: Json } = video
    ? {
        sid: trackSid,
        type: "VIDEO",
        width: 1280,
        height: 720,
        simulcast: true,
        source: "CAMERA",
        layers: cameraLayers(447789286),
        mimeType: "video/VP8",
        mid,
        codecs: [
          {
            mimeType: "video/VP8",
            mid,
            cid,
            layers: cameraLayers(447789286),
            videoLayerMode: "ONE_SPATIAL_LAYER_PER_STREAM",
          },
        ],
        stream: "camera",
        version,
      }
    : {
        sid: trackSid,
        source: "MICROPHONE",
        mimeType: "audio/red",
        mid,
        codecs: [
          { mimeType: "audio/red", mid, cid, videoLayerMode: "ONE_SPATIAL_LAYER_PER_STREAM" },
        ],
        stream: "camera",
        version,
        audioFeatures: ["TF_AUTO_GAIN_CONTROL", "TF_ECHO_CANCELLATION", "TF_NOISE_SUPPRESSION"],
        backupCodecPolicy: "SIMULCAST",
      };
  const egressId = stableLivekitId("EG_", roomName);
  const nanos = (seconds: number) => `${seconds}000000000`;
  const egressStatus = { egress_started: "EGRESS_STARTING", egress_updated: "EGRESS_ACTIVE" }[
    type as "egress_started" | "egress_updated"
  ];
  const egressInfo = {
    egressId,
    roomId: roomSid,
    roomName,
    status: egressStatus ?? "EGRESS_COMPLETE",
    startedAt: nanos(now - 1),
    ...(type === "egress_ended" ? { endedAt: nanos(now) } : {}),
    updatedAt: nanos(now),
    // Outputs with the secrets a real egress request carries: storage keys, a stream key in
    // the RTMP URL (lib/events/redact removes them for participants).
    roomComposite: {
      roomName,
      layout: "grid",
      fileOutputs: [
        {
          filepath: "recordings/{room_name}-{time}.mp4",
          s3: {
            accessKey: "AKIAEXAMPLE",
            secret: "wJalrEXAMPLEKEY",
            region: "eu-west-1",
            bucket: "livekit-recordings",
          },
        },
      ],
      streamOutputs: [
        { protocol: "RTMP", urls: ["rtmp://a.rtmp.example.com/live2/live_123456_streamkey"] },
      ],
    },
    fileResults:
      type === "egress_ended"
        ? [
            {
              filename: `${roomName}.mp4`,
              size: "1048576",
              location: `https://livekit-recordings.s3.eu-west-1.amazonaws.com/recordings/${roomName}.mp4?X-Amz-Credential=AKIAEXAMPLE`,
            },
          ]
        : [],
    streamResults: [
      { url: "rtmp://a.rtmp.example.com/live2/live_123456_streamkey", status: "ACTIVE" },
    ],
  };
  const ingressInfo = {
    ingressId: stableLivekitId("IN_", roomName),
    name: "obs",
    streamKey: "live_123456_streamkey",
    url: "rtmp://user:hunter2@localhost:1935/x",
    roomName,
    participantIdentity: `${identity}-ingress`,
    participantName: `${identity} (ingress)`,
    state: {
      status: type === "ingress_started" ? "ENDPOINT_PUBLISHING" : "ENDPOINT_INACTIVE",
      startedAt: nanos(now - 1),
      ...(type === "ingress_ended" ? { endedAt: nanos(now) } : {}),
    },
    enabled: true,
  };

  const family = EVENT_CATALOGUE[type].family;
  const body: { [key: string]: Json } = { event: type };
  if (family === "room" || family === "participant") body.room = fullRoom;
  if (family === "track" || family === "egress") body.room = { sid: roomSid, name: roomName };
  if (family === "ingress") body.room = { name: roomName };
  if (family === "participant") body.participant = fullParticipant;
  if (family === "track") body.participant = { sid: participantSid, identity };
  if (family === "egress") body.egressInfo = egressInfo;
  if (family === "ingress") body.ingressInfo = ingressInfo;
  if (family === "track") body.track = track;
  body.id = options.id ?? livekitId("EV_");
  body.createdAt = String(now);
  return body;
}

/**
 * JSON as Go's protojson writes it: with a space after every comma and none after a colon, as
 * the pinned livekit-server (1.13.5) writes it (protojson's output is deliberately unstable: a
 * build may also write it compact, `spaced = false`). The signature covers these exact bytes.
 */
export function encodeWireJson(value: Json, spaced = true): string {
  const comma = spaced ? ", " : ",";
  if (Array.isArray(value))
    return `[${value.map((item) => encodeWireJson(item, spaced)).join(comma)}]`;
  if (value !== null && typeof value === "object") {
    const fields = Object.entries(value).map(
      ([key, item]) => `${JSON.stringify(key)}:${encodeWireJson(item, spaced)}`,
    );
    return `{${fields.join(comma)}}`;
  }
  return JSON.stringify(value);
}

const base64url = (data: string | Buffer) => Buffer.from(data).toString("base64url");

export interface SignOptions {
  /** Unix seconds the token is issued at; now by default. */
  now?: number;
  /** Seconds until expiry: livekit-server uses 300. */
  ttl?: number;
}

/**
 * The Authorization value livekit-server sends: an HS256 JWT, header `{"alg":"HS256","typ":"JWT"}`,
 * claims `{iss, exp, nbf, iat, sha256}` where sha256 is the padded base64 of the body's SHA-256.
 * Written out by hand, not with the SDK, to reproduce the Go server's exact token.
 */
export function signWebhook(
  body: string | Uint8Array,
  apiKey: string,
  apiSecret: string,
  options: SignOptions = {},
): string {
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const claims = base64url(
    JSON.stringify({
      iss: apiKey,
      exp: now + (options.ttl ?? 300),
      nbf: now,
      iat: now,
      sha256: createHash("sha256").update(body).digest("base64"),
    }),
  );
  const signature = createHmac("sha256", apiSecret)
    .update(`${header}.${claims}`)
    .digest("base64url");
  return `${header}.${claims}.${signature}`;
}

/**
 * The headers livekit-server's webhook POST carries besides Host, Content-Length and
 * Accept-Encoding (which the HTTP client adds): Go's own User-Agent, the bare JWT, webhook+json.
 */
export const WEBHOOK_HEADERS = {
  "User-Agent": "Go-http-client/1.1",
  "Content-Type": "application/webhook+json",
} as const;

/** Posts a body the way livekit-server does: bare JWT, webhook+json, Go's User-Agent. */
export async function postWebhook(
  url: string,
  body: string,
  authorization: string,
): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { ...WEBHOOK_HEADERS, Authorization: authorization },
    body,
  });
}
