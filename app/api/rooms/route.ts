import { getConfig } from "@/lib/config";
import { bearerToken } from "@/lib/credentials";
import { getEventStore } from "@/lib/events";
import { answer, json, methodNotAllowed } from "@/lib/http";
import { authorizeOperator } from "@/lib/rooms/operator";
import { roomsOverview } from "@/lib/rooms/overview";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * The console's rooms: `GET /api/rooms` the live rooms, `?room=R` that room (live or not).
 * Operator credential (roomList) in `Authorization`. From LiveKit's room API, or from the
 * webhook log alone when it cannot be asked (`source: "webhooks"` and the `reason`).
 */
export async function GET(request: Request): Promise<Response> {
  return answer({}, async () => {
    const config = getConfig();
    await authorizeOperator(
      bearerToken(request.headers.get("authorization")),
      { grant: "roomList" },
      config,
    );
    const room = new URL(request.url).searchParams.get("room") || null;
    return json(await roomsOverview(room, config, getEventStore()));
  });
}

export const POST = methodNotAllowed("GET");
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
