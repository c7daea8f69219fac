/**
 * The routes the benchmarks load, as autocannon targets on a running server (ours, the Express
 * baseline or the framework-floor app): a GET, a token-sized JSON POST, a fresh signed webhook
 * per request. The server's process is named so its CPU per request is measured too.
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

function target(
  server: Served,
  key: string,
  label: string,
  path: string,
  request: Pick<LoadTarget, "method" | "headers" | "body" | "fresh">,
): LoadTarget {
  return { key, label, url: `${server.url}${path}`, pid: server.process.pid, ...request };
}

export function getTarget(server: Served, key: string, label: string, path = "/api/health") {
  return target(server, key, label, path, { method: "GET" });
}

/** POSTs the token request's body; `path` is /api/token but for the other servers' routes. */
export function tokenTarget(server: Served, key: string, label: string, path = "/api/token") {
  return target(server, key, label, path, {
    method: "POST",
    headers: JSON_HEADERS,
    body: TOKEN_BODY,
  });
}

/** A fresh `participant_joined` webhook each request, signed with the test keys. */
export function webhookTarget(server: Served, key: string, label: string, path = "/api/webhook") {
  return target(server, key, label, path, webhookLoad(ROOM, TEST_API_KEY, TEST_API_SECRET));
}
