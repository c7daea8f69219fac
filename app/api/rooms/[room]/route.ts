import { getConfig } from "@/lib/config";
import { bearerToken } from "@/lib/credentials";
import { answer, json, methodNotAllowed } from "@/lib/http";
import { deleteRoom } from "@/lib/rooms/livekit-api";
import { authorizeOperator } from "@/lib/rooms/operator";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** `DELETE /api/rooms/<room>`: ends the room through LiveKit (roomAdmin for that room). */
export async function DELETE(
  request: Request,
  { params }: { params: Promise<{ room: string }> },
): Promise<Response> {
  return answer({}, async () => {
    const { room } = await params;
    const config = getConfig();
    await authorizeOperator(
      bearerToken(request.headers.get("authorization")),
      { room, admin: true },
      config,
    );
    await deleteRoom(config, room);
    return json({ room, message: `LiveKit ended room ${room} (DeleteRoom answered OK)` });
  });
}

export const GET = methodNotAllowed("DELETE");
export const POST = GET;
export const PUT = GET;
export const PATCH = GET;
