import { describe, expect, it } from "vitest";
import { parseTestEventRequest } from "@/lib/rooms/test-event";
import { buildWebhookEvent } from "@/lib/livekit-wire";
import {
  EVENT_CATALOGUE,
  EVENT_TYPES,
  FAMILIES,
  familyOf,
  isEnding,
  roomOfEvent,
  endReasonOf,
  kindLabel,
  parseKindChoice,
  participantKindOf,
  summaryOf,
} from "@/lib/shared/event-catalogue";
import type { WebhookEventJson } from "@/lib/shared/event-model";

const wire = (...args: Parameters<typeof buildWebhookEvent>) =>
  buildWebhookEvent(...args) as unknown as WebhookEventJson;

describe("the event catalogue", () => {
  it("is the one list: the server's test-event validation accepts exactly its types", () => {
    for (const type of EVENT_TYPES) {
      expect(parseTestEventRequest({ room: "r", type }).type).toBe(type);
    }
    let refusal: unknown;
    try {
      parseTestEventRequest({ room: "r", type: "room_exploded" });
    } catch (error) {
      refusal = error;
    }
    expect((refusal as Error).message).toBe(
      `type must be one of ${Object.keys(EVENT_CATALOGUE).join(", ")}`,
    );
  });

  it("describes every type the simulator makes in LiveKit's wire shape", () => {
    for (const type of EVENT_TYPES) {
      const event = wire(type, { room: "standup", identity: "alice" });
      const entry = EVENT_CATALOGUE[type];
      expect(event.event, type).toBe(type);
      expect(roomOfEvent(event), type).toBe("standup");
      expect(familyOf(type), type).toBe(type.split("_", 1)[0]);
      expect(FAMILIES, type).toContain(entry.family);
      expect(isEnding(type), type).toBe(/_(finished|left|aborted|unpublished|ended)$/.test(type));
      expect(summaryOf(event), type).not.toBe("");
      if (entry.aboutParticipant) expect(summaryOf(event), type).toContain("alice");
    }
  });

  it("finds the room of egress and ingress events that carry it only in their info", () => {
    const egress = wire("egress_updated", { room: "standup" });
    delete egress.room;
    expect(roomOfEvent(egress)).toBe("standup");
    const ingress = wire("ingress_ended", { room: "standup" });
    delete ingress.room;
    expect(roomOfEvent(ingress)).toBe("standup");
  });

  it("takes a type it does not list as 'other', in the room it names, ending nothing", () => {
    const event = { event: "future_thing", id: "EV_1", room: { name: "r" } };
    expect(familyOf(event.event)).toBe("other");
    expect(roomOfEvent(event)).toBe("r");
    expect(isEnding(event.event)).toBe(false);
    expect(FAMILIES.at(-1)).toBe("other");
  });
});

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
      agent_job_started: "agent",
      agent_job_ended: "agent",
    });
  });

  it("puts newer event types in 'other'", () => {
    // @livekit/protocol 1.52 has no agent_job_pending (JS_PENDING is only a job status).
    expect(familyOf("agent_job_pending")).toBe("other");
    expect(familyOf("other_thing")).toBe("other");
    expect(familyOf("")).toBe("other");
  });
});

describe("summaryOf (the log row's subject)", () => {
  it("names the participant, with the display name when it differs from the identity", () => {
    const event = wire("participant_joined", { identity: "alice-3f9c" });
    expect(summaryOf(event)).toBe("alice-3f9c");
    event.participant = { ...event.participant, name: "Alice" };
    expect(summaryOf(event)).toBe("Alice (alice-3f9c)");
  });

  it("gives a track's source and kind; protojson omits AUDIO, the zero value", () => {
    expect(summaryOf(wire("track_published", { identity: "bob" }))).toBe("bob — camera · video");
    const audio = wire("track_unpublished", { identity: "bob" });
    expect(audio.track?.type).toBeUndefined();
    expect(summaryOf(audio)).toBe("bob — microphone · audio");
    const screen = wire("track_published", { identity: "bob" });
    screen.track = { source: "SCREEN_SHARE_AUDIO" };
    expect(summaryOf(screen)).toBe("bob — screen share audio · audio");
  });

  it("names the room, the egress and the ingress", () => {
    expect(summaryOf(wire("room_started", { room: "standup" }))).toBe("standup");
    const egress = wire("egress_ended", { room: "standup" });
    const egressId = (egress.egressInfo as { egressId: string }).egressId;
    expect(summaryOf(egress)).toBe(`${egressId} · complete`);
    expect(summaryOf(wire("ingress_started", { room: "standup" }))).toBe("obs · publishing");
  });

  it("falls back to the room for unknown events, and to nothing", () => {
    expect(summaryOf({ event: "agent_job_pending", id: "EV_1", room: { name: "r" } })).toBe("r");
    expect(summaryOf({ event: "agent_job_pending", id: "EV_1" })).toBe("");
  });
});

