import { methodNotAllowed } from "@/lib/http";
import { answerTokenRequest, tokenPreflight } from "@/lib/token-endpoint";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * `/token` (rewritten here by next.config.js): the tutorial servers' contract alone,
 * `{roomName, participantName[, identity, metadata]}` → `200 {token, serverUrl}`.
 */
export function POST(request: Request): Promise<Response> {
  return answerTokenRequest(request, "tutorial");
}

export const OPTIONS = tokenPreflight;
export const GET = methodNotAllowed("POST, OPTIONS");
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
