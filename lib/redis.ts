import "server-only";
import { createClient } from "redis";

export type RedisConnection = ReturnType<typeof createConnection>;

const COMMAND_TIMEOUT_MS = 5000;

/**
 * A connection with the settings every Redis user here needs: fail fast while disconnected
 * (a webhook then gets a 503 and livekit-server retries, instead of waiting in a queue),
 * reconnect with backoff forever, and log each distinct error once instead of crashing.
 */
export function connectRedis(url: string): RedisConnection {
  const client = createConnection(url);
  watch(client);
  return client;
}

function createConnection(url: string) {
  return createClient({
    url,
    // RESP2, chosen (node-redis 6 defaults to RESP3): every Redis and managed Redis speaks it,
    // and the replies our commands parse (XREAD, XRANGE) keep their array shape.
    RESP: 2,
    // No library-wide command timeout (node-redis 6 defaults to 5 s): redisCommand bounds each
    // command and drops a wedged connection, and the blocking reader has its own deadline,
    // longer than its XREAD BLOCK.
    commandOptions: { timeout: 0 },
    disableOfflineQueue: true,
    // Handshake left as node-redis 6 does it (CLIENT SETINFO): a connection dropped there is
    // no longer taken for ready (node-redis 5's was; tests/integration/redis-connection.test.ts).
    socket: {
      connectTimeout: COMMAND_TIMEOUT_MS,
      reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000),
    },
  });
}

/** A second connection with the same settings (for blocking reads, which hold a connection). */
export function duplicateRedis(client: RedisConnection): RedisConnection {
  const duplicate = client.duplicate();
  watch(duplicate);
  return duplicate;
}

function watch(client: RedisConnection): void {
  let lastError: string | null = null;
  client.on("error", (error: Error) => {
    if (lastError !== error.message) console.error(`redis: ${error.message}`);
    lastError = error.message;
  });
  client.on("ready", () => {
    if (lastError !== null) console.info("redis: connected again");
    lastError = null;
  });
  // The first attempt ends at "ready" or at its first error; after it, commands fail fast
  // while the client keeps retrying in the background.
  const firstAttempt = new Promise<void>((resolve) => {
    client.once("ready", resolve);
    client.once("error", resolve);
  }).then(() => {
    firstConnections.delete(client);
  });
  firstConnections.set(client, firstAttempt);
  // connect() keeps retrying through reconnectStrategy; a refused first attempt is no crash.
  client.connect().catch(() => {});
}

/**
 * Connections still making their first attempt. A command waits for that attempt (a new
 * serverless instance's first webhook must not get a 503 for being early); after it, a
 * disconnected client fails fast.
 */
const firstConnections = new WeakMap<RedisConnection, Promise<unknown>>();

/** One command, bounded in time: a Redis that hangs is as unavailable as one that is down. */
export async function redisCommand(client: RedisConnection, args: string[]): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timedOut = false;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(new Error("Redis did not answer in time"));
    }, COMMAND_TIMEOUT_MS);
  });
  try {
    const connecting = firstConnections.get(client);
    if (connecting && !client.isReady) await Promise.race([connecting, timeout]);
    return await Promise.race([client.sendCommand(args), timeout]);
  } catch (error) {
    // Ready, yet silent this long (a paused Redis, a connection lost without a reset): drop it
    // so sharedRedis opens a new one rather than queueing more commands on a dead socket.
    if (timedOut && client.isReady) client.destroy();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

const shared = globalThis as typeof globalThis & { __livekitRedis?: Map<string, RedisConnection> };

/**
 * The process's command connection to `url`, shared by the event store and the rate limit.
 * Ask for it per command: one found wedged is dropped (redisCommand) and replaced here.
 */
export function sharedRedis(url: string): RedisConnection {
  const connections = (shared.__livekitRedis ??= new Map());
  let client = connections.get(url);
  if (!client || !client.isOpen) {
    client = connectRedis(url);
    connections.set(url, client);
  }
  return client;
}

/**
 * `command` raced against a deadline of `ms` (its own, shorter than redisCommand's): for a
 * caller that must not wait on a slow Redis (a token request), and fails open past it.
 */
export async function withDeadline<T>(command: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  command.catch(() => {});
  return Promise.race([command, deadline]).finally(() => clearTimeout(timer));
}
