import { getConfig } from "@/lib/config";
import { bearerToken } from "@/lib/credentials";
import { recentRuns } from "@/lib/handlers/service";
import { answer, json, methodNotAllowed } from "@/lib/http";
import { authorizeOperator } from "@/lib/rooms/operator";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** `GET /api/handlers/runs`: the handlers' recent runs, newest first (operator: roomList). */
export async function GET(request: Request): Promise<Response> {
  return answer({}, async () => {
    await authorizeOperator(
      bearerToken(request.headers.get("authorization")),
      { grant: "roomList" },
      getConfig(),
    );
    return json(await recentRuns(100));
  });
}

export const POST = methodNotAllowed("GET");
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