describe("the agent era: agent jobs, participant kinds, why things ended", () => {
  it("takes an agent job's room from job.room.name: the event has no top-level room", () => {
    const started = wire("agent_job_started", { room: "support-1", agentName: "helper" });
    expect(started.room).toBeUndefined();
    expect(started.job?.room?.name).toBe("support-1");
    expect(roomOfEvent(started)).toBe("support-1");
    expect(isEnding("agent_job_started")).toBe(false);
    expect(isEnding("agent_job_ended")).toBe(true);
    // A type newer than the catalogue that carries a job still reaches its room.
    expect(
      roomOfEvent({ event: "agent_job_pending", id: "EV_1", job: { room: { name: "x" } } }),
    ).toBe("x");
  });

  it("summarises a job: its agent, the participant it serves, its status, its error", () => {
    expect(summaryOf(wire("agent_job_started", { agentName: "helper" }))).toBe("helper · running");
    expect(summaryOf(wire("agent_job_ended", { agentName: "helper" }))).toBe("helper · success");
    const failed = wire("agent_job_ended", { agentName: "helper" });
    failed.job = {
      ...failed.job,
      participant: { identity: "caller-1", kind: "SIP" },
      state: { status: "JS_FAILED", error: "worker crashed" },
    };
    expect(summaryOf(failed)).toBe("helper — caller-1 · failed · worker crashed");
    expect(participantKindOf(failed)).toBe("SIP caller");
  });

  it("names a participant's kind unless it is a person (STANDARD, omitted on the wire)", () => {
    expect(wire("participant_joined").participant).not.toHaveProperty("kind");
    expect(participantKindOf(wire("participant_joined"))).toBeNull();
    expect(participantKindOf(wire("participant_joined", { kind: "STANDARD" }))).toBeNull();
    const agent = wire("participant_joined", { kind: "AGENT" });
    expect(agent.participant?.kind).toBe("AGENT");
    expect(participantKindOf(agent)).toBe("agent");
    expect(["SIP", "EGRESS", "INGRESS", "BRIDGE", "NEW_KIND"].map(kindLabel)).toEqual([
      "SIP caller",
      "egress",
      "ingress",
      "bridge",
      "new kind",
    ]);
    expect(parseKindChoice("sip")).toBe("SIP");
    expect(parseKindChoice("robot")).toBeNull();
  });

  it("says why someone left and why a room ended, in words", () => {
    const left = wire("participant_left", { identity: "bob" });
    expect(summaryOf(left)).toBe("bob · client initiated");
    const removed = wire("participant_left", { identity: "bob", disconnectReason: "ROOM_DELETED" });
    expect(endReasonOf(removed)).toBe("room deleted");
    const finished = {
      ...wire("room_finished", { room: "standup" }),
      roomEndReason: "ROOM_END_API_DELETE",
    };
    expect(summaryOf(finished)).toBe("standup · api delete");
    // 1.13.5 sends no roomEndReason; the unknown zero values say nothing.
    expect(summaryOf(wire("room_finished", { room: "standup" }))).toBe("standup");
    expect(endReasonOf({ ...finished, roomEndReason: "ROOM_END_UNKNOWN" })).toBeNull();
  });

  it("the test-event request takes a kind and an agent name, and refuses an unknown kind", () => {
    const request = parseTestEventRequest({ room: "r", type: "participant_joined", kind: "agent" });
    expect(request.kind).toBe("AGENT");
    expect(parseTestEventRequest({ room: "r", type: "agent_job_started" }).agentName).toBe(
      "test-agent",
    );
    expect(() => parseTestEventRequest({ room: "r", kind: "robot" })).toThrow(
      /kind must be one of/,
    );
  });
});
