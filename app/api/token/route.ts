import { getConfig } from "@/lib/config";
import { answer, corsHeaders, json, methodNotAllowed, preflight, readJsonObject } from "@/lib/http";
import { createParticipantToken, parseTokenRequest } from "@/lib/token";
import { checkTokenRateLimit } from "@/lib/rate-limit";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const MAX_BODY_BYTES = 16 * 1024;

function cors() {
  const { corsOrigin } = getConfig();
  return { origin: corsOrigin, methods: "POST, OPTIONS", headers: "Content-Type, Authorization" };
}

/** `{roomName, participantName[, identity, metadata]}` → `{token, serverUrl}`. Also at /token. */
export async function POST(request: Request): Promise<Response> {
  return answer(corsHeaders(cors()), async () => {
    const config = getConfig();
    await checkTokenRateLimit(request, config);
    const tokenRequest = parseTokenRequest(await readJsonObject(request, MAX_BODY_BYTES));
    const token = await createParticipantToken(tokenRequest, config);
    return json({ token, serverUrl: config.livekitUrl });
  });
}

export function OPTIONS(): Response {
  return preflight(cors());
}

export const GET = methodNotAllowed("POST, OPTIONS");
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
