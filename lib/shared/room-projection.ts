/**
 * Room state from webhook events: which rooms are live, who is in each, their tracks by kind,
 * and which egresses and ingresses run. Pure (no I/O, no secret, no server module), so the
 * server's rooms route and the console page run the same code.
 *
 * Webhooks arrive late, twice or unpaired (LiveKit's tracker has `participant_left` without a
 * join, `participant_connection_aborted` in place of one, and a `participant_left` delivered
 * after the same identity's next join). So: events are applied in the order LiveKit made them
 * (`createdAt`, then the store's id, which is arrival order), each LiveKit event id once, and
 * every "ended" is remembered by sid: a leave only removes the connection it names, and nothing
 * revives a room session, a connection, an egress or an ingress that has ended.
 */
import { catalogueEntry, roomOfEvent } from "./event-catalogue";
import { compareEventIds } from "./event-ids";
import type { StoredEvent, WebhookEventJson } from "./event-model";

export type TrackKind = "audio" | "video" | "data";

export interface TrackState {
  sid: string;
  kind: TrackKind;
  /** LiveKit's source: CAMERA, MICROPHONE, SCREEN_SHARE, …; "UNKNOWN" when not given. */
  source: string;
  name?: string;
  /** Muted by its publisher or an operator (from LiveKit's room API only). */
  muted?: boolean;
}

/** What a participant may do, as LiveKit's room API says (the four an operator changes). */
export interface ParticipantPermissionState {
  canPublish: boolean;
  canSubscribe: boolean;
  canPublishData: boolean;
  /** The sources it may publish (CAMERA, MICROPHONE, …); empty: all of them. */
  canPublishSources: string[];
}

/** One agent dispatch of a room (LiveKit's AgentDispatch). */
export interface DispatchState {
  id: string;
  agentName: string;
  metadata?: string;
  /** Unix seconds. */
  createdAt?: number;
  /** The jobs LiveKit started for it so far. */
  jobs: number;
}

export interface ParticipantState {
  identity: string;
  name?: string;
  /** The connection's sid: a new one each time the identity (re)joins. */
  sid?: string;
  /** Unix seconds. */
  joinedAt?: number;
  /** LiveKit's participant kind (STANDARD, AGENT, SIP, EGRESS, INGRESS): the room API's, or a webhook's when not STANDARD. */
  kind?: string;
  metadata?: string;
  /** From the room API only. */
  permission?: ParticipantPermissionState;
  tracks: TrackState[];
}

export interface EgressState {
  egressId: string;
  status: string;
  /** Unix seconds. */
  startedAt?: number;
}

export interface IngressState {
  ingressId: string;
  name?: string;
  status: string;
}

export interface RoomState {
  name: string;
  sid?: string;
  live: boolean;
  /** Unix seconds the room was created (LiveKit's creationTime). */
  createdAt?: number;
  /** The room's metadata (from LiveKit's room API only). */
  metadata?: string;
  /** Unix seconds of the latest event applied to the room. */
  updatedAt?: number;
  participants: ParticipantState[];
  egress: EgressState[];
  ingress: IngressState[];
}

/** What `GET /api/rooms` answers. */
export interface RoomsOverview {
  /** Where the participants and tracks come from: LiveKit's room API, or the webhook log alone. */
  source: "livekit" | "webhooks";
  /** Why the webhook log alone (LiveKit unreachable, refusing, slow). */
  reason?: string;
  /** The newest stored event the answer accounts for: events after it update the rows. */
  lastEventId: string | null;
  rooms: RoomState[];
}

/** Counts of a room's published tracks by kind. */
export function tracksByKind(room: Pick<RoomState, "participants">): Record<TrackKind, number> {
  const counts: Record<TrackKind, number> = { audio: 0, video: 0, data: 0 };
  for (const participant of room.participants) {
    for (const track of participant.tracks) counts[track.kind] += 1;
  }
  return counts;
}

