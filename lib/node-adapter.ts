/**
 * The Node side of the one Pages Router route (pages/api/events.ts): its request's headers as a
 * getter, answers written to a Node response, and an event stream written straight to the socket.
 * Everything else in lib/ speaks the web's Request/Response; this is the only bridge.
 */
import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { HeaderGetter } from "./http";
import { SSE_HEADERS } from "./events/frames";
import type { EventStream } from "./events/stream";

/** A Node request's header by lowercase name; a repeated header's values joined as Headers does. */
export function headerGetter(request: IncomingMessage): HeaderGetter {
  return (name) => {
    const value = request.headers[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(", ") : value;
  };
}

/** The query of a Node request's URL. */
export function queryOf(request: IncomingMessage): URLSearchParams {
  return new URL(request.url ?? "/", "http://localhost").searchParams;
}

/** Sends a standard Response, plus `extraHeaders`, through a Node response. */
export async function sendResponse(
  target: ServerResponse,
  response: Response,
  extraHeaders: Record<string, string> = {},
): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  target.writeHead(response.status, {
    ...Object.fromEntries(response.headers),
    ...extraHeaders,
    "Content-Length": String(body.byteLength),
  });
  target.end(body);
}

/**
 * Sends `stream` as the body of a Node response, each frame one `res.write` (no web stream in
 * between: see pages/api/events.ts). The stream ends when the client goes away; `onEnd` runs
 * once, whichever side ends it.
 */
export function writeEventStream(
  response: ServerResponse,
  stream: EventStream,
  headers: Record<string, string>,
  onEnd: () => void = () => {},
): void {
  response.writeHead(200, { ...headers, ...SSE_HEADERS });
  response.flushHeaders();
  response.on("close", () => {
    stream.close();
    onEnd();
  });
  // Gone while the stream was being opened: "close" fired before anyone listened.
  if (response.req.method === "HEAD" || !response.socket || response.socket.destroyed) {
    stream.close();
    onEnd();
    response.end();
    return;
  }
  stream.start({
    write(chunk) {
      response.write(chunk);
      return response.writableLength;
    },
    end() {
      response.end();
    },
  });
}
