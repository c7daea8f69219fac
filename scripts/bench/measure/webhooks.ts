/**
 * Signed webhooks for the load generators: each one a fresh LiveKit event id (a repeated id would
 * only measure the dedupe path), in livekit-server's wire shape and signature.
 */
import {
  buildWebhookEvent,
  encodeWireJson,
  livekitId,
  signWebhook,
} from "../../../lib/livekit-wire";
import type { LoadTarget } from "./http-load";

export interface SignedWebhook {
  /** The LiveKit event id (`EV_…`), the key that matches a delivery to its POST. */
  eventId: string;
  body: string;
  authorization: string;
}

const PLACEHOLDER_ID = "EV_PLACEHOLDER";

/**
 * A factory of `participant_joined` webhooks for `room` (a full room and participant,
 * LiveKit's most common event). The body is encoded once; each call splices in a new id and
 * signs the result, so the load generator's own cost per request stays small next to the
 * server's.
 */
export function signedWebhooks(
  room: string,
  apiKey: string,
  apiSecret: string,
): () => SignedWebhook {
  const template = encodeWireJson(
    buildWebhookEvent("participant_joined", { room, id: PLACEHOLDER_ID }),
  );
  const at = template.indexOf(`"${PLACEHOLDER_ID}"`) + 1;
  const before = template.slice(0, at);
  const after = template.slice(at + PLACEHOLDER_ID.length);
  return () => {
    const eventId = livekitId("EV_");
    const body = before + eventId + after;
    return { eventId, body, authorization: signWebhook(body, apiKey, apiSecret) };
  };
}

/** What a load target needs to POST a fresh signed webhook each request, as livekit-server does. */
export function webhookLoad(
  room: string,
  apiKey: string,
  apiSecret: string,
): Pick<LoadTarget, "method" | "fresh"> {
  const next = signedWebhooks(room, apiKey, apiSecret);
  return {
    method: "POST",
    fresh: () => {
      const { body, authorization } = next();
      return {
        body,
        headers: { Authorization: authorization, "Content-Type": "application/webhook+json" },
      };
    },
  };
}