/** Egress states after which an egress no longer runs (LiveKit's EgressStatus). */
const EGRESS_DONE = new Set([
  "EGRESS_COMPLETE",
  "EGRESS_FAILED",
  "EGRESS_ABORTED",
  "EGRESS_LIMIT_REACHED",
]);

/** What is remembered of a room between events: its state plus everything that has ended. */
interface RoomMemory {
  state: RoomState;
  finishedRoomSids: Set<string>;
  /** Set when a room_finished came without a sid: only a room_started or a new sid revives it. */
  finishedWithoutSid: boolean;
  endedParticipantSids: Set<string>;
  endedEgress: Set<string>;
  endedIngress: Set<string>;
}

/** The order LiveKit made the events in: createdAt (seconds), then the store's id. */
export function compareEvents(a: StoredEvent, b: StoredEvent): number {
  return seconds(a.event.createdAt) - seconds(b.event.createdAt) || compareStoreIds(a.id, b.id);
}

function compareStoreIds(a: string, b: string): number {
  try {
    return compareEventIds(a, b);
  } catch {
    return a < b ? -1 : a > b ? 1 : 0;
  }
}

function seconds(value: unknown): number {
  const number = typeof value === "string" || typeof value === "number" ? Number(value) : NaN;
  return Number.isFinite(number) ? number : 0;
}

function optionalSeconds(value: unknown): number | undefined {
  const number = seconds(value);
  return number > 0 ? number : undefined;
}

/** LiveKit's TrackType: protojson omits the zero value, AUDIO. */
function kindOf(track: WebhookEventJson["track"]): TrackKind {
  switch (track?.type) {
    case "VIDEO":
      return "video";
    case "DATA":
      return "data";
    default:
      return "audio";
  }
}

function emptyRoom(name: string): RoomState {
  return { name, live: false, participants: [], egress: [], ingress: [] };
}

function memoryOf(state: RoomState): RoomMemory {
  return {
    state: {
      ...state,
      participants: state.participants.map((p) => ({ ...p, tracks: [...p.tracks] })),
      egress: [...state.egress],
      ingress: [...state.ingress],
    },
    finishedRoomSids: new Set(),
    finishedWithoutSid: false,
    endedParticipantSids: new Set(),
    endedEgress: new Set(),
    endedIngress: new Set(),
  };
}

/**
 * Applies `events` on top of `base` (a snapshot, e.g. from LiveKit's room API; empty for the
 * webhook log alone) and returns every room known, live or not, by name. Input order does not
 * matter; a LiveKit event id seen twice counts once.
 */
export function projectRooms(events: StoredEvent[], base: RoomState[] = []): RoomState[] {
  const rooms = new Map<string, RoomMemory>();
  for (const room of base) rooms.set(room.name, memoryOf(room));
  const seen = new Set<string>();
  const ordered = [...events].sort(compareEvents);
  for (const entry of ordered) {
    const event = entry.event;
    if (typeof event?.id === "string") {
      if (seen.has(event.id)) continue;
      seen.add(event.id);
    }
    const name = roomOfEvent(event);
    if (name === null) continue;
    let memory = rooms.get(name);
    if (!memory) {
      memory = memoryOf(emptyRoom(name));
      rooms.set(name, memory);
    }
    apply(memory, event);
  }
  return [...rooms.values()]
    .map((memory) => memory.state)
    .sort((a, b) => a.name.localeCompare(b.name));
}

