/** Sends webhooks to a running server the way livekit-server does (see scripts/livekit-wire.ts). */
import {
  buildWebhookEvent,
  encodeWireJson,
  postWebhook,
  signWebhook,
  type EventOptions,
} from "@/lib/livekit-wire";
import type { EventType } from "@/lib/shared/event-catalogue";
import { TEST_API_KEY, TEST_API_SECRET } from "./keys";

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
