/**
 * Every webhook event type this app knows, in one table: its family (the log row's look and
 * filter), where it names its room, whether it ends something an earlier event began, and how
 * the page and the console summarise it. The server's validation (the test-event request), the
 * simulator, the room projection, the page's log and the console all read this table, so adding
 * a type is adding its entry here (and, if wanted, its body to the simulator, lib/livekit-wire).
 * Types not listed pass through everywhere as the family "other".
 */
import type { WebhookEventJson } from "./event-model";

export interface CatalogueEntry {
  /** The group a row belongs to in the log's look and filter. */
  family: string;
  /** The room the event belongs to, wherever LiveKit puts it for this type. */
  roomOf: (event: WebhookEventJson) => string | null;
  /** It ends what an earlier event of its family began: a leave, an unpublish, an egress's end. */
  ends: boolean;
  /** It is about a participant: the simulator and the test-event form take an identity for it. */
  aboutParticipant: boolean;
  /** Who or what the event is about, in one line: the log row's subject. */
  summary: (event: WebhookEventJson) => string;
}

/** LiveKit's enum names as words: SCREEN_SHARE_AUDIO → "screen share audio". */
export function words(value: string): string {
  return value.toLowerCase().replace(/_/g, " ");
}

/** An EgressStatus in words: EGRESS_LIMIT_REACHED → "limit reached". */
export function egressStatusWords(status: string): string {
  return words(status.replace(/^EGRESS_/, ""));
}

/** An IngressState status in words: ENDPOINT_PUBLISHING → "publishing". */
export function ingressStatusWords(status: string): string {
  return words(status.replace(/^ENDPOINT_/, ""));
}

