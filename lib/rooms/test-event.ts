import "server-only";
import type { Config } from "../config";
import type { AppendResult } from "../events/types";
import type { WebhookEventJson } from "../shared/event-model";
import { HttpError } from "../http";
import { buildWebhookEvent, encodeWireJson, signWebhook } from "../livekit-wire";
import {
  EVENT_TYPES,
  isEventType,
  KIND_CHOICES,
  parseKindChoice,
  type EventType,
  type KindChoice,
} from "../shared/event-catalogue";
import { MAX_NAME_LENGTH } from "../shared/limits";
import { receiveWebhook } from "../webhook";

/** A test event as an operator (or, in development, the page) asks for it. */
export interface TestEventRequest {
  room: string;
  type: EventType;
  identity: string;
  /** The participant's kind (LiveKit's name), for participant events. */
  kind: KindChoice;
  /** The agent's name, for agent_job_* events. */
  agentName: string;
}

function name(body: Record<string, unknown>, field: string, fallback?: string): string {
  const value = body[field] ?? fallback;
  if (typeof value !== "string" || value.trim() === "") {
    throw new HttpError(400, `${field} must be a non-empty string`, { field });
  }
  if (value.length > MAX_NAME_LENGTH) {
    throw new HttpError(400, `${field} must be at most ${MAX_NAME_LENGTH} characters`, { field });
  }
  return value;
}

/**
 * `{room, type?, identity?, kind?, agentName?}`; type defaults to room_started, identity to
 * "test-participant", kind to standard, agentName to "test-agent".
 */
export function parseTestEventRequest(body: Record<string, unknown>): TestEventRequest {
  const room = name(body, "room");
  const type = body.type ?? "room_started";
  if (!isEventType(type)) {
    throw new HttpError(400, `type must be one of ${EVENT_TYPES.join(", ")}`, { field: "type" });
  }
  const kind = parseKindChoice(body.kind ?? "STANDARD");
  if (!kind) {
    throw new HttpError(400, `kind must be one of ${KIND_CHOICES.join(", ")}`, { field: "kind" });
  }
  return {
    room,
    type,
    identity: name(body, "identity", "test-participant"),
    kind,
    agentName: name(body, "agentName", "test-agent"),
  };
}

/**
 * Makes the event as `npm run webhook` does (lib/livekit-wire: LiveKit's wire shape, signed
 * with this server's key as livekit-server signs it) and hands its bytes to the webhook intake,
 * which verifies and stores it like any webhook: the whole chain, without a LiveKit server.
 */
export async function sendTestEvent(
  request: TestEventRequest,
  config: Pick<Config, "apiKey" | "apiSecret">,
): Promise<{ event: WebhookEventJson; result: AppendResult }> {
  const event = buildWebhookEvent(request.type, {
    room: request.room,
    identity: request.identity,
    kind: request.kind,
    agentName: request.agentName,
  });
  const body = encodeWireJson(event);
  const authorization = signWebhook(body, config.apiKey, config.apiSecret);
  return receiveWebhook(new TextEncoder().encode(body), authorization, config);
}
