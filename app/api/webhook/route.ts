import { getConfig } from "@/lib/config";
import { getEventStore } from "@/lib/events";
import { answer, isHttpError, json, methodNotAllowed, readBodyText } from "@/lib/http";
import { logWebhookAccepted, logWebhookRefused } from "@/lib/log";
import { MAX_WEBHOOK_BYTES, verifyWebhook } from "@/lib/webhook";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * LiveKit's webhooks (also at /webhook and /livekit/webhook). 2xx only once stored; 401 for
 * a bad signature and 400 for a bad body end livekit-server's retries; 503 asks it to retry.
 */
export async function POST(request: Request): Promise<Response> {
  return answer({}, async () => {
    try {
      const rawBody = await readBodyText(request, MAX_WEBHOOK_BYTES);
      const event = await verifyWebhook(rawBody, request.headers.get("authorization"), getConfig());
      const result = await getEventStore().append(event);
      logWebhookAccepted(event, result);
      return json(result.stored ? { id: result.id } : { duplicate: true });
    } catch (error) {
      if (isHttpError(error)) logWebhookRefused(error.status, error.detail ?? error.message);
      throw error;
    }
  });
}

export const GET = methodNotAllowed("POST");
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
