import "server-only";
import http from "node:http";
import { PEER_ADDRESS_HEADER } from "./client-address";

const shared = globalThis as typeof globalThis & { __livekitPeerAddressStamped?: boolean };

/**
 * Stamps every incoming request of this process with its socket's peer address
 * (PEER_ADDRESS_HEADER), overwriting whatever a client sent under that name. Called once at
 * startup (instrumentation.ts): App Router route handlers only see headers, and Next sets
 * `x-forwarded-for` from the socket only when the client sent none, so without this a client
 * on a bare `next start` could pick its own rate-limit key.
 */
export function stampPeerAddresses(): void {
  if (shared.__livekitPeerAddressStamped) return;
  shared.__livekitPeerAddressStamped = true;
  type Emit = (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;
  const emit = http.Server.prototype.emit as Emit;
  const stamped: Emit = function (event, ...args) {
    if (event === "request") {
      const request = args[0] as http.IncomingMessage;
      request.headers[PEER_ADDRESS_HEADER] = request.socket?.remoteAddress ?? "";
    }
    return emit.call(this, event, ...args);
  };
  http.Server.prototype.emit = stamped as typeof http.Server.prototype.emit;
}
