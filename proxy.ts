import { NextResponse, type NextRequest } from "next/server";
import { getConfig } from "./lib/config";
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
export function proxy(request: NextRequest): NextResponse {
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

export const config = {
  matcher: [
    // Pages only: the API (and its historic paths) gets its headers from next.config.js, and
    // build assets need none.
    "/((?!api(?:/|$)|token$|webhook$|livekit/webhook$|_next/static|_next/image|favicon\\.ico).*)",
  ],
};
