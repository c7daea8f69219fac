import { getConfig } from "@/lib/config";
import { bearerToken, verifyLivekitCredential } from "@/lib/credentials";
import { getEventStore } from "@/lib/events";
import { json, methodNotAllowed } from "@/lib/http";
import { memoryWindowCount } from "@/lib/rate-limit";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * 200 `{ok: true}` while the store works, 503 `{ok: false}` while it does not (Redis down).
 * The counts (events kept, subscribers, rate-limit windows) only for an operator's credential
 * (`Authorization: Bearer <token with roomList>`): they tell an outsider how busy the server is.
 */
export async function GET(request: Request): Promise<Response> {
  const store = await getEventStore().health();
  const status = store.ok ? 200 : 503;
  if (!(await isOperator(request.headers.get("authorization")))) {
    return json({ ok: store.ok }, { status });
  }
  return json({ ok: store.ok, store, rateLimit: { windows: memoryWindowCount() } }, { status });
}

async function isOperator(authorization: string | null): Promise<boolean> {
  const token = bearerToken(authorization);
  if (!token) return false;
  try {
    return Boolean((await verifyLivekitCredential(token, getConfig())).video?.roomList);
  } catch {
    return false;
  }
}

// A JSON 405 (Next's own is an empty body): every answer under /api is JSON.
export const POST = methodNotAllowed("GET");
export const PUT = methodNotAllowed("GET");
export const PATCH = methodNotAllowed("GET");
export const DELETE = methodNotAllowed("GET");
