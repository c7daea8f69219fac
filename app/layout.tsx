import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: "LiveKit app server",
  description: "Join a LiveKit room and watch its webhook events live.",
};

/**
 * Rendered per request: proxy.ts gives each response a fresh CSP nonce, and Next can only put it
 * on its scripts while rendering. A page prerendered at build would carry scripts the CSP blocks.
 */
export const dynamic = "force-dynamic";

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
