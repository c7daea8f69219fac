import { getConfig } from "@/lib/config";
import { authorizeCron, drainNow } from "@/lib/handlers/service";
import { answer, json, methodNotAllowed } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const maxDuration = 300;

/**
 * `GET /api/handlers/drain`: Vercel Cron's call (vercel.json), `Authorization: Bearer
 * <CRON_SECRET>`: runs every handler run due now (pending, due for a retry, or a dead
 * instance's after its lease), then answers how many it took.
 */
export async function GET(request: Request): Promise<Response> {
  return answer({}, async () => {
    authorizeCron(request.headers.get("authorization"), getConfig());
    return json(await drainNow());
  });
}

export const POST = methodNotAllowed("GET");
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
