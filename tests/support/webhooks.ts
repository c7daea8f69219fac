/** Sends webhooks to a running server the way livekit-server does (see lib/livekit-wire.ts). */
import {
  buildWebhookEvent,
  encodeWireJson,
  postWebhook,
  signWebhook,
  type EventOptions,
  type EventType,
} from "../../lib/livekit-wire";
import { TEST_API_KEY, TEST_API_SECRET } from "./server";

export interface SentWebhook {
  status: number;
  body: Record<string, unknown>;
  /** LiveKit's event id (`EV_…`). */
  eventId: string;
  rawBody: string;
  authorization: string;
}

export interface SendOptions extends EventOptions {
  spaced?: boolean;
  path?: "/api/webhook" | "/webhook" | "/livekit/webhook";
}

/** Builds, signs with the test keys and posts one event; resolves with the server's answer. */
export async function sendWebhook(
  baseUrl: string,
  type: EventType,
  options: SendOptions = {},
): Promise<SentWebhook> {
  const event = buildWebhookEvent(type, options);
  const rawBody = encodeWireJson(event, options.spaced);
  const authorization = signWebhook(rawBody, TEST_API_KEY, TEST_API_SECRET);
  const response = await postWebhook(
    `${baseUrl}${options.path ?? "/api/webhook"}`,
    rawBody,
    authorization,
  );
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    eventId: String(event.id),
    rawBody,
    authorization,
  };
}

/** A participant token for `room` from the server's own /api/token. */
export async function roomToken(baseUrl: string, room: string, name = "viewer"): Promise<string> {
  const response = await fetch(`${baseUrl}/api/token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ roomName: room, participantName: name }),
  });
  if (!response.ok) throw new Error(`token request failed: ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}
