// @ts-check
// eslint-disable-next-line @typescript-eslint/no-require-imports -- next.config.js is CommonJS
const { PHASE_PRODUCTION_BUILD } = require("next/constants");
// eslint-disable-next-line @typescript-eslint/no-require-imports -- next.config.js is CommonJS
const { HISTORIC_PATHS, TOKEN_ACCESS_REQUIRED_MESSAGE } = require("./lib/deployment-rules.cjs");
// eslint-disable-next-line @typescript-eslint/no-require-imports -- next.config.js is CommonJS
const API_SECURITY_HEADERS = require("./lib/shared/api-security-headers.json");

/**
 * A production build refuses to guess who may get a token, as `next start` does (lib/config.ts,
 * with the same message): the deployer chooses TOKEN_ACCESS, and on Vercel the build is
 * where a forgotten variable is caught before anyone can reach the server.
 * @param {string} phase
 */
function checkTokenAccess(phase) {
  if (phase !== PHASE_PRODUCTION_BUILD) return;
  const value = process.env.TOKEN_ACCESS?.trim().toLowerCase();
  if (value === "open" || value === "protected") return;
  const got = value ? ` (got ${JSON.stringify(value)})` : "";
  throw new Error(`TOKEN_ACCESS${got}: ${TOKEN_ACCESS_REQUIRED_MESSAGE}`);
}

/**
 * What of the browser's console `next dev` prints in its terminal. Next forwards warnings and errors
 * by default, and livekit-client logs several on every Join (and on every reconnect while no LiveKit
 * server runs), which bury the server's own lines; `DEV_BROWSER_LOGS=warn` (or `error`, `true`)
 * asks for them.
 * @returns {boolean | "warn" | "error"}
 */
function browserLogsInTerminal() {
  const value = process.env.DEV_BROWSER_LOGS?.trim().toLowerCase();
  if (value === "warn" || value === "error") return value;
  return value === "true";
}

/**
 * The tutorial clients call `/token` and post webhooks to `/webhook` or `/livekit/webhook`.
 * Rewrites keep every historic path working (`/token` to the tutorial-only token route).
 * @type {import('next').NextConfig}
 */
const nextConfig = {
  // Lets a second build live beside the main one (parallel local runs); CI uses .next.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  logging: { browserToTerminal: browserLogsInTerminal() },
  // Bundled, not required from node_modules at run time, so that Next maps `server-only` to
  // nothing in pages/api/events.ts as it does in the App Router (a plain require throws).
  transpilePackages: ["server-only"],
  // The handlers module (lib/handlers/registry.ts imports `@webhook-handlers`, a tsconfig path to
  // ./webhook-handlers.ts). WEBHOOK_HANDLERS_MODULE, at build time only, points it elsewhere: the
  // tests build once with tests/support/webhook-handlers.ts (docs/reacting-to-events.md#tests).
  ...(process.env.WEBHOOK_HANDLERS_MODULE?.trim()
    ? {
        turbopack: {
          resolveAlias: { "@webhook-handlers": process.env.WEBHOOK_HANDLERS_MODULE.trim() },
        },
      }
    : {}),
  // The API answers JSON and event streams, never a document: nothing in it may run, be framed
  // or be sniffed as HTML. (The page's headers depend on LIVEKIT_URL at runtime: proxy.ts.)
  async headers() {
    // One list for every API answer: these, proxy.ts's JSON 404s and pages/_error's JSON 400s.
    const apiHeaders = Object.entries(API_SECURITY_HEADERS).map(([key, value]) => ({ key, value }));
    return ["/api/:path*", ...Object.keys(HISTORIC_PATHS)].map((source) => ({
      source,
      headers: apiHeaders,
    }));
  },
  async rewrites() {
    return Object.entries(HISTORIC_PATHS).map(([source, destination]) => ({ source, destination }));
  },
};

/** @param {string} phase */
module.exports = (phase) => {
  checkTokenAccess(phase);
  return nextConfig;
};
