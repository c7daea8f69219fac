/**
 * The simulator (lib/livekit-wire) against the real thing: every webhook the pinned
 * livekit-server sent in a recorded real session (tests/fixtures/livekit-webhooks, written by
 * `npm run record-webhooks`) is compared with what the simulator writes for the same event:
 * the same bytes from the same value (encoding), the same token from the same body and time
 * (signature), the same headers, and the same shape (keys in order, enum names, mime types).
 */
import { describe, expect, it } from "vitest";
import {
  buildWebhookEvent,
  encodeWireJson,
  signWebhook,
  WEBHOOK_HEADERS,
  type EventOptions,
} from "@/lib/livekit-wire";
import { isEventType } from "@/lib/shared/event-catalogue";
import type { WebhookEventJson } from "@/lib/shared/event-model";
import { TEST_API_KEY, TEST_API_SECRET } from "../support/keys";
import { recordedHeader, recordedWebhooks } from "../support/recorded-webhooks";

const recorded = recordedWebhooks();

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/**
 * What must agree between the server and the simulator: every key, in order; enum names, mime
 * types and booleans as they are; any other string or number only as "a string" / "a number"
 * (ids, names, times differ from one session to the next). A video layer's `ssrc` and
 * `repairSsrc` are left out: the server adds them once it has seen that layer's RTP, so which
 * layers have them depends on timing.
 */
const TIMING_DEPENDENT = new Set(["ssrc", "repairSsrc"]);

function skeleton(value: Json): Json {
  if (Array.isArray(value)) return value.map(skeleton);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !TIMING_DEPENDENT.has(key))
        .map(([key, item]) => [key, skeleton(item)]),
    );
  }
  if (typeof value === "string") {
    return /^[A-Z][A-Z0-9_]*$/.test(value) || /^(audio|video)\/\w+$/.test(value)
      ? value
      : "<string>";
  }
  return typeof value === "number" ? "<number>" : value;
}

/** The simulator's options for the event a fixture holds: same room, participant and track. */
function optionsFor(event: WebhookEventJson): EventOptions {
  const participant = event.participant as
    { identity?: string; disconnectReason?: string; isPublisher?: boolean } | undefined;
  const track = event.track as { source?: string } | undefined;
  return {
    room: event.room?.name,
    identity: participant?.identity,
    now: Number(event.createdAt),
    id: event.id,
    ...(track ? { track: track.source === "CAMERA" ? "camera" : "microphone" } : {}),
    ...(participant?.disconnectReason ? { disconnectReason: participant.disconnectReason } : {}),
    ...(event.event === "participant_left" ? { publisher: participant?.isPublisher === true } : {}),
  };
}

const claimsOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;

describe("the recorded webhooks of a real livekit-server", () => {
  it("cover a whole session: a room, a join, publications, a leave, the room's end", () => {
    const types = new Set(recorded.map((webhook) => JSON.parse(webhook.body).event));
    expect([...types].sort()).toEqual([
      "participant_joined",
      "participant_left",
      "room_finished",
      "room_started",
      "track_published",
      "track_unpublished",
    ]);
  });
});

describe.each(recorded.map((webhook) => [webhook.file, webhook] as const))(
  "the simulator beside the server's %s",
  (_, webhook) => {
    const real = JSON.parse(webhook.body) as WebhookEventJson;

    it("writes the same bytes for the same value: a space after each comma, none after a colon", () => {
      expect(encodeWireJson(JSON.parse(webhook.body) as Json)).toBe(webhook.body);
      expect(webhook.body).toContain(`"event":"${real.event}", "`);
    });

    it("signs it as the server does: the same token from the same body, keys and second", () => {
      const authorization = recordedHeader(webhook, "Authorization")!;
      expect(authorization).not.toMatch(/^Bearer /);
      const claims = claimsOf(authorization);
      expect(Object.keys(claims)).toEqual(["iss", "exp", "nbf", "iat", "sha256"]);
      expect(claims.exp).toBe((claims.iat as number) + 300);
      expect(
        signWebhook(webhook.body, TEST_API_KEY, TEST_API_SECRET, { now: claims.iat as number }),
      ).toBe(authorization);
    });

    it("sends the same headers: Go's User-Agent, webhook+json, a bare JWT", () => {
      expect(webhook.method).toBe("POST");
      expect(recordedHeader(webhook, "User-Agent")).toBe(WEBHOOK_HEADERS["User-Agent"]);
      expect(recordedHeader(webhook, "Content-Type")).toBe(WEBHOOK_HEADERS["Content-Type"]);
      expect(webhook.headers.map(([name]) => name)).toEqual([
        "Host",
        "User-Agent",
        "Content-Length",
        "Authorization",
        "Content-Type",
        "Accept-Encoding",
      ]);
    });

    it("builds the same shape: keys in order, enum names, mime types", () => {
      expect(isEventType(real.event)).toBe(true);
      const simulated = buildWebhookEvent(real.event as never, optionsFor(real));
      expect(JSON.stringify(skeleton(simulated), null, 1)).toBe(
        JSON.stringify(skeleton(real as Json), null, 1),
      );
    });
  },
);

describe("what the server's webhooks say (and the simulator now says too)", () => {
  const events = recorded.map((webhook) => JSON.parse(webhook.body) as Record<string, Json>);
  const ofType = (type: string) => events.filter((event) => event.event === type);

  it("room_finished carries no roomEndReason in 1.13.5, whether the room timed out or was deleted", () => {
    expect(ofType("room_finished")).toHaveLength(2);
    for (const event of ofType("room_finished")) expect(event).not.toHaveProperty("roomEndReason");
    expect(buildWebhookEvent("room_finished")).not.toHaveProperty("roomEndReason");
  });

  it("a room never says numParticipants, even with a participant in it", () => {
    for (const event of events) expect(event.room).not.toHaveProperty("numParticipants");
  });

  it("a leave says why: CLIENT_INITIATED for a participant who left, ROOM_DELETED for a deleted room", () => {
    const reasons = ofType("participant_left").map(
      (event) => (event.participant as { disconnectReason?: string }).disconnectReason,
    );
    expect(reasons).toEqual(["CLIENT_INITIATED", "ROOM_DELETED"]);
  });

  it("Chromium's microphone is published as audio/red, and an audio track has no type", () => {
    const microphone = ofType("track_published")
      .map((event) => event.track as Record<string, Json>)
      .find((track) => track.source === "MICROPHONE")!;
    expect(microphone.mimeType).toBe("audio/red");
    expect(microphone).not.toHaveProperty("type");
  });
});
