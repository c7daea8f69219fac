import { getConfig } from "@/lib/config";
import { bearerToken } from "@/lib/credentials";
import { answer, json, methodNotAllowed } from "@/lib/http";
import { removeParticipant } from "@/lib/rooms/livekit-api";
import { authorizeOperator } from "@/lib/rooms/operator";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** `DELETE /api/rooms/<room>/participants/<identity>`: LiveKit disconnects them (roomAdmin). */
export async function DELETE(
  request: Request,
  { params }: { params: Promise<{ room: string; identity: string }> },
): Promise<Response> {
  return answer({}, async () => {
    const { room, identity } = await params;
    const config = getConfig();
    await authorizeOperator(
      bearerToken(request.headers.get("authorization")),
      { room, admin: true },
      config,
    );
    await removeParticipant(config, room, identity);
    return json({
      room,
      identity,
      message: `LiveKit removed ${identity} from ${room} (RemoveParticipant answered OK)`,
    });
  });
}

export const GET = methodNotAllowed("DELETE");
export const POST = GET;
export const PUT = GET;
export const PATCH = GET;
