import { NextResponse, type NextRequest } from "next/server";
import { getConfig } from "./lib/config";
import { HISTORIC_PATHS } from "./lib/deployment-rules.cjs";
import { jsonError } from "./lib/http";
import API_SECURITY_HEADERS from "./lib/shared/api-security-headers.json";
import {
  createNonce,
  pageContentSecurityPolicy,
  PAGE_SECURITY_HEADERS,
} from "./lib/security-headers";

/**
 * Security headers for the page, per request: the CSP names LIVEKIT_URL (read at runtime, so
 * next.config.js `headers()`, evaluated at build, cannot hold it) and a fresh nonce. Next reads
 * the nonce from the request's CSP header and puts it on its own scripts while rendering.
 */
export function proxy(request: NextRequest): Response {
  if (isOtherApiSpelling(request.nextUrl.pathname)) return apiNotFound(request.nextUrl.pathname);
  if (isOtherHistoricSpelling(request.nextUrl.pathname)) return apiAnswer();
  const policy = pageContentSecurityPolicy({
    livekitUrl: getConfig().livekitUrl,
    nonce: createNonce(),
    development: process.env.NODE_ENV === "development",
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("Content-Security-Policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", policy);
  for (const [name, value] of Object.entries(PAGE_SECURITY_HEADERS)) {
    response.headers.set(name, value);
  }
  return response;
}

/** `/api` under another spelling (`/API/token`, `/api/%2e%2e/x`): the real ones skip the proxy. */
function isOtherApiSpelling(pathname: string): boolean {
  const api = /^\/api(?:\/|$)/i;
  if (api.test(pathname)) return true;
  try {
    return api.test(decodeURIComponent(pathname));
  } catch {
    return false;
  }
}

/**
 * `/Token`, `/LIVEKIT/WEBHOOK`: Next's rewrites match a path in any case, so these reach the API
 * route (a deployer may have typed the webhook URL so); its answer gets the API's headers, not the
 * page's (the exact spellings skip the proxy and get them from next.config.js).
 */
function isOtherHistoricSpelling(pathname: string): boolean {
  const lower = pathname.toLowerCase();
  return Object.keys(HISTORIC_PATHS).some((path) => path === lower);
}

function apiAnswer(): Response {
  const response = NextResponse.next();
  for (const [name, value] of Object.entries(API_SECURITY_HEADERS)) {
    response.headers.set(name, value);
  }
  return response;
}

/** Every answer under /api is JSON with the API's headers, whatever the path's spelling. */
function apiNotFound(pathname: string): Response {
  return jsonError(404, `no API route at ${pathname.slice(0, 200)}`, API_SECURITY_HEADERS);
}

export const config = {
  matcher: [
    // Pages only: the API (and its historic paths) gets its headers from next.config.js, and
    // build assets need none.
    "/((?!api(?:/|$)|token$|webhook$|livekit/webhook$|_next/static|_next/image|favicon\\.ico).*)",
    // …and the API paths no route has: every real one is plain ASCII without dot segments, so
    // one with a percent sign or `..` (`/api/%2e%2e/x`) gets its JSON 404 here.
    "/api/(.*(?:%|\\.\\.).*)",
  ],
};