function apply(memory: RoomMemory, event: WebhookEventJson): void {
  const room = memory.state;
  const { family, ends } = catalogueEntry(event.event);
  const roomSid = typeof event.room?.sid === "string" && event.room.sid ? event.room.sid : null;
  const creation = optionalSeconds(event.room?.creationTime);
  const at = optionalSeconds(event.createdAt);

  if (family === "room" && ends) {
    if (roomSid) memory.finishedRoomSids.add(roomSid);
    // The end of an earlier session of this name, delivered late, leaves the live one alone.
    const earlierSession =
      room.live &&
      creation !== undefined &&
      room.createdAt !== undefined &&
      creation < room.createdAt;
    if (earlierSession) return;
    if (!roomSid) memory.finishedWithoutSid = true;
    endSession(memory);
    room.updatedAt = at ?? room.updatedAt;
    return;
  }

  const starts = family === "room" && !ends;
  if (starts) {
    if (room.live && roomSid && room.sid && roomSid !== room.sid) endSession(memory);
    if (roomSid) memory.finishedRoomSids.delete(roomSid);
    memory.finishedWithoutSid = false;
  } else if (!room.live) {
    // Only a sign of a session not known to have finished brings a room back: an event of a
    // finished session never does, and an ending (leave, unpublish, egress end) never does.
    const finished = roomSid
      ? memory.finishedRoomSids.has(roomSid)
      : memory.finishedWithoutSid || memory.finishedRoomSids.size > 0;
    if (finished || ends) {
      if (ends) recordEnding(memory, event);
      return;
    }
  }

  room.live = true;
  if (roomSid) room.sid = roomSid;
  if (creation !== undefined && (starts || room.createdAt === undefined)) {
    room.createdAt = creation;
  }
  room.updatedAt = at ?? room.updatedAt;

  if (ends) recordEnding(memory, event);
  else if (family === "participant") join(memory, event);
  else if (family === "track") publish(memory, event);
  else if (family === "egress") egress(memory, event);
  else if (family === "ingress") ingress(memory, event);
}

function endSession(memory: RoomMemory): void {
  const room = memory.state;
  for (const participant of room.participants) {
    if (participant.sid) memory.endedParticipantSids.add(participant.sid);
  }
  for (const item of room.egress) memory.endedEgress.add(item.egressId);
  for (const item of room.ingress) memory.endedIngress.add(item.ingressId);
  room.live = false;
  room.participants = [];
  room.egress = [];
  room.ingress = [];
}

function participantOf(event: WebhookEventJson) {
  const p = event.participant;
  const identity = typeof p?.identity === "string" && p.identity ? p.identity : null;
  const sid = typeof p?.sid === "string" && p.sid ? p.sid : undefined;
  return {
    identity,
    sid,
    name: typeof p?.name === "string" && p.name ? p.name : undefined,
    kind: typeof p?.kind === "string" && p.kind && p.kind !== "STANDARD" ? p.kind : undefined,
  };
}

function join(memory: RoomMemory, event: WebhookEventJson): void {
  const { identity, sid, name, kind } = participantOf(event);
  if (!identity || (sid && memory.endedParticipantSids.has(sid))) return;
  const room = memory.state;
  const existing = room.participants.find((p) => p.identity === identity);
  if (existing?.sid && sid && existing.sid !== sid) {
    // The identity joined again (a reconnect, a second tab): the older connection is over.
    memory.endedParticipantSids.add(existing.sid);
  }
  const joinedAt = optionalSeconds(event.participant?.joinedAt);
  const next: ParticipantState = {
    identity,
    ...(name ? { name } : {}),
    ...(sid ? { sid } : {}),
    ...(joinedAt ? { joinedAt } : {}),
    ...(kind ? { kind } : {}),
    tracks: existing && (!sid || existing.sid === sid) ? existing.tracks : [],
  };
  room.participants = [...room.participants.filter((p) => p.identity !== identity), next].sort(
    (a, b) => a.identity.localeCompare(b.identity),
  );
}

