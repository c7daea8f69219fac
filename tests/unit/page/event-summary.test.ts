import { describe, expect, it } from "vitest";
import {
  familyOf,
  formatTime,
  matchesFilter,
  mergeEntries,
  subjectOf,
  timeOf,
  type LogEntry,
  type LogEvent,
} from "@/app/components/event-summary";
import { buildWebhookEvent, EVENT_TYPES } from "@/lib/livekit-wire";

const entry = (id: string, event: LogEvent, receivedAt = 1_761_100_000_000): LogEntry => ({
  id,
  receivedAt,
  room: event.room?.name ?? null,
  event,
});
const wire = (...args: Parameters<typeof buildWebhookEvent>) =>
  buildWebhookEvent(...args) as unknown as LogEvent;

describe("familyOf", () => {
  it("sorts every event type livekit-server sends into its family", () => {
    const families = Object.fromEntries(EVENT_TYPES.map((type) => [type, familyOf(type)]));
    expect(families).toEqual({
      room_started: "room",
      room_finished: "room",
      participant_joined: "participant",
      participant_left: "participant",
      participant_connection_aborted: "participant",
      track_published: "track",
      track_unpublished: "track",
      egress_started: "egress",
      egress_updated: "egress",
      egress_ended: "egress",
      ingress_started: "ingress",
      ingress_ended: "ingress",
    });
  });

  it("puts newer event types in 'other'", () => {
    expect(familyOf("agent_job_started")).toBe("other");
    expect(familyOf("other_thing")).toBe("other");
    expect(familyOf("")).toBe("other");
  });
});

describe("subjectOf", () => {
  it("names the participant, with the display name when it differs from the identity", () => {
    const event = wire("participant_joined", { identity: "alice-3f9c" });
    expect(subjectOf(event)).toBe("alice-3f9c");
    event.participant = { ...event.participant, name: "Alice" };
    expect(subjectOf(event)).toBe("Alice (alice-3f9c)");
  });

  it("gives a track's source and kind; protojson omits AUDIO, the zero value", () => {
    expect(subjectOf(wire("track_published", { identity: "bob" }))).toBe("bob — camera · video");
    const audio = wire("track_unpublished", { identity: "bob" });
    expect(audio.track?.type).toBeUndefined();
    expect(subjectOf(audio)).toBe("bob — microphone · audio");
    const screen = wire("track_published", { identity: "bob" });
    screen.track = { source: "SCREEN_SHARE_AUDIO" };
    expect(subjectOf(screen)).toBe("bob — screen share audio · audio");
  });

  it("names the room, the egress and the ingress", () => {
    expect(subjectOf(wire("room_started", { room: "standup" }))).toBe("standup");
    const egress = wire("egress_ended", { room: "standup" });
    const egressId = (egress.egressInfo as { egressId: string }).egressId;
    expect(subjectOf(egress)).toBe(`${egressId} · complete`);
    expect(subjectOf(wire("ingress_started", { room: "standup" }))).toBe("obs · publishing");
  });

  it("falls back to the room for unknown events, and to nothing", () => {
    expect(subjectOf({ event: "agent_job_started", id: "EV_1", room: { name: "r" } })).toBe("r");
    expect(subjectOf({ event: "agent_job_started", id: "EV_1" })).toBe("");
  });
});

describe("timeOf", () => {
  it("uses LiveKit's createdAt (Unix seconds, a string), else the time the server stored it", () => {
    expect(
      timeOf(entry("1-0", { event: "room_started", id: "EV_1", createdAt: "1761100000" })),
    ).toEqual(new Date(1_761_100_000_000));
    expect(timeOf(entry("1-0", { event: "room_started", id: "EV_1" }, 1234))).toEqual(
      new Date(1234),
    );
  });

  it("formats as 24-hour HH:MM:SS", () => {
    expect(formatTime(new Date(2026, 0, 1, 13, 5, 9))).toMatch(/^13.05.09$/);
  });
});

describe("matchesFilter", () => {
  const joined = entry("1-0", wire("participant_joined"));
  it("filters by family and by type", () => {
    expect(matchesFilter(joined, "all")).toBe(true);
    expect(matchesFilter(joined, "family:participant")).toBe(true);
    expect(matchesFilter(joined, "family:track")).toBe(false);
    expect(matchesFilter(joined, "type:participant_joined")).toBe(true);
    expect(matchesFilter(joined, "type:participant_left")).toBe(false);
  });
});

describe("mergeEntries", () => {
  const a = entry("100-0", wire("room_started"));
  const b = entry("100-1", wire("participant_joined"));
  const c = entry("101-0", wire("participant_left"));

  it("keeps store order, once per id", () => {
    const log = mergeEntries([a, c], [b, a], 10);
    expect(log.map((item) => item.id)).toEqual(["100-0", "100-1", "101-0"]);
  });

  it("returns the same array when nothing is new (React skips the render)", () => {
    const log = [a, b];
    expect(mergeEntries(log, [a], 10)).toBe(log);
  });

  it("keeps the newest `max`", () => {
    expect(mergeEntries([a, b], [c], 2).map((item) => item.id)).toEqual(["100-1", "101-0"]);
  });
});
