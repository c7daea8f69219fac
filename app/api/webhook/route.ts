import { getConfig } from "@/lib/config";
import { answer, isHttpError, json, methodNotAllowed, readBodyBytes } from "@/lib/http";
import { logWebhookRefused } from "@/lib/log";
import { MAX_WEBHOOK_BYTES, receiveWebhook, webhookJwt } from "@/lib/webhook";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * LiveKit's webhooks (also at /webhook and /livekit/webhook). 2xx only once stored; 401 for
 * a bad signature and 400 for a bad body end livekit-server's retries; 503 asks it to retry.
 * A request without a JWT-shaped Authorization is refused before its body is read.
 */
export async function POST(request: Request): Promise<Response> {
  return answer({}, async () => {
    const authorization = request.headers.get("authorization");
    let rawBody: Uint8Array;
    try {
      webhookJwt(authorization);
      rawBody = await readBodyBytes(request, MAX_WEBHOOK_BYTES);
    } catch (error) {
      if (isHttpError(error)) logWebhookRefused(error.status, error.detail ?? error.message);
      throw error;
    }
    const { result } = await receiveWebhook(rawBody, authorization, getConfig());
    return json(result.stored ? { id: result.id } : { duplicate: true });
  });
}

export const GET = methodNotAllowed("POST");
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
