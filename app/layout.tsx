import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: "LiveKit app server",
  description: "Join a LiveKit room and watch its webhook events live.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

/**
 * Rendered per request: proxy.ts gives each response a fresh CSP nonce, and Next can only put it
 * on its scripts while rendering. Waiting on `connection()` makes every page a request-time render;
 * `export const dynamic = "force-dynamic"` alone still served `/` with scripts that carried no
 * nonce, which the CSP blocked, so the page never hydrated.
 */
export default async function RootLayout({ children }: { children: ReactNode }) {
  await connection();
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
