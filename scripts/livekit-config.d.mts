/** The types of scripts/livekit-config.mjs (plain JS, so `npm run dev` runs it on any Node). */
export interface LivekitConfigOptions {
  /** API key → secret; livekit-server accepts tokens signed with any of them. */
  keys: Record<string, string>;
  /** Where it posts its webhooks (this app's /api/webhook); none when absent. */
  webhookUrls?: string[];
  /** The key that signs webhooks; default the first of `keys`. */
  webhookKey?: string;
  /** Seconds an empty room lives after its last participant left (LiveKit's default 20). */
  departureTimeout?: number;
  /** Seconds a room created by the API lives with nobody in it (LiveKit's default 300). */
  emptyTimeout?: number;
  logLevel?: "debug" | "info" | "warn" | "error";
  /** livekit-server's development mode: no warning for a short secret (the dev keys' `secret`). */
  development?: boolean;
}

export function livekitServerConfig(
  ports: { http: number; rtcTcp: number; rtcUdp: number; stun?: number },
  options: LivekitConfigOptions,
): Record<string, unknown>;
