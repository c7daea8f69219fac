/**
 * A loopback stand-in for LIVEKIT_URL that only records what a LiveKit client asks of it: every
 * WebSocket upgrade (the signalling connection, with its `access_token`) and every plain HTTP
 * request (livekit-client's `/rtc/validate` after a failed upgrade). It never answers the
 * upgrade and fakes no room: the socket is held open until the test closes the listener (or the
 * client gives up), so the page stays "connecting" against it.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { Socket } from "node:net";

export interface SignalAttempt {
  /** Path and query, as requested: `/rtc/v1?access_token=…`. */
  url: string;
  headers: IncomingMessage["headers"];
  at: number;
}

export interface SignalListener {
  /** The ws:// URL to give the app server as LIVEKIT_URL. */
  url: string;
  upgrades: SignalAttempt[];
  /** Plain HTTP requests (each is answered 503, like a server that is not ready). */
  requests: SignalAttempt[];
  close(): Promise<void>;
}

export async function startSignalListener(): Promise<SignalListener> {
  const upgrades: SignalAttempt[] = [];
  const requests: SignalAttempt[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    requests.push({ url: request.url ?? "", headers: request.headers, at: Date.now() });
    response
      .writeHead(503, { "Access-Control-Allow-Origin": "*" })
      .end("stand-in, no LiveKit here");
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  server.on("upgrade", (request: IncomingMessage) => {
    upgrades.push({ url: request.url ?? "", headers: request.headers, at: Date.now() });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `ws://127.0.0.1:${port}`,
    upgrades,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((socket) => socket.destroy());
        server.close(() => resolve());
      }),
  };
}
