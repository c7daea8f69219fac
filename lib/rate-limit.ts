import "server-only";
import type { Config } from "./config";
import { HttpError } from "./http";
import { redisCommand, sharedRedis } from "./redis";

const WINDOW_MS = 60_000;
/** Bounds the memory one process spends on windows; older windows are swept past this. */
const MAX_MEMORY_WINDOWS = 10_000;
/** A forged header can be 16 KB long; a key needs no more than an IPv6 address and a port. */
const MAX_ADDRESS_LENGTH = 64;
const REDIS_KEY_PREFIX = "livekit:{ratelimit}:token:";

/**
 * One fixed window in one round trip, so instances sharing Redis count together: the first
 * request of a window sets its expiry; every request gets back the count and the time left.
 */
const WINDOW_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

interface Window {
  start: number;
  count: number;
}

const shared = globalThis as typeof globalThis & {
  __livekitTokenWindows?: Map<string, Window>;
  __livekitRateLimitRedisDown?: boolean;
};

/**
 * The client's address. The rightmost `x-forwarded-for` entry is the one added by the nearest
 * proxy (Vercel overwrites the header with the client's address; nginx or Caddy append the
 * peer they saw), so a client cannot escape its window by sending its own header: every
 * entry left of it is the client's to invent. `next start` only sets the header when it is
 * absent, so a server exposed without a proxy in front trusts what the client sends: deploy
 * it behind one (see README, Security).
 */
export function clientAddress(request: Request): string {
  const forwarded = request.headers.get("x-forwarded-for")?.split(",").pop()?.trim();
  const address = forwarded || request.headers.get("x-real-ip")?.trim() || "unknown";
  return address.slice(0, MAX_ADDRESS_LENGTH);
}

export interface WindowCount {
  count: number;
  /** Milliseconds until the window ends. */
  remainingMs: number;
}

/** Counts one request in this process's window for `key`. */
export function countInMemory(key: string, now = Date.now()): WindowCount {
  const windows = (shared.__livekitTokenWindows ??= new Map());
  let window = windows.get(key);
  if (!window || now - window.start >= WINDOW_MS) {
    if (windows.size >= MAX_MEMORY_WINDOWS) {
      for (const [address, old] of windows) {
        if (now - old.start >= WINDOW_MS) windows.delete(address);
      }
    }
    window = { start: now, count: 0 };
    windows.set(key, window);
  }
  window.count += 1;
  return { count: window.count, remainingMs: window.start + WINDOW_MS - now };
}

/** Counts one request in the window every instance sharing `redisUrl` sees. Throws if Redis is down. */
export async function countInRedis(redisUrl: string, key: string): Promise<WindowCount> {
  const reply = await redisCommand(sharedRedis(redisUrl), [
    "EVAL",
    WINDOW_SCRIPT,
    "1",
    REDIS_KEY_PREFIX + key,
    String(WINDOW_MS),
  ]);
  const [count, remainingMs] = reply as [number, number];
  return { count: Number(count), remainingMs: Number(remainingMs) };
}

/**
 * Counts a request: in Redis when configured, so the limit holds across instances. While Redis
 * is unreachable it fails open to this process's own window: issuing tokens does not depend on
 * the event log's store, so an outage neither refuses every join nor lifts the limit entirely.
 */
async function countRequest(
  config: Pick<Config, "redisUrl">,
  key: string,
  now: number,
): Promise<WindowCount> {
  if (config.redisUrl === null) return countInMemory(key, now);
  try {
    const counted = await countInRedis(config.redisUrl, key);
    if (shared.__livekitRateLimitRedisDown) {
      shared.__livekitRateLimitRedisDown = false;
      console.info("token rate limit: counting in Redis again");
    }
    return counted;
  } catch (error) {
    if (!shared.__livekitRateLimitRedisDown) {
      shared.__livekitRateLimitRedisDown = true;
      console.warn(
        `token rate limit: Redis unavailable (${(error as Error).message}); counting per instance until it is back`,
      );
    }
    return countInMemory(key, now);
  }
}

/**
 * A fixed one-minute window per client address on /api/token. Over the limit: 429 with
 * Retry-After (whole seconds until the window ends). TOKEN_RATE_LIMIT_PER_MINUTE=0 turns it off.
 */
export async function checkTokenRateLimit(
  request: Request,
  config: Pick<Config, "tokenRateLimitPerMinute" | "redisUrl">,
  now = Date.now(),
): Promise<void> {
  const limit = config.tokenRateLimitPerMinute;
  if (limit <= 0) return;
  const { count, remainingMs } = await countRequest(config, clientAddress(request), now);
  if (count > limit) {
    const retryAfter = Math.max(1, Math.ceil(remainingMs / 1000));
    throw new HttpError(429, `too many token requests; retry in ${retryAfter} s`, {
      headers: { "Retry-After": String(retryAfter) },
    });
  }
}
