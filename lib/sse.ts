/**
 * Server-sent events framing (https://html.spec.whatwg.org/multipage/server-sent-events.html).
 * Each event is encoded once, then the same bytes go to every subscriber.
 */
import type { ServerResponse } from "node:http";
import type { EventStream } from "./events/stream";

const encoder = new TextEncoder();

export const SSE_HEADERS: Record<string, string> = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-cache, no-transform",
  Connection: "keep-alive",
  "X-Accel-Buffering": "no",
};

/** One `message` event. `data` must be single-line (JSON.stringify output is). */
export function encodeMessage(id: string, data: string): Uint8Array {
  return encoder.encode(`id: ${id}\ndata: ${data}\n\n`);
}

/** A comment line: ignored by EventSource, keeps proxies from closing an idle connection. */
export function encodeComment(text: string): Uint8Array {
  return encoder.encode(`: ${text.replace(/[\r\n]+/g, " ")}\n\n`);
}

/** How long EventSource waits before reconnecting after the stream ends. */
export function encodeRetry(milliseconds: number): Uint8Array {
  return encoder.encode(`retry: ${Math.round(milliseconds)}\n\n`);
}

/**
 * Sends `stream` as the body of a Node response, written straight to the socket (no web stream
 * in between: see pages/api/events.ts). The stream ends when the client goes away.
 */
export function writeEventStream(
  response: ServerResponse,
  stream: EventStream,
  headers: Record<string, string>,
): void {
  response.writeHead(200, { ...headers, ...SSE_HEADERS });
  response.flushHeaders();
  response.on("close", stream.close);
  // Gone while the stream was being opened: "close" fired before anyone listened.
  if (response.req.method === "HEAD" || !response.socket || response.socket.destroyed) {
    stream.close();
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