function nonEmpty(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

/** The room as the event's `room` names it (room, participant and track events). */
const roomField = (event: WebhookEventJson) => nonEmpty(event.room?.name);
const egressRoom = (event: WebhookEventJson) =>
  roomField(event) ?? nonEmpty(event.egressInfo?.roomName);
const ingressRoom = (event: WebhookEventJson) =>
  roomField(event) ?? nonEmpty(event.ingressInfo?.roomName);
/** agent_job_* carry no top-level room: theirs is the job's (`job.room.name`). */
const jobRoom = (event: WebhookEventJson) => nonEmpty(event.job?.room?.name) ?? roomField(event);

/**
 * What a participant is, when not a person: LiveKit's ParticipantInfo.Kind (protojson leaves out
 * STANDARD, the zero value), as the badge the page and the console show. Null for a person.
 */
export const PARTICIPANT_KINDS: Readonly<Record<string, string>> = {
  AGENT: "agent",
  SIP: "SIP caller",
  EGRESS: "egress",
  INGRESS: "ingress",
  CONNECTOR: "connector",
  BRIDGE: "bridge",
};

/** The kinds the simulator and the test-event form offer (`--kind`), in LiveKit's names. */
export const KIND_CHOICES = ["STANDARD", "AGENT", "SIP", "EGRESS", "INGRESS"] as const;
export type KindChoice = (typeof KIND_CHOICES)[number];

/** "agent", "SIP", … (any case) as LiveKit's enum name; null for anything else. */
export function parseKindChoice(value: unknown): KindChoice | null {
  if (typeof value !== "string") return null;
  const upper = value.toUpperCase();
  return (KIND_CHOICES as readonly string[]).includes(upper) ? (upper as KindChoice) : null;
}

/** A participant kind's badge text: "agent", "SIP caller", …; null for STANDARD or none. */
export function kindLabel(kind: unknown): string | null {
  if (typeof kind !== "string" || kind === "" || kind === "STANDARD") return null;
  return PARTICIPANT_KINDS[kind] ?? words(kind);
}

/** The kind of the participant an event is about (its `participant`, or the job's). */
export function participantKindOf(event: WebhookEventJson): string | null {
  return kindLabel(event.participant?.kind ?? event.job?.participant?.kind);
}

/**
 * Why something ended, in words: a leave's DisconnectReason (CLIENT_INITIATED → "client
 * initiated"), a room_finished's RoomEndReason (ROOM_END_API_DELETE → "api delete"). Null when
 * the event gives none (or the unknown zero values).
 */
export function endReasonOf(event: WebhookEventJson): string | null {
  const disconnect = event.participant?.disconnectReason;
  if (typeof disconnect === "string" && disconnect && disconnect !== "UNKNOWN_REASON") {
    return words(disconnect);
  }
  const roomEnd = event.roomEndReason;
  if (typeof roomEnd === "string" && roomEnd && roomEnd !== "ROOM_END_UNKNOWN") {
    return words(roomEnd.replace(/^ROOM_END_/, ""));
  }
  return null;
}

/** A JobStatus in words: JS_RUNNING → "running". */
export function jobStatusWords(status: string): string {
  return words(status.replace(/^JS_/, ""));
}

/** "Alice (alice-3f9c)" when the display name differs from the identity, else the identity. */
export function participantLabel(participant: WebhookEventJson["participant"]): string | null {
  const identity = participant?.identity;
  const name = participant?.name;
  if (identity && name && name !== identity) return `${name} (${identity})`;
  return identity || name || null;
}

/** The participant if the event names one, else the room; then why it ended, if it says. */
const whoOrRoom = (event: WebhookEventJson) =>
  [participantLabel(event.participant) ?? event.room?.name ?? "", endReasonOf(event)]
    .filter(Boolean)
    .join(" · ");

/** "my-agent — alice · running": the agent, the participant it serves (if any), the job's state. */
function jobSummary(event: WebhookEventJson): string {
  const job = event.job;
  if (!job) return whoOrRoom(event);
  const agent = nonEmpty(job.agentName) ?? nonEmpty(job.id) ?? "agent";
  const who = [agent, participantLabel(job.participant)].filter(Boolean).join(" — ");
  const status = nonEmpty(job.state?.status);
  const error = nonEmpty(job.state?.error);
  return [who, status && jobStatusWords(status), error].filter(Boolean).join(" · ");
}

/** protojson omits zero values, so a track without `type` is an audio track (TrackType AUDIO = 0). */
function trackSummary(event: WebhookEventJson): string {
  const track = event.track ?? {};
  const source = track.source ? words(track.source) : "unknown source";
  const kind = words(track.type ?? "AUDIO");
  return [participantLabel(event.participant), `${source} · ${kind}`].filter(Boolean).join(" — ");
}

function egressSummary(event: WebhookEventJson): string {
  if (!event.egressInfo) return whoOrRoom(event);
  const { egressId, status } = event.egressInfo as { egressId?: string; status?: string };
  return [egressId, status && egressStatusWords(status)].filter(Boolean).join(" · ");
}

function ingressSummary(event: WebhookEventJson): string {
  if (!event.ingressInfo) return whoOrRoom(event);
  const { ingressId, name, state } = event.ingressInfo as {
    ingressId?: string;
    name?: string;
    state?: { status?: string };
  };
  return [name || ingressId, state?.status && ingressStatusWords(state.status)]
    .filter(Boolean)
    .join(" · ");
}

const room = { family: "room", roomOf: roomField, aboutParticipant: false, summary: whoOrRoom };
const participant = {
  family: "participant",
  roomOf: roomField,
  aboutParticipant: true,
  summary: whoOrRoom,
};
const track = { family: "track", roomOf: roomField, aboutParticipant: true, summary: trackSummary };
const egress = {
  family: "egress",
  roomOf: egressRoom,
  aboutParticipant: false,
  summary: egressSummary,
};
const ingress = {
  family: "ingress",
  roomOf: ingressRoom,
  aboutParticipant: false,
  summary: ingressSummary,
};

const agent = {
  family: "agent",
  roomOf: jobRoom,
  aboutParticipant: false,
  summary: jobSummary,
};

/**
 * The types livekit-server sends, in the order the page and the console list them. The agent
 * jobs' are @livekit/protocol 1.52's (`livekit_webhook.proto`); it has no agent_job_pending
 * (JS_PENDING is only a job status), so such a type would pass as "other", still in its room.
 */
export const EVENT_CATALOGUE = {
  room_started: { ...room, ends: false },
  room_finished: { ...room, ends: true },
  participant_joined: { ...participant, ends: false },
  participant_left: { ...participant, ends: true },
  participant_connection_aborted: { ...participant, ends: true },
  track_published: { ...track, ends: false },
  track_unpublished: { ...track, ends: true },
  egress_started: { ...egress, ends: false },
  egress_updated: { ...egress, ends: false },
  egress_ended: { ...egress, ends: true },
  ingress_started: { ...ingress, ends: false },
  ingress_ended: { ...ingress, ends: true },
  agent_job_started: { ...agent, ends: false },
  agent_job_ended: { ...agent, ends: true },
} as const satisfies Record<string, CatalogueEntry>;

export type EventType = keyof typeof EVENT_CATALOGUE;
export const EVENT_TYPES = Object.keys(EVENT_CATALOGUE) as EventType[];

/** A catalogued family, or "other" for a type the catalogue does not list. */
export type Family = (typeof EVENT_CATALOGUE)[EventType]["family"] | "other";
/** The families in catalogue order, then "other". */
export const FAMILIES: readonly Family[] = [
  ...new Set(EVENT_TYPES.map((type) => EVENT_CATALOGUE[type].family)),
  "other",
];

export function isEventType(type: unknown): type is EventType {
  return typeof type === "string" && Object.hasOwn(EVENT_CATALOGUE, type);
}

/** What an unlisted type is taken to be: an event of no family, in its room if it names one. */
const UNKNOWN: CatalogueEntry & { family: "other" } = {
  family: "other",
  roomOf: (event) =>
    roomField(event) ??
    nonEmpty(event.egressInfo?.roomName) ??
    nonEmpty(event.ingressInfo?.roomName) ??
    nonEmpty(event.job?.room?.name),
  ends: false,
  aboutParticipant: false,
  summary: whoOrRoom,
};

/** The catalogue's entry for a type; for a type it does not list, what such a type is taken to be. */
export function catalogueEntry(type: string): CatalogueEntry & { family: Family } {
  return isEventType(type) ? EVENT_CATALOGUE[type] : UNKNOWN;
}

export function familyOf(type: string): Family {
  return catalogueEntry(type).family;
}

/** The room an event belongs to, wherever LiveKit puts it for that event type. */
export function roomOfEvent(event: WebhookEventJson): string | null {
  return catalogueEntry(event.event).roomOf(event);
}

/** Whether the event ends something (a leave, an unpublish, a room's or an egress's end). */
export function isEnding(type: string): boolean {
  return catalogueEntry(type).ends;
}

/** The log row's subject: who or what the event is about. */
export function summaryOf(event: WebhookEventJson): string {
  return catalogueEntry(event.event).summary(event);
}
