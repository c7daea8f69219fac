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
  async rewrites() {
    return [
      { source: "/token", destination: "/api/token" },
      { source: "/webhook", destination: "/api/webhook" },
      { source: "/livekit/webhook", destination: "/api/webhook" },
    ];
  },
};

module.exports = nextConfig;
