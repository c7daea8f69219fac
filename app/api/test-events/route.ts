import { getConfig } from "@/lib/config";
import { bearerToken } from "@/lib/credentials";
import { answer, json, methodNotAllowed, readJsonObject } from "@/lib/http";
import { authorizeOperator } from "@/lib/rooms/operator";
import { parseTestEventRequest, sendTestEvent } from "@/lib/rooms/test-event";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * `POST /api/test-events {room, type?, identity?, kind?, agentName?}`: a signed event in LiveKit's wire shape,
 * delivered through the webhook intake (roomAdmin for that room, in `Authorization`).
 */
export async function POST(request: Request): Promise<Response> {
  return answer({}, async () => {
    const config = getConfig();
    const token = bearerToken(request.headers.get("authorization"));
    const body = await readJsonObject(request, 4096);
    const wanted = parseTestEventRequest(body);
    await authorizeOperator(token, { grant: "roomAdmin", room: wanted.room }, config);
    const { event, result } = await sendTestEvent(wanted, config);
    return json({ eventId: event.id, type: event.event, room: wanted.room, ...result });
  });
}

export const GET = methodNotAllowed("POST");
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
