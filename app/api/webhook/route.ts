import { after } from "next/server";
import { getConfig } from "@/lib/config";
import { drainOpportunistically, runClaims } from "@/lib/handlers/runner";
import { enqueueForWebhook } from "@/lib/handlers/service";
import { answer, json, methodNotAllowed } from "@/lib/http";
import { receiveWebhookRequest } from "@/lib/webhook";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * LiveKit's webhooks (also at /webhook and /livekit/webhook). 2xx only once stored; 401 for
 * a bad signature and 400 for a bad body end livekit-server's retries; 503 asks it to retry.
 * The JWT is verified (signature, issuer, expiry) before the body is read (lib/webhook).
 * webhook-handlers.ts's runs are recorded (and claimed by this instance) before the 2xx (also
 * for a duplicate: idempotent, no claim) and run after it (`after`: LiveKit never waits on them), with a drain of what is left over.
 */
export async function POST(request: Request): Promise<Response> {
  return answer({}, async () => {
    const { event, result } = await receiveWebhookRequest(request, getConfig());
    const claims = await enqueueForWebhook(event);
    after(async () => {
      if (claims.length > 0) await runClaims(claims);
      await drainOpportunistically();
    });
    return json(result.stored ? { id: result.id } : { duplicate: true });
  });
}

export const GET = methodNotAllowed("POST");
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
