/**
 * A loopback stand-in for LIVEKIT_URL that records what a LiveKit client asks of it: every
 * WebSocket upgrade (the signalling connection, with its `access_token`) and every plain HTTP
 * request (livekit-client's `/rtc/validate` after a failed join). It fakes no room.
 *
 * By default it never answers an upgrade (the socket is held open until the test closes the
 * listener or the client gives up, so the page stays "connecting") and answers HTTP with 503.
 * With `answer: true` it completes the WebSocket handshake and answers HTTP 200, as a reachable
 * livekit-server does: enough to see that a browser may connect (the CSP test).
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { Socket } from "node:net";

const WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

export interface SignalAttempt {
  /** Path and query, as requested: `/rtc/v1?access_token=…`. */
  url: string;
  headers: IncomingMessage["headers"];
  at: number;
}

export interface SignalListener {
  /** The ws:// URL to give the app server as LIVEKIT_URL. */
  url: string;
  port: number;
  upgrades: SignalAttempt[];
  /** Plain HTTP requests. */
  requests: SignalAttempt[];
  close(): Promise<void>;
}

export async function startSignalListener({ answer = false } = {}): Promise<SignalListener> {
  const upgrades: SignalAttempt[] = [];
  const requests: SignalAttempt[] = [];
  const sockets = new Set<Socket>();
  const attempt = (request: IncomingMessage): SignalAttempt => ({
    url: request.url ?? "",
    headers: request.headers,
    at: Date.now(),
  });
  const server = createServer((request, response) => {
    requests.push(attempt(request));
    // livekit-server answers browsers of any origin.
    response
      .writeHead(answer ? 200 : 503, { "Access-Control-Allow-Origin": "*" })
      .end(answer ? "success" : "stand-in, no LiveKit here");
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  server.on("upgrade", (request: IncomingMessage, socket: Socket) => {
    upgrades.push(attempt(request));
    socket.on("error", () => {});
    const key = request.headers["sec-websocket-key"];
    if (!answer || typeof key !== "string") return;
    const accept = createHash("sha1")
      .update(key + WEBSOCKET_GUID)
      .digest("base64");
    socket.write(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `ws://127.0.0.1:${port}`,
    port,
    upgrades,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((socket) => socket.destroy());
        server.close(() => resolve());
      }),
  };
}
