import "server-only";
import type { Config } from "./config";
import { HttpError } from "./http";

const WINDOW_MS = 60_000;

interface Window {
  start: number;
  count: number;
}

const shared = globalThis as typeof globalThis & { __livekitTokenWindows?: Map<string, Window> };

/** The client's address as the platform reports it (Vercel and `next start` set x-forwarded-for). */
export function clientAddress(request: Request): string {
  const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || request.headers.get("x-real-ip") || "unknown";
}

/**
 * A fixed one-minute window per client address on /api/token. Over the limit: 429 with
 * Retry-After. TOKEN_RATE_LIMIT_PER_MINUTE=0 turns it off.
 */
export async function checkTokenRateLimit(
  request: Request,
  config: Pick<Config, "tokenRateLimitPerMinute">,
  now = Date.now(),
): Promise<void> {
  const limit = config.tokenRateLimitPerMinute;
  if (limit <= 0) return;
  const windows = (shared.__livekitTokenWindows ??= new Map());
  const key = clientAddress(request);
  let window = windows.get(key);
  if (!window || now - window.start >= WINDOW_MS) {
    if (windows.size > 10_000) {
      for (const [address, old] of windows)
        if (now - old.start >= WINDOW_MS) windows.delete(address);
    }
    window = { start: now, count: 0 };
    windows.set(key, window);
  }
  window.count += 1;
  if (window.count > limit) {
    const retryAfter = Math.max(1, Math.ceil((window.start + WINDOW_MS - now) / 1000));
    throw new HttpError(429, `too many token requests; retry in ${retryAfter} s`, {
      "Retry-After": String(retryAfter),
    });
  }
}
