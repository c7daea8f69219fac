import { getConfig } from "@/lib/config";
import { getEventStore } from "@/lib/events";
import { isEventId } from "@/lib/events/ids";
import { openEventStream } from "@/lib/events/stream";
import { answer, corsHeaders, HttpError, methodNotAllowed, preflight } from "@/lib/http";
import { SSE_HEADERS } from "@/lib/sse";
import { authorizeEventAccess, bearerToken } from "@/lib/token";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
/** Vercel Hobby's ceiling; the stream ends itself earlier (SSE_MAX_SECONDS) and resumes by id. */
export const maxDuration = 300;

const MAX_LIMIT = 1000;

function cors() {
  const { corsOrigin } = getConfig();
  return { origin: corsOrigin, methods: "GET, OPTIONS", headers: "Authorization, Last-Event-ID" };
}

/**
 * Server-sent events of the webhook log: `?room=` with that room's token (Bearer or `token`),
 * or every room with a roomList token. Resumes after `Last-Event-ID` (or `lastEventId`).
 */
export async function GET(request: Request): Promise<Response> {
  return answer(corsHeaders(cors()), async () => {
    const config = getConfig();
    const params = new URL(request.url).searchParams;
    const room = params.get("room") || null;
    await authorizeEventAccess(bearerToken(request), room, config);

    const lastEventId = request.headers.get("last-event-id") || params.get("lastEventId") || null;
    if (lastEventId !== null && !isEventId(lastEventId)) {
      throw new HttpError(400, "Last-Event-ID must be an event id like 1761100000000-0");
    }
    const limitText = params.get("limit") ?? "100";
    const limit = Number(limitText);
    if (!/^\d+$/.test(limitText) || limit > MAX_LIMIT) {
      throw new HttpError(400, `limit must be a whole number from 0 to ${MAX_LIMIT}`);
    }

    const stream = await openEventStream({
      store: getEventStore(),
      room,
      lastEventId,
      limit,
      maxSeconds: config.sseMaxSeconds,
      heartbeatSeconds: config.sseHeartbeatSeconds,
      signal: request.signal,
    });
    return new Response(stream, { headers: SSE_HEADERS });
  });
}

export function OPTIONS(): Response {
  return preflight(cors());
}

export const POST = methodNotAllowed("GET, OPTIONS");
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
