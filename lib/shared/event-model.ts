/**
 * LiveKit's webhook events as this server keeps and streams them: types only, so the page, the
 * console and the server read one model.
 */

/**
 * A webhook event as LiveKit sent it (protojson): lowerCamelCase, int64 values as strings,
 * enums as names. Only the fields the server reads are typed; everything else passes through.
 */
export interface WebhookEventJson {
  event: string;
  id: string;
  createdAt?: string;
  room?: { name?: string; sid?: string; [field: string]: unknown };
  participant?: { identity?: string; name?: string; sid?: string; [field: string]: unknown };
  track?: { sid?: string; source?: string; type?: string; [field: string]: unknown };
  egressInfo?: { roomName?: string; [field: string]: unknown };
  ingressInfo?: { roomName?: string; [field: string]: unknown };
  /** agent_job_*: a livekit.Job. Its room is `job.room`: these events have no top-level room. */
  job?: {
    id?: string;
    agentName?: string;
    room?: { name?: string; sid?: string; [field: string]: unknown };
    participant?: { identity?: string; name?: string; kind?: string; [field: string]: unknown };
    state?: { status?: string; error?: string; [field: string]: unknown };
    [field: string]: unknown;
  };
  /** room_finished, newer servers: a RoomEndReason name (1.13.5 does not send it). */
  roomEndReason?: string;
  [field: string]: unknown;
}

/**
 * One event in the log, as `/api/events` sends it in each message's `data`. `id` is the
 * store's, monotonic and usable as an SSE id.
 */
export interface StoredEvent {
  id: string;
  /** Unix milliseconds at which this server stored it. */
  receivedAt: number;
  room: string | null;
  event: WebhookEventJson;
}
