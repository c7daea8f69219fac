import { methodNotAllowed } from "@/lib/http";
import { answerTokenRequest, tokenPreflight } from "@/lib/token-endpoint";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * LiveKit's standard token endpoint, `{room_name?, participant_name?, …}` →
 * `201 {server_url, participant_token, room_name, participant_name}`; a tutorial body
 * (`{roomName, participantName}`) → `200 {token, serverUrl}`. Who gets what: lib/access.ts.
 */
export function POST(request: Request): Promise<Response> {
  return answerTokenRequest(request, "both");
}

export const OPTIONS = tokenPreflight;
export const GET = methodNotAllowed("POST, OPTIONS");
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
