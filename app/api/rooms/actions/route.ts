import { getConfig } from "@/lib/config";
import { bearerToken } from "@/lib/credentials";
import { answer, json, methodNotAllowed, readJsonObject } from "@/lib/http";
import { parseRoomAction, runRoomAction } from "@/lib/rooms/actions";
import { requireGrant, verifyOperatorCredential } from "@/lib/rooms/operator";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * `POST /api/rooms/actions {action, room, identity?, ...}`: one operator action on LiveKit
 * (lib/rooms/actions: the verbs, the grant each needs), the credential in `Authorization`.
 */
export async function POST(request: Request): Promise<Response> {
  return answer({}, async () => {
    const config = getConfig();
    // The credential first: nobody unverified gets the body read or an answer about it.
    const claims = await verifyOperatorCredential(
      bearerToken(request.headers.get("authorization")),
      config,
    );
    const wanted = parseRoomAction(await readJsonObject(request, 8192));
    const access = requireGrant(claims, wanted.spec.need(wanted.room));
    return json(await runRoomAction(wanted, config, { operator: access.identity }));
  });
}

export const GET = methodNotAllowed("POST");
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
