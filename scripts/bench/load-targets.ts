/**
 * The routes the benchmarks load, as autocannon targets on a running server (ours, the Express
 * baseline or the framework-floor app): a GET, a token request in either dialect, a fresh signed
 * webhook per request, a GET with an operator's Bearer token. The server's process is named so
 * its CPU per request is measured too.
 */
import type { ChildProcess } from "node:child_process";
import { TEST_API_KEY, TEST_API_SECRET } from "../../tests/support/keys";
import type { LoadTarget } from "./measure/http-load";
import { webhookLoad } from "./measure/webhooks";
import { ROOM } from "./settings";

/** A running server: the tests' RunningServer and the bench's Service both fit. */
export interface Served {
  url: string;
  process: ChildProcess;
}

const JSON_HEADERS = { "Content-Type": "application/json" };
/** What a tutorial client sends to get a token. */
export const TOKEN_BODY = JSON.stringify({ roomName: ROOM, participantName: "alice" });
/**
 * What livekit-client's `TokenSource.endpoint` sends (LiveKit's standard token endpoint), with a
 * fixed identity: a fresh one per request would measure the load generator, not the route.
 */
export const STANDARD_TOKEN_BODY = JSON.stringify({
  room_name: ROOM,
  participant_name: "bench",
  participant_identity: "bench",
});

function target(
  server: Served,
  key: string,
  label: string,
  path: string,
  request: Pick<LoadTarget, "method" | "headers" | "body" | "fresh" | "expectStatus">,
): LoadTarget {
  return { key, label, url: `${server.url}${path}`, pid: server.process.pid, ...request };
}

export function getTarget(server: Served, key: string, label: string, path = "/api/health") {
  return target(server, key, label, path, { method: "GET", expectStatus: 200 });
}

/** A GET with `Authorization: Bearer <token>` (the console's rooms route, an operator's token). */
export function bearerGetTarget(
  server: Served,
  key: string,
  label: string,
  path: string,
  token: string,
) {
  return target(server, key, label, path, {
    method: "GET",
    headers: { Authorization: `Bearer ${token}` },
    expectStatus: 200,
  });
}

/** POSTs the token request's body; `path` is /api/token but for the other servers' routes. */
export function tokenTarget(server: Served, key: string, label: string, path = "/api/token") {
  return target(server, key, label, path, {
    method: "POST",
    headers: JSON_HEADERS,
    body: TOKEN_BODY,
    expectStatus: 200,
  });
}

/** POSTs the standard (livekit-client TokenSource) request, which is answered 201. */
export function standardTokenTarget(server: Served, key: string, label: string) {
  return target(server, key, label, "/api/token", {
    method: "POST",
    headers: JSON_HEADERS,
    body: STANDARD_TOKEN_BODY,
    expectStatus: 201,
  });
}

/** A fresh `participant_joined` webhook each request, signed with the test keys. */
export function webhookTarget(server: Served, key: string, label: string, path = "/api/webhook") {
  return target(server, key, label, path, {
    ...webhookLoad(ROOM, TEST_API_KEY, TEST_API_SECRET),
    expectStatus: 200,
  });
}
