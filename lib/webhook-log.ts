/**
 * One line per webhook decision. Only the event's type, room and id, or the refusal's reason:
 * never a header, a token or a body. Values are JSON-quoted so no input can forge a line.
 */
import "server-only";
import { roomOfEvent } from "./shared/event-catalogue";
import type { AppendResult } from "./events/types";
import type { WebhookEventJson } from "./shared/event-model";

export function logWebhookAccepted(event: WebhookEventJson, result: AppendResult): void {
  const outcome = result.stored ? `stored=${result.id}` : "duplicate";
  console.info(
    `webhook accepted event=${JSON.stringify(event.event)} room=${JSON.stringify(roomOfEvent(event))} id=${JSON.stringify(event.id)} ${outcome}`,
  );
}

export function logWebhookRefused(status: number, reason: string): void {
  console.warn(`webhook refused status=${status} reason=${JSON.stringify(reason)}`);
}
