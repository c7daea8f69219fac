import { describe, expect, it } from "vitest";
import type { StoredEvent, WebhookEventJson } from "@/lib/shared/event-model";
import { buildWebhookEvent, stableLivekitId, type EventOptions } from "@/lib/livekit-wire";
import type { EventType } from "@/lib/shared/event-catalogue";
import { projectRooms, tracksByKind, type RoomState } from "@/lib/shared/room-projection";

const T = 1_761_100_000;
let sequence = 0;

/** One event as the store holds it; store ids in arrival order. */
function stored(type: EventType, options: EventOptions = {}): StoredEvent {
  const event = buildWebhookEvent(type, { room: "r", ...options }) as unknown as WebhookEventJson;
  sequence += 1;
  return { id: `${T * 1000 + sequence}-0`, receivedAt: T * 1000 + sequence, room: "r", event };
}

/** The same event with another participant connection (sid), as a rejoin has. */
function withParticipantSid(entry: StoredEvent, sid: string): StoredEvent {
  const event = structuredClone(entry.event);
  event.participant = { ...event.participant, sid };
  return { ...entry, event };
}

/** The live rooms only. */
const liveRooms = (events: StoredEvent[], base: RoomState[] = []) =>
  projectRooms(events, base).filter((r) => r.live);

const identities = (rooms: RoomState[], name = "r") =>
  rooms.find((room) => room.name === name)?.participants.map((p) => p.identity) ?? null;
const room = (rooms: RoomState[], name = "r") => rooms.find((r) => r.name === name);

