/**
 * The operator's room actions, generated: fast-check builds `POST /api/rooms/actions` bodies
 * for every verb (moderation, blocks, agent dispatch) with room names, identities, track and
 * dispatch ids such as `.`, `..`, `/`, `%`, `%2e%2e` and non-ASCII, wrong types and unknown
 * keys, sent over HTTP to the production build with LiveKit's room API as the loopback
 * stand-in. Every answer must be < 500, every 4xx JSON with an `errorMessage`, a bad room or
 * verb a 400 before LiveKit is called, a participant's credential a 403; and no name ever
 * changes which LiveKit method is called or for which room.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPERATOR_GRANT } from "@/lib/rooms/operator";
import { createOperatorToken } from "@/lib/token";
import { startRoomApiStandIn, type RoomApiStandIn } from "../support/livekit-room-api";
import { roomToken, TEST_API_KEY, TEST_API_SECRET } from "../support/fixtures";
import { startServer, type RunningServer } from "../support/server";

const RUNS = 600;
const VERBS = [
  "remove-participant",
  "mute-track",
  "update-participant",
  "update-room-metadata",
  "remove-and-block",
  "lift-block",
  "list-blocks",
  "list-dispatches",
  "create-dispatch",
  "delete-dispatch",
];
/** What the stand-in may be asked, whatever the input. delete-room is left out: it ends rooms. */
const METHODS = new Set([
  "GetParticipant",
  "RemoveParticipant",
  "MutePublishedTrack",
  "UpdateParticipant",
  "UpdateRoomMetadata",
  "CreateDispatch",
  "ListDispatch",
  "DeleteDispatch",
]);
const NASTY = [
  ".",
  "..",
  "/",
  "a/b",
  "../..",
  "%",
  "%2e%2e",
  "..%2F",
  "é",
  "漢字",
  "💥",
  "a b",
  "x?y#z",
];

const nameArb = fc.oneof(
  fc.constantFrom(...NASTY),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: "grapheme", maxLength: 8 }),
  fc.constant("x".repeat(129)),
  fc.constant(""),
  fc.constant(" "),
);
const junkArb = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string()),
  fc.object(),
);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const bodyArb = fc.record(
  {
    action: fc.oneof(
      fc.constantFrom(...VERBS),
      fc.constantFrom("delete-rooms", "__proto__", ""),
      junkArb,
    ),
    room: fc.oneof(nameArb, junkArb),
    identity: maybe(fc.oneof(nameArb, junkArb)),
    trackSid: maybe(fc.oneof(nameArb, junkArb)),
    muted: maybe(fc.oneof(fc.boolean(), junkArb)),
    permission: maybe(
      fc.oneof(
        fc.record(
          {
            canPublish: fc.oneof(fc.boolean(), junkArb),
            canSubscribe: fc.boolean(),
            canPublishData: fc.boolean(),
            canPublishSources: fc.oneof(
              fc.subarray(["CAMERA", "MICROPHONE", "SCREEN_SHARE", "SCREEN_SHARE_AUDIO"]),
              fc.array(nameArb, { maxLength: 3 }),
            ),
            roomAdmin: fc.boolean(),
          },
          { requiredKeys: [] },
        ),
        junkArb,
      ),
    ),
    metadata: maybe(fc.oneof(fc.string({ unit: "grapheme", maxLength: 40 }), junkArb)),
    agentName: maybe(fc.oneof(nameArb, junkArb)),
    dispatchId: maybe(fc.oneof(nameArb, junkArb)),
  },
  { requiredKeys: ["action", "room"] },
);

/** Well-formed bodies with the nasty names: these reach LiveKit (or the block store). */
const nastyArb = fc.constantFrom(...NASTY);
const wellFormedArb = fc.record({
  action: fc.constantFrom(...VERBS),
  room: nastyArb,
  identity: nastyArb,
  trackSid: nastyArb,
  muted: fc.boolean(),
  permission: fc.record(
    {
      canPublish: fc.boolean(),
      canPublishSources: fc.subarray(["CAMERA", "MICROPHONE", "SCREEN_SHARE"]),
    },
    { requiredKeys: ["canPublish"] },
  ),
  metadata: fc.string({ unit: "grapheme", maxLength: 40 }),
  agentName: nastyArb,
  dispatchId: nastyArb,
});

