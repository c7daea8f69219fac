/**
 * What a participant must not read in the event log, in one place.
 *
 * A room's participant credential (the join token the page holds) reads the room's events; an
 * operator credential (`roomList`, or `roomAdmin` for the room) reads them whole. Egress and
 * ingress events carry what lets someone publish as the ingress or read and write the egress's
 * storage (livekit/protocol `livekit_egress.proto`, `livekit_ingress.proto`): those fields are
 * replaced by {@link REDACTED} for participants, wherever they appear in the event. An agent
 * job's `metadata` and `attributes` are personal data in LiveKit's `livekit_agent.proto` (what
 * the dispatch or the caller's token handed the agent): replaced too ({@link JOB_PERSONAL_FIELDS}).
 */
import "server-only";
import type { Audience } from "./types";
import type { WebhookEventJson } from "../shared/event-model";

export type { Audience };

export const REDACTED = "[redacted]";

/**
 * Field names (protojson, lowerCamelCase) whose whole value is secret for a participant:
 * - storage upload configs of egress outputs, with their keys: `s3` (accessKey, secret,
 *   sessionToken), `gcp` (credentials), `azure` (accountKey), `aliOSS` (accessKey, secret);
 * - egress webhook configs (`webhooks`, with their signing keys);
 * - the ingress `streamKey` (whoever has it can publish into the room);
 * - addresses that carry keys or name storage: stream output `urls` and result `url` (RTMP URLs
 *   end with the platform's stream key), storage `location`s and playlist locations, `filepath`
 *   templates, a web egress's `url`/`customBaseUrl` and a track egress's `websocketUrl` (they can
 *   carry tokens), and the ingress `url` (a pull source's URL can carry credentials);
 * - a room's `turnPassword` (older servers send the TURN credential in the room).
 */
export const SECRET_FIELDS: ReadonlySet<string> = new Set([
  "s3",
  "gcp",
  "azure",
  "aliOSS",
  "webhooks",
  "streamKey",
  "urls",
  "url",
  "location",
  "playlistLocation",
  "livePlaylistLocation",
  "manifestLocation",
  "filepath",
  "customBaseUrl",
  "websocketUrl",
  "turnPassword",
]);

/**
 * Fields of an agent_job_*'s `job` (a livekit.Job) that a participant does not read: what the
 * dispatch gave the agent (`metadata`) and the job's `attributes`, both personal data in
 * LiveKit's proto. Only at the job's top level: its `room` is redacted like any room.
 */
export const JOB_PERSONAL_FIELDS: ReadonlySet<string> = new Set(["metadata", "attributes"]);

/** The parts of an event that can hold secrets; the rest (participant, track) is left as sent. */
const SECRET_BEARING = ["room", "egressInfo", "ingressInfo", "job"] as const;

/** A copy of `event` without {@link SECRET_FIELDS} (the original is never changed). */
export function redactEvent(event: WebhookEventJson): WebhookEventJson {
  if (!SECRET_BEARING.some((part) => event[part] !== undefined)) return event;
  const copy: WebhookEventJson = { ...event };
  for (const part of SECRET_BEARING) {
    if (event[part] !== undefined) {
      (copy as Record<string, unknown>)[part] = redactValue(event[part]);
    }
  }
  const job = copy.job as unknown;
  if (typeof job === "object" && job !== null && !Array.isArray(job)) {
    copy.job = Object.fromEntries(
      Object.entries(job).map(([key, value]) => [
        key,
        JOB_PERSONAL_FIELDS.has(key) ? REDACTED : value,
      ]),
    );
  }
  return copy;
}

function redactValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactValue);
  if (typeof value !== "object" || value === null) return value;
  const result: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    result[key] = SECRET_FIELDS.has(key) ? REDACTED : redactValue(inner);
  }
  return result;
}

/**
 * Whether a participant may see `event` at all: not when it is about a hidden participant
 * (`permission.hidden`: recorders, observers, agents joined hidden), whom LiveKit never shows to
 * the others in the room; an operator sees it.
 */
export function visibleToParticipants(event: WebhookEventJson): boolean {
  const permission = event.participant?.permission as { hidden?: unknown } | undefined;
  return permission?.hidden !== true;
}
