/**
 * A stand-in for the LiveKit server's HTTP side on a loopback port: it completes WebSocket
 * handshakes and answers `/rtc/validate`, recording what reached it. The browser test points
 * LIVEKIT_URL here to see that the page's CSP lets a room connect (and another origin does not).
 */
import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

const WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

export interface FakeLivekit {
  port: number;
  /** Paths of completed WebSocket handshakes. */
  upgrades: string[];
  /** Paths of plain HTTP requests. */
  requests: string[];
  close(): Promise<void>;
}

export async function startFakeLivekit(): Promise<FakeLivekit> {
  const upgrades: string[] = [];
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    requests.push(request.url ?? "");
    response.writeHead(200, {
      "Content-Type": "text/plain",
      // livekit-server answers browsers of any origin.
      "Access-Control-Allow-Origin": "*",
    });
    response.end("success");
  });
  server.on("upgrade", (request, socket) => {
    const key = request.headers["sec-websocket-key"];
    if (typeof key !== "string") {
      socket.destroy();
      return;
    }
    upgrades.push(request.url ?? "");
    const accept = createHash("sha1")
      .update(key + WEBSOCKET_GUID)
      .digest("base64");
    socket.write(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    socket.on("error", () => {});
  });
  const sockets = new Set<import("node:net").Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    upgrades,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
