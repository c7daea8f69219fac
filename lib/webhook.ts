import "server-only";
import { WebhookReceiver } from "livekit-server-sdk";
import type { Config } from "./config";
import { getEventStore } from "./events";
import { HttpError, isHttpError } from "./http";
import { logWebhookAccepted, logWebhookRefused } from "./log";
import type { AppendResult, WebhookEventJson } from "./events/types";

/** LiveKit's events are a few KB; egress events with many files stay far below this. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;

const receivers = new Map<string, WebhookReceiver>();

function receiverFor(config: Pick<Config, "apiKey" | "apiSecret">): WebhookReceiver {
  const key = `${config.apiKey}\u0000${config.apiSecret}`;
  let receiver = receivers.get(key);
  if (!receiver) {
    receiver = new WebhookReceiver(config.apiKey, config.apiSecret);
    receivers.set(key, receiver);
  }
  return receiver;
}

/**
 * Verifies a webhook exactly as livekit-server signed it and returns the event as plain JSON.
 *
 * `rawBody` must be the body text as received: the signature covers its bytes (livekit-server
 * may or may not put a space after each comma), so it is never re-serialised before the check.
 * The SDK checks the JWT's signature, issuer (= API key), expiry and the body's sha256; any
 * failure is a 401. A signed body that is not a LiveKit event is a 400. The SDK's protobuf
 * object is only the proof of shape: we keep the parsed JSON, which keeps int64 values as the
 * strings LiveKit sent and every field and event type a newer server adds.
 */
export async function verifyWebhook(
  rawBody: string,
  authorization: string | null,
  config: Pick<Config, "apiKey" | "apiSecret">,
): Promise<WebhookEventJson> {
  // livekit-server sends the bare JWT; tolerate a "Bearer " prefix from hand-made requests.
  const jwt = authorization?.replace(/^Bearer\s+/i, "").trim() ?? "";
  if (!jwt) throw new HttpError(401, "the Authorization header with the webhook's JWT is missing");
  try {
    await receiverFor(config).receive(rawBody, jwt);
  } catch (error) {
    throw classifyReceiveError(error);
  }
  const event = JSON.parse(rawBody) as Record<string, unknown>;
  if (typeof event.event !== "string" || event.event === "") {
    throw new HttpError(400, "the webhook has no event type");
  }
  if (typeof event.id !== "string" || event.id === "") {
    throw new HttpError(400, "the webhook has no event id");
  }
  return event as WebhookEventJson;
}

/**
 * `receive` verifies before it parses, so a JSON or protobuf decoding error means the
 * signature held and the body is the problem (400); everything else is a refused credential.
 */
function classifyReceiveError(error: unknown): HttpError {
  if (error instanceof SyntaxError) return new HttpError(400, "the webhook body is not valid JSON");
  const message = error instanceof Error ? error.message : String(error);
  if (message.startsWith("cannot decode")) {
    return new HttpError(400, `the webhook body is not a LiveKit event: ${message}`);
  }
  if (message.includes("sha256")) {
    return new HttpError(401, "the body does not match the signature's sha256");
  }
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case "ERR_JWT_EXPIRED":
      return new HttpError(401, "the webhook's JWT has expired");
    case "ERR_JWT_CLAIM_VALIDATION_FAILED":
      return new HttpError(401, `the webhook's JWT was refused: ${message}`);
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
      return new HttpError(401, "the webhook's signature does not match this server's API secret");
    default:
      return new HttpError(401, "the webhook's Authorization header is not a valid JWT");
  }
}

/**
 * The webhook intake: verify the exact bytes received, store the event once, log the decision.
 * (Minimal version of contract C1 for the console's test events; the stream helper owns it.)
 */
export async function receiveWebhook(
  rawBody: Uint8Array,
  authorization: string | null,
  config: Pick<Config, "apiKey" | "apiSecret">,
): Promise<{ event: WebhookEventJson; result: AppendResult }> {
  try {
    const event = await verifyWebhook(new TextDecoder().decode(rawBody), authorization, config);
    const result = await getEventStore().append(event);
    logWebhookAccepted(event, result);
    return { event, result };
  } catch (error) {
    if (isHttpError(error)) logWebhookRefused(error.status, error.detail ?? error.message);
    throw error;
  }
}
