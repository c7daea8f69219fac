import { after } from "next/server";
import { getConfig } from "@/lib/config";
import { bearerToken } from "@/lib/credentials";
import { runOne } from "@/lib/handlers/runner";
import { retryFailedRun } from "@/lib/handlers/service";
import { answer, json, methodNotAllowed, readJsonObject } from "@/lib/http";
import { authorizeOperator } from "@/lib/rooms/operator";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * `POST /api/handlers/runs/retry {eventId, handler}`: a failed run made pending again with its
 * attempts reset (operator: roomList), run after the answer; 404 unless that run is failed.
 */
export async function POST(request: Request): Promise<Response> {
  return answer({}, async () => {
    await authorizeOperator(
      bearerToken(request.headers.get("authorization")),
      { grant: "roomList" },
      getConfig(),
    );
    const run = await retryFailedRun(await readJsonObject(request, 4096));
    after(() => runOne(run.eventId, run.handler).catch(() => {}));
    return json({ retried: run });
  });
}

export const GET = methodNotAllowed("POST");
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