/** An ending: a leave or aborted connection, an unpublished track, an ended egress or ingress. */
function recordEnding(memory: RoomMemory, event: WebhookEventJson): void {
  const room = memory.state;
  switch (catalogueEntry(event.event).family) {
    case "participant": {
      const { identity, sid } = participantOf(event);
      if (sid) memory.endedParticipantSids.add(sid);
      if (!identity) return;
      // A leave without a sid can only mean the identity's current connection.
      room.participants = room.participants.filter(
        (p) => !(p.identity === identity && (!sid || !p.sid || p.sid === sid)),
      );
      return;
    }
    case "track": {
      const trackSid = event.track?.sid;
      if (typeof trackSid !== "string") return;
      for (const participant of room.participants) {
        participant.tracks = participant.tracks.filter((t) => t.sid !== trackSid);
      }
      return;
    }
    case "egress": {
      const id = (event.egressInfo as { egressId?: unknown } | undefined)?.egressId;
      if (typeof id !== "string") return;
      memory.endedEgress.add(id);
      room.egress = room.egress.filter((e) => e.egressId !== id);
      return;
    }
    case "ingress": {
      const id = (event.ingressInfo as { ingressId?: unknown } | undefined)?.ingressId;
      if (typeof id !== "string") return;
      memory.endedIngress.add(id);
      room.ingress = room.ingress.filter((i) => i.ingressId !== id);
      return;
    }
  }
}

function publish(memory: RoomMemory, event: WebhookEventJson): void {
  const { identity, sid } = participantOf(event);
  const trackSid = event.track?.sid;
  if (!identity || typeof trackSid !== "string" || !trackSid) return;
  if (sid && memory.endedParticipantSids.has(sid)) return;
  const room = memory.state;
  let participant = room.participants.find((p) => p.identity === identity);
  if (participant?.sid && sid && participant.sid !== sid) return;
  if (!participant) {
    // Its join was lost or is older than the log: the track shows that it is there.
    participant = { identity, ...(sid ? { sid } : {}), tracks: [] };
    room.participants = [...room.participants, participant].sort((a, b) =>
      a.identity.localeCompare(b.identity),
    );
  }
  const track: TrackState = {
    sid: trackSid,
    kind: kindOf(event.track),
    source: typeof event.track?.source === "string" ? event.track.source : "UNKNOWN",
    ...(typeof event.track?.name === "string" && event.track.name
      ? { name: event.track.name }
      : {}),
  };
  participant.tracks = [...participant.tracks.filter((t) => t.sid !== trackSid), track];
}

function egress(memory: RoomMemory, event: WebhookEventJson): void {
  const info = event.egressInfo as
    { egressId?: unknown; status?: unknown; startedAt?: unknown } | undefined;
  const id = info?.egressId;
  if (typeof id !== "string" || !id || memory.endedEgress.has(id)) return;
  const status = typeof info?.status === "string" ? info.status : "EGRESS_STARTING";
  const room = memory.state;
  if (EGRESS_DONE.has(status)) {
    memory.endedEgress.add(id);
    room.egress = room.egress.filter((e) => e.egressId !== id);
    return;
  }
  // startedAt is in nanoseconds (int64 as a string).
  const nanos = typeof info?.startedAt === "string" ? Number(info.startedAt.slice(0, -9)) : NaN;
  const item: EgressState = {
    egressId: id,
    status,
    ...(Number.isFinite(nanos) && nanos > 0 ? { startedAt: nanos } : {}),
  };
  room.egress = [...room.egress.filter((e) => e.egressId !== id), item];
}

function ingress(memory: RoomMemory, event: WebhookEventJson): void {
  const info = event.ingressInfo as
    { ingressId?: unknown; name?: unknown; state?: { status?: unknown } } | undefined;
  const id = info?.ingressId;
  if (typeof id !== "string" || !id || memory.endedIngress.has(id)) return;
  const item: IngressState = {
    ingressId: id,
    ...(typeof info?.name === "string" && info.name ? { name: info.name } : {}),
    status: typeof info?.state?.status === "string" ? info.state.status : "ENDPOINT_PUBLISHING",
  };
  const room = memory.state;
  room.ingress = [...room.ingress.filter((i) => i.ingressId !== id), item];
}