describe("projectRooms", () => {
  it("a started room with a joined participant is live with that participant", () => {
    const rooms = projectRooms([
      stored("room_started", { now: T }),
      stored("participant_joined", { now: T + 1, identity: "alice" }),
    ]);
    expect(room(rooms)?.live).toBe(true);
    expect(identities(rooms)).toEqual(["alice"]);
    expect(room(rooms)?.createdAt).toBe(T - 5);
  });

  it("orders by createdAt, not by arrival: a join delivered after the leave stays left", () => {
    const left = stored("participant_left", { now: T + 5, identity: "alice" });
    const joined = stored("participant_joined", { now: T + 1, identity: "alice" });
    const rooms = projectRooms([stored("room_started", { now: T }), left, joined]);
    expect(room(rooms)?.live).toBe(true);
    expect(identities(rooms)).toEqual([]);
  });

  it("in the same second, orders by the store's id (arrival)", () => {
    const rooms = projectRooms([
      stored("participant_joined", { now: T, identity: "bob" }),
      stored("participant_left", { now: T, identity: "bob" }),
    ]);
    expect(identities(rooms)).toEqual([]);
  });

  it("counts a duplicated delivery once and never lists a participant twice", () => {
    const joined = stored("participant_joined", { now: T + 1, identity: "alice", id: "EV_same" });
    const again = { ...joined, id: `${T * 1000 + 999}-0` };
    const rejoin = withParticipantSid(
      stored("participant_joined", { now: T + 2, identity: "alice" }),
      "PA_second",
    );
    const rooms = projectRooms([stored("room_started", { now: T }), joined, again, rejoin]);
    expect(identities(rooms)).toEqual(["alice"]);
    expect(room(rooms)?.participants[0]?.sid).toBe("PA_second");
  });

  it("a participant_left without a join changes nothing and does not start a room", () => {
    const rooms = projectRooms([stored("participant_left", { now: T, identity: "ghost" })]);
    expect(room(rooms)?.live).toBe(false);
    expect(identities(rooms)).toEqual([]);
    expect(liveRooms([stored("participant_left", { now: T, identity: "ghost" })])).toEqual([]);
  });

  it("participant_connection_aborted in place of a join leaves nobody in the room", () => {
    const rooms = projectRooms([
      stored("room_started", { now: T }),
      stored("participant_connection_aborted", { now: T + 1, identity: "carol" }),
    ]);
    expect(room(rooms)?.live).toBe(true);
    expect(identities(rooms)).toEqual([]);
  });

  it("participant_connection_aborted ends the connection it names", () => {
    const rooms = projectRooms([
      stored("participant_joined", { now: T + 1, identity: "carol" }),
      stored("participant_connection_aborted", { now: T + 2, identity: "carol" }),
    ]);
    expect(identities(rooms)).toEqual([]);
  });

  it("a participant_left of the previous connection, arriving after the rejoin, keeps the new one", () => {
    const first = stored("participant_joined", { now: T + 1, identity: "alice" });
    const second = withParticipantSid(
      stored("participant_joined", { now: T + 3, identity: "alice" }),
      "PA_rejoin",
    );
    // LiveKit made the leave before the rejoin, but in the same second: arrival puts it after.
    const lateLeave = stored("participant_left", { now: T + 3, identity: "alice" });
    expect(lateLeave.event.participant?.sid).toBe(first.event.participant?.sid);
    const rooms = projectRooms([first, second, lateLeave]);
    expect(identities(rooms)).toEqual(["alice"]);
    expect(room(rooms)?.participants[0]?.sid).toBe("PA_rejoin");
  });

  it("a join of a connection that has already left does not bring it back", () => {
    const rooms = projectRooms([
      stored("participant_left", { now: T + 2, identity: "dave" }),
      // Same createdAt as the leave, delivered after it.
      stored("participant_joined", { now: T + 2, identity: "dave" }),
    ]);
    expect(identities(rooms)).toEqual([]);
  });

  it("a finished room is not live, and late events of that session do not revive it", () => {
    const rooms = projectRooms([
      stored("room_started", { now: T }),
      stored("participant_joined", { now: T + 1, identity: "alice" }),
      stored("room_finished", { now: T + 10 }),
      // delivered late, made before the end:
      stored("track_published", { now: T + 2, identity: "alice" }),
      // same session, after the end (a retried delivery of a stale state):
      stored("participant_joined", { now: T + 11, identity: "erin" }),
    ]);
    expect(room(rooms)?.live).toBe(false);
    expect(identities(rooms)).toEqual([]);
    expect(liveRooms([])).toEqual([]);
  });

  it("a room_started after room_finished starts the room again, empty", () => {
    const rooms = projectRooms([
      stored("room_started", { now: T }),
      stored("participant_joined", { now: T + 1, identity: "alice" }),
      stored("room_finished", { now: T + 10 }),
      stored("room_started", { now: T + 20 }),
    ]);
    expect(room(rooms)?.live).toBe(true);
    expect(identities(rooms)).toEqual([]);
  });

  it("a late room_finished of an earlier session leaves the live session alone", () => {
    const earlier = stored("room_finished", { now: T + 30 });
    earlier.event.room = {
      ...earlier.event.room,
      sid: "RM_earlier",
      creationTime: String(T - 100),
    };
    const rooms = projectRooms([
      stored("room_started", { now: T + 20 }),
      stored("participant_joined", { now: T + 21, identity: "alice" }),
      earlier,
    ]);
    expect(room(rooms)?.live).toBe(true);
    expect(identities(rooms)).toEqual(["alice"]);
  });

  it("tracks per participant by kind; unpublish removes one; a track implies its participant", () => {
    const video = stored("track_published", { now: T + 2, identity: "alice" });
    const audio = stored("track_published", { now: T + 3, identity: "alice" });
    audio.event.track = { sid: "TR_audio", source: "MICROPHONE", name: "microphone" };
    const bobVideo = stored("track_published", { now: T + 4, identity: "bob" });
    let rooms = projectRooms([
      stored("participant_joined", { now: T + 1, identity: "alice" }),
      video,
      audio,
      video, // a duplicate
      bobVideo,
    ]);
    expect(identities(rooms)).toEqual(["alice", "bob"]);
    expect(tracksByKind(room(rooms)!)).toEqual({ audio: 1, video: 2, data: 0 });
    const alice = room(rooms)!.participants[0]!;
    expect(alice.tracks.map((t) => [t.kind, t.source])).toEqual([
      ["video", "CAMERA"],
      ["audio", "MICROPHONE"],
    ]);

    const unpublish = stored("track_unpublished", { now: T + 5, identity: "alice" });
    unpublish.event.track = { sid: "TR_audio", source: "MICROPHONE" };
    rooms = projectRooms([
      stored("participant_joined", { now: T + 1, identity: "alice" }),
      video,
      audio,
      unpublish,
    ]);
    expect(tracksByKind(room(rooms)!)).toEqual({ audio: 0, video: 1, data: 0 });
  });

  it("a track published by a connection that has left is not shown", () => {
    const rooms = projectRooms([
      stored("participant_joined", { now: T + 1, identity: "alice" }),
      stored("participant_left", { now: T + 2, identity: "alice" }),
      stored("track_published", { now: T + 3, identity: "alice" }),
    ]);
    expect(identities(rooms)).toEqual([]);
  });

  it("egress and ingress run from start to end, whatever order the updates arrive in", () => {
    const started = stored("egress_started", { now: T + 1 });
    const updated = stored("egress_updated", { now: T + 2 });
    const ended = stored("egress_ended", { now: T + 3 });
    let rooms = projectRooms([stored("room_started", { now: T }), started, updated]);
    expect(room(rooms)?.egress.map((e) => e.status)).toEqual(["EGRESS_ACTIVE"]);
    expect(room(rooms)?.egress[0]?.egressId).toBe(started.event.egressInfo?.egressId);

    // the end delivered before the update it follows
    rooms = projectRooms([stored("room_started", { now: T }), started, ended, updated]);
    expect(room(rooms)?.egress).toEqual([]);
    // an update that says the egress is complete ends it too
    const complete = stored("egress_updated", { now: T + 4 });
    (complete.event.egressInfo as { status: string }).status = "EGRESS_COMPLETE";
    rooms = projectRooms([started, complete]);
    expect(room(rooms)?.egress).toEqual([]);

    rooms = projectRooms([stored("ingress_started", { now: T + 1 })]);
    expect(room(rooms)?.ingress.map((i) => [i.name, i.status])).toEqual([
      ["obs", "ENDPOINT_PUBLISHING"],
    ]);
    rooms = projectRooms([
      stored("ingress_ended", { now: T + 2 }),
      stored("ingress_started", { now: T + 1 }),
    ]);
    expect(room(rooms)?.ingress).toEqual([]);
  });

  it("builds on a snapshot: later events change it, the snapshot's connections are remembered", () => {
    const snapshot: RoomState[] = [
      {
        name: "r",
        sid: stableLivekitId("RM_", "r"),
        live: true,
        createdAt: T - 100,
        participants: [
          {
            identity: "alice",
            sid: stableLivekitId("PA_", "r\u0000alice"),
            tracks: [],
          },
        ],
        egress: [],
        ingress: [],
      },
    ];
    let rooms = projectRooms([stored("participant_joined", { now: T, identity: "bob" })], snapshot);
    expect(identities(rooms)).toEqual(["alice", "bob"]);
    rooms = projectRooms([stored("participant_left", { now: T, identity: "alice" })], snapshot);
    expect(identities(rooms)).toEqual([]);
    rooms = projectRooms([stored("room_finished", { now: T })], snapshot);
    expect(liveRooms([], rooms)).toEqual([]);
    // the snapshot itself is not changed
    expect(snapshot[0]?.participants).toHaveLength(1);
  });

  it("keeps rooms apart; events without a room are ignored", () => {
    const other = stored("participant_joined", { now: T, room: "other", identity: "zed" });
    const noRoom: StoredEvent = {
      id: `${T * 1000}-9`,
      receivedAt: T * 1000,
      room: null,
      event: { event: "something_new", id: "EV_x" },
    };
    const rooms = projectRooms([
      stored("participant_joined", { now: T, identity: "alice" }),
      other,
      noRoom,
    ]);
    expect(rooms.map((r) => r.name)).toEqual(["other", "r"]);
    expect(identities(rooms, "other")).toEqual(["zed"]);
    expect(identities(rooms, "r")).toEqual(["alice"]);
  });
});

describe("the agent era in the projection", () => {
  it("an agent job's events belong to job.room's room; a participant's kind is kept", () => {
    const rooms = projectRooms([
      stored("room_started", { now: T }),
      stored("participant_joined", { now: T + 1, identity: "agent-1", kind: "AGENT" }),
      stored("participant_joined", { now: T + 1, identity: "caller", kind: "SIP" }),
      stored("participant_joined", { now: T + 1, identity: "alice" }),
      stored("agent_job_started", { now: T + 2 }),
      stored("agent_job_ended", { now: T + 3 }),
    ]);
    expect(rooms.map((room) => room.name)).toEqual(["r"]);
    const room = rooms[0]!;
    expect(room.live).toBe(true);
    expect(room.updatedAt).toBe(T + 3);
    expect(room.participants.map((p) => [p.identity, p.kind])).toEqual([
      ["agent-1", "AGENT"],
      ["alice", undefined],
      ["caller", "SIP"],
    ]);
  });
});
