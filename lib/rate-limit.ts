import "server-only";
import type { Config } from "./config";
import { clientKey } from "./client-address";
import { HttpError } from "./http";
import { redisCommand, sharedRedis, withDeadline } from "./redis";

const WINDOW_MS = 60_000;
/**
 * Bounds the memory one process spends on windows: past it, ended windows are swept, then the
 * oldest still running are dropped (a flood of new keys may shorten others' windows; it never
 * grows the process). About 150 bytes a window.
 */
export const MAX_MEMORY_WINDOWS = 5_000;
/**
 * The rate limiter's own deadline for Redis: a slow Redis (not down) must not hold up a token
 * request; past it the request is counted in this process's window, as when Redis is down.
 */
export const RATE_LIMIT_REDIS_DEADLINE_MS = 200;
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

/** The client's key for `request`: see lib/client-address (never a header the client picks). */
export function clientAddress(
  request: Request,
  config: Pick<Config, "onVercel" | "trustedProxyHops">,
): string {
  return clientKey((name) => request.headers.get(name), config);
}

/** How many windows this process holds (health, for operators). */
export function memoryWindowCount(): number {
  return shared.__livekitTokenWindows?.size ?? 0;
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
    windows.delete(key);
    if (windows.size >= MAX_MEMORY_WINDOWS) {
      // Insertion order is start order: ended windows are at the front.
      for (const [address, old] of windows) {
        if (now - old.start < WINDOW_MS) break;
        windows.delete(address);
      }
      while (windows.size >= MAX_MEMORY_WINDOWS) {
        windows.delete(windows.keys().next().value as string);
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
  const command = redisCommand(sharedRedis(redisUrl), [
    "EVAL",
    WINDOW_SCRIPT,
    "1",
    REDIS_KEY_PREFIX + key,
    String(WINDOW_MS),
  ]);
  const reply = await withDeadline(command, RATE_LIMIT_REDIS_DEADLINE_MS);
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
        `token rate limit: Redis unavailable or slow (${(error as Error).message}); counting per instance until it answers`,
      );
    }
    return countInMemory(key, now);
  }
}

/**
 * Which of a client's two windows a token request counts in: `granted` (the request got past
 * the access decision) or `refused` (401, 400, 403: it did not). Apart, so that 60 refused
 * attempts from an address (a scanner, a forged credential) do not spend the budget of a
 * valid invitee behind the same address (issue 18); each window has the same limit.
 */
export type TokenRequestOutcome = "granted" | "refused";

/**
 * A fixed one-minute window per client address and outcome on /api/token. Over the limit: 429
 * with Retry-After (whole seconds until the window ends). TOKEN_RATE_LIMIT_PER_MINUTE=0 turns
 * it off.
 */
export async function checkTokenRateLimit(
  request: Request,
  config: Pick<Config, "tokenRateLimitPerMinute" | "redisUrl" | "onVercel" | "trustedProxyHops">,
  outcome: TokenRequestOutcome = "granted",
  now = Date.now(),
): Promise<void> {
  const limit = config.tokenRateLimitPerMinute;
  if (limit <= 0) return;
  const address = clientAddress(request, config);
  const key = outcome === "granted" ? address : `refused:${address}`;
  const { count, remainingMs } = await countRequest(config, key, now);
  if (count > limit) {
    const retryAfter = Math.max(1, Math.ceil(remainingMs / 1000));
    const what = outcome === "granted" ? "token requests" : "refused token requests";
    throw new HttpError(429, `too many ${what}; retry in ${retryAfter} s`, {
      headers: { "Retry-After": String(retryAfter) },
    });
  }
}

/** Seconds a client refused a stream is asked to wait: long enough for one of its streams to end. */
const STREAM_RETRY_AFTER_SECONDS = 5;

const openStreams = globalThis as typeof globalThis & {
  __livekitStreamsByClient?: Map<string, number>;
  __livekitStreamsByCredential?: Map<string, number>;
  __livekitStreamsOpen?: number;
};

/**
 * Holds a place for one open event stream of `client` with `credential` on this instance, or
 * throws 429 (Retry-After) when either already holds its cap, or 503 (Retry-After) when the
 * instance holds SSE_MAX_STREAMS (0 = no cap, for each). Returns the function that gives the
 * place back; call it once, when the stream ends. Counted per instance: with N instances a
 * client can hold up to N times the cap.
 */
export function acquireStreamSlot(
  client: string,
  credential: string,
  config: Pick<Config, "sseMaxStreamsPerClient" | "sseMaxStreamsPerCredential" | "sseMaxStreams">,
): () => void {
  const byClient = (openStreams.__livekitStreamsByClient ??= new Map());
  const byCredential = (openStreams.__livekitStreamsByCredential ??= new Map());
  const refuse = (who: string, cap: number) =>
    new HttpError(429, `too many open event streams for this ${who} (at most ${cap})`, {
      headers: { "Retry-After": String(STREAM_RETRY_AFTER_SECONDS) },
    });
  const clientCap = config.sseMaxStreamsPerClient;
  const credentialCap = config.sseMaxStreamsPerCredential;
  if (clientCap > 0 && (byClient.get(client) ?? 0) >= clientCap) throw refuse("client", clientCap);
  if (credentialCap > 0 && (byCredential.get(credential) ?? 0) >= credentialCap) {
    throw refuse("credential", credentialCap);
  }
  // Per-client caps alone do not bound the instance: a /48 holds 65,536 /64 keys (issue 18).
  const open = openStreams.__livekitStreamsOpen ?? 0;
  if (config.sseMaxStreams > 0 && open >= config.sseMaxStreams) {
    throw new HttpError(
      503,
      `this server holds its most open event streams (${config.sseMaxStreams}); retry shortly`,
      { headers: { "Retry-After": String(STREAM_RETRY_AFTER_SECONDS) } },
    );
  }
  openStreams.__livekitStreamsOpen = open + 1;
  const change = (map: Map<string, number>, key: string, delta: number) => {
    const next = (map.get(key) ?? 0) + delta;
    if (next > 0) map.set(key, next);
    else map.delete(key);
  };
  change(byClient, client, 1);
  change(byCredential, credential, 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    openStreams.__livekitStreamsOpen = (openStreams.__livekitStreamsOpen ?? 1) - 1;
    change(byClient, client, -1);
    change(byCredential, credential, -1);
  };
}
