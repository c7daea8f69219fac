import type { NextApiRequest, NextApiResponse } from "next";
import { clientKey } from "@/lib/client-address";
import { getConfig } from "@/lib/config";
import { getEventStore } from "@/lib/events";
import { parseEventStreamRequest } from "@/lib/events/request";
import { openEventStream } from "@/lib/events/stream";
import { corsHeaders, errorResponse, methodNotAllowed, preflight } from "@/lib/http";
import { headerGetter, queryOf, sendResponse, writeEventStream } from "@/lib/node-adapter";
import { acquireStreamSlot } from "@/lib/rate-limit";

/**
 * `GET /api/events`: the one route on the Pages Router, because an event stream is the one
 * place the App Router's cost shows: here each event is one `res.write` instead of a pass
 * through Next's web-stream pipe (measured: docs/performance.md).
 */
export const config = {
  api: { bodyParser: false, responseLimit: false, externalResolver: true },
  /** Vercel Hobby's ceiling; the stream ends itself earlier (SSE_MAX_SECONDS) and resumes by id. */
  maxDuration: 300,
};

export default async function events(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  const settings = getConfig();
  const cors = {
    origin: settings.corsOrigin,
    methods: "GET, OPTIONS",
    headers: "Authorization, Last-Event-ID",
  };
  if (req.method === "OPTIONS") return sendResponse(res, preflight(cors));
  if (req.method !== "GET" && req.method !== "HEAD") {
    return sendResponse(res, methodNotAllowed(cors.methods)());
  }
  let release = () => {};
  try {
    const header = headerGetter(req);
    const request = await parseEventStreamRequest(queryOf(req), header, settings);
    const client = clientKey(header, settings, req.socket.remoteAddress ?? null);
    release = acquireStreamSlot(client, request.credential, settings);
    const stream = await openEventStream({
      store: getEventStore(),
      room: request.room,
      lastEventId: request.lastEventId,
      limit: request.limit,
      audience: request.audience,
      expiresAt: request.expiresAt,
      maxSeconds: settings.sseMaxSeconds,
      heartbeatSeconds: settings.sseHeartbeatSeconds,
    });
    writeEventStream(res, stream, corsHeaders(cors), release);
  } catch (error) {
    release();
    await sendResponse(res, errorResponse(error), corsHeaders(cors));
  }
}
