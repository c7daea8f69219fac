// @ts-check

/**
 * The tutorial clients call `/token` and post webhooks to `/webhook` or `/livekit/webhook`.
 * Rewrites keep one handler per endpoint while every historic path keeps working.
 * @type {import('next').NextConfig}
 */
const nextConfig = {
  // Lets a second build live beside the main one (parallel local runs); CI uses .next.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  // Bundled, not required from node_modules at run time, so that Next maps `server-only` to
  // nothing in pages/api/events.ts as it does in the App Router (a plain require throws).
  transpilePackages: ["server-only"],
  // The API answers JSON and event streams, never a document: nothing in it may run, be framed
  // or be sniffed as HTML. (The page's headers depend on LIVEKIT_URL at runtime: proxy.ts.)
  async headers() {
    const apiHeaders = [
      { key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'" },
      { key: "X-Content-Type-Options", value: "nosniff" },
      { key: "X-Frame-Options", value: "DENY" },
      { key: "Referrer-Policy", value: "no-referrer" },
    ];
    return ["/api/:path*", "/token", "/webhook", "/livekit/webhook"].map((source) => ({
      source,
      headers: apiHeaders,
    }));
  },
  async rewrites() {
    return [
      { source: "/token", destination: "/api/token" },
      { source: "/webhook", destination: "/api/webhook" },
      { source: "/livekit/webhook", destination: "/api/webhook" },
    ];
  },
};

module.exports = nextConfig;
