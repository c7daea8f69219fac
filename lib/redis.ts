import { createClient } from "redis";

export type RedisConnection = ReturnType<typeof createClient>;

const COMMAND_TIMEOUT_MS = 5000;

/**
 * A connection with the settings every Redis user here needs: fail fast while disconnected
 * (a webhook then gets a 503 and livekit-server retries, instead of waiting in a queue),
 * reconnect with backoff forever, and log each distinct error once instead of crashing.
 */
export function connectRedis(url: string): RedisConnection {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    // node-redis 5 pipelines CLIENT SETINFO in each (re)connect's handshake and swallows its
    // errors, so a socket that dies mid-handshake is still declared ready: every command sent
    // there then hangs forever (a blocking reader on it missed all later events). With no
    // handshake commands, "ready" follows the TCP connect and a later drop is seen as one.
    disableClientInfo: true,
    socket: {
      connectTimeout: COMMAND_TIMEOUT_MS,
      reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000),
    },
  });
  watch(client);
  return client;
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
