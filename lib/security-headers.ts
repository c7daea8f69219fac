/**
 * The page's security headers, built per request by proxy.ts: the Content-Security-Policy
 * depends on LIVEKIT_URL, a runtime setting, and carries a fresh nonce for Next's scripts.
 * (The API's headers do not depend on any setting: next.config.js `headers()` sets them.)
 */
import "server-only";

/**
 * Where the browser may connect besides this origin: LiveKit's signalling WebSocket and its
 * http(s) twin, since livekit-client also fetches `/rtc/validate` (and, on LiveKit Cloud,
 * `/settings/regions`) there. Only the origin counts: livekit-client appends its own paths.
 * On LiveKit Cloud the client may fail over to a regional host of the same project, so the
 * cloud's domain is allowed as a wildcard.
 */
export function livekitConnectSources(livekitUrl: string): string[] {
  const url = new URL(livekitUrl);
  const secure = url.protocol === "wss:" || url.protocol === "https:";
  const ws = secure ? "wss:" : "ws:";
  const http = secure ? "https:" : "http:";
  const sources = [`${ws}//${url.host}`, `${http}//${url.host}`];
  for (const cloud of ["livekit.cloud", "livekit.run"]) {
    if (url.hostname.endsWith(`.${cloud}`))
      sources.push(`${ws}//*.${cloud}`, `${http}//*.${cloud}`);
  }
  return sources;
}

export interface PagePolicyOptions {
  livekitUrl: string;
  /** Fresh per response: Next puts it on its inline and framework scripts. */
  nonce: string;
  /** `next dev` needs eval for React's error overlay; production never does. */
  development?: boolean;
}

/**
 * Scripts run only with this response's nonce ('strict-dynamic' extends the trust to the
 * chunks Next's scripts load), so an injected `<script>` or event handler attribute does not.
 * Styles allow 'unsafe-inline': React renders `style` attributes and an injected style cannot
 * run code. Media and images may be `blob:`/`data:` (LiveKit's video tiles, inline icons).
 */
export function pageContentSecurityPolicy({
  livekitUrl,
  nonce,
  development = false,
}: PagePolicyOptions): string {
  const directives: Record<string, string[]> = {
    "default-src": ["'self'"],
    "script-src": [
      "'self'",
      `'nonce-${nonce}'`,
      "'strict-dynamic'",
      ...(development ? ["'unsafe-eval'"] : []),
    ],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "media-src": ["'self'", "blob:"],
    "font-src": ["'self'", "data:"],
    "worker-src": ["'self'", "blob:"],
    "connect-src": ["'self'", ...livekitConnectSources(livekitUrl)],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(" ")}`)
    .join("; ");
}

/**
 * The rest of the page's headers. Camera, microphone and screen sharing stay available to this
 * origin only (the room needs them); everything else a page could ask for is off. No
 * `upgrade-insecure-requests`: it would turn a local `ws://` LIVEKIT_URL into `wss://`.
 */
export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "strict-origin-when-cross-origin",
  "Permissions-Policy":
    "camera=(self), microphone=(self), display-capture=(self), autoplay=(self), " +
    "fullscreen=(self), geolocation=(), payment=(), usb=()",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Strict-Transport-Security": "max-age=31536000",
};

/** 128 random bits, base64: unguessable and fresh per response, as a CSP nonce must be. */
export function createNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}