const validName = (value: unknown) =>
  typeof value === "string" && value.trim() !== "" && value.length <= 128;

let standIn: RoomApiStandIn;
let server: RunningServer;
let operator: string;

beforeAll(async () => {
  standIn = await startRoomApiStandIn();
  server = await startServer({ LIVEKIT_URL: standIn.url, ROOM_API_TIMEOUT_MS: "2000" });
  operator = await createOperatorToken(
    OPERATOR_GRANT,
    { identity: "ops", ttlSeconds: 3600 },
    { apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET },
  );
  // Rooms and participants named like the nastiest inputs, so that many actions reach LiveKit.
  for (const room of NASTY) {
    standIn.rooms.set(room, {
      sid: "RM_x",
      name: room,
      creationTime: "1",
      participants: NASTY.map((identity) => ({
        sid: "PA_x",
        identity,
        permission: { canPublish: true, canSubscribe: true },
        tracks: [{ sid: identity, source: "CAMERA" }],
      })),
    });
  }
});

afterAll(async () => {
  await server?.stop();
  await standIn?.close();
});

describe("room actions, generated", () => {
  it(`${RUNS} generated action bodies: no 5xx, JSON 4xx, 400 before LiveKit for a bad verb or room, and LiveKit called only by method for the room sent`, async () => {
    const fiveHundreds: string[] = [];
    const mismatches: string[] = [];
    const statuses = new Map<number, number>();
    const participant = await roomToken("..");
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(bodyArb, wellFormedArb) as fc.Arbitrary<Record<string, unknown>>,
        fc.boolean(),
        async (body, asParticipant) => {
          const before = standIn.calls.length;
          const response = await fetch(`${server.url}/api/rooms/actions`, {
            method: "POST",
            headers: {
              Authorization: `Bearer ${asParticipant ? participant : operator}`,
              "Content-Type": "application/json",
            },
            body: JSON.stringify(body),
          });
          const text = await response.text();
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          const said = `${response.status} ${JSON.stringify(body).slice(0, 200)} → ${text.slice(0, 200)}`;
          if (response.status >= 500) fiveHundreds.push(said);
          if (response.status >= 400) {
            let parsed: { errorMessage?: unknown } = {};
            try {
              parsed = JSON.parse(text) as typeof parsed;
            } catch {
              mismatches.push(`not JSON: ${said}`);
            }
            if (typeof parsed.errorMessage !== "string")
              mismatches.push(`no errorMessage: ${said}`);
          }
          const known = typeof body.action === "string" && VERBS.includes(body.action as string);
          if ((!known || !validName(body.room)) && response.status !== 400) {
            mismatches.push(`expected 400: ${said}`);
          }
          if (
            known &&
            validName(body.room) &&
            asParticipant &&
            ![400, 403].includes(response.status)
          ) {
            mismatches.push(`expected 400 or 403 for a participant: ${said}`);
          }
          const made = standIn.calls.slice(before);
          if (response.status === 400 || response.status === 403) {
            if (made.length) mismatches.push(`LiveKit called after a refusal: ${said}`);
          }
          for (const call of made) {
            if (!METHODS.has(call.method) || call.body.room !== body.room) {
              mismatches.push(
                `LiveKit asked ${call.method} for ${JSON.stringify(call.body.room)}: ${said}`,
              );
            }
          }
        },
      ),
      { numRuns: RUNS, endOnFailure: true },
    );
    console.info(
      `room actions, generated: statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    expect(fiveHundreds).toEqual([]);
    expect(mismatches.slice(0, 10)).toEqual([]);
    // Enough reached LiveKit and succeeded to mean something.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(RUNS / 20);
    expect((await fetch(`${server.url}/api/health`)).ok).toBe(true);
  });
});
