import type { NextApiRequest, NextApiResponse } from "next";
import { getConfig } from "@/lib/config";
import { getEventStore } from "@/lib/events";
import { parseEventStreamRequest } from "@/lib/events/request";
import { openEventStream } from "@/lib/events/stream";
import {
  corsHeaders,
  errorResponse,
  methodNotAllowed,
  preflight,
  sendResponse,
  webRequestOf,
} from "@/lib/http";
import { writeEventStream } from "@/lib/sse";

/**
 * `GET /api/events`: the one route on the Pages Router, because an event stream is the one
 * place the App Router's cost shows. A route handler's ReadableStream reaches the socket
 * through Next's web-stream pipe; here each event is one `res.write`. Measured with
 * `npm run bench` (README, Performance): per delivery ~50 µs → ~21 µs, per idle connection
 * 89 KB → 37 KB, webhook → browser p99 at 1,000 subscribers 79 ms → ~36 ms.
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
  try {
    const request = await parseEventStreamRequest(
      webRequestOf(req, ["authorization", "last-event-id"]),
      settings,
    );
    const stream = await openEventStream({
      store: getEventStore(),
      ...request,
      maxSeconds: settings.sseMaxSeconds,
      heartbeatSeconds: settings.sseHeartbeatSeconds,
    });
    writeEventStream(res, stream, corsHeaders(cors));
  } catch (error) {
    await sendResponse(res, errorResponse(error), corsHeaders(cors));
  }
}
