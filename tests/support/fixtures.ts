/**
 * What test files share: the keys the servers run with, tokens minted with them, servers and
 * Redis that stop themselves after the file (or after each test), and small readers of what a
 * stream received. Import test setup from here; lib/ as `@/lib/...`.
 */
import { AccessToken } from "livekit-server-sdk";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll } from "vitest";
import { launchBrowser } from "./browser";
import { TEST_API_KEY, TEST_API_SECRET } from "./keys";
import { startRedis, type RedisOptions, type RunningRedis } from "./redis";
import {
  startLivekitServer,
  type LivekitServerOptions,
  type RunningLivekitServer,
} from "./livekit-server";
import { freePort, startServer, type RunningServer } from "./server";
import { watchConnections as keepConnections } from "./live-page";
import { parseEventMessage, type SseClient } from "./sse";

export { TEST_API_KEY, TEST_API_SECRET, TEST_LIVEKIT_URL } from "./keys";
export { tokenFromServer } from "./server";

/** The keys in the shape lib's token functions take them. */
export const TEST_KEYS = {
  apiKey: TEST_API_KEY,
  apiSecret: TEST_API_SECRET,
  tokenTtlSeconds: 3600,
} as const;

export interface TokenOptions {
  /** Default "watcher" for a room token, "operator" for an operator token. */
  identity?: string;
  ttlSeconds?: number;
  /** Signs with another secret (a forged token); default the test secret. */
  secret?: string;
}

/**
 * A participant token for `room`, minted here with the test keys, with the grants the server's
 * /api/token gives (join, publish, subscribe, data): a credential for the room's event stream
 * without a request to the server. `tokenFromServer` asks the server itself.
 */
export async function roomToken(room: string, options: TokenOptions = {}): Promise<string> {
  const identity = options.identity ?? "watcher";
  const token = new AccessToken(TEST_API_KEY, options.secret ?? TEST_API_SECRET, {
    identity,
    name: identity,
    ttl: options.ttlSeconds ?? TEST_KEYS.tokenTtlSeconds,
  });
  token.addGrant({
    roomJoin: true,
    room,
    canPublish: true,
    canSubscribe: true,
    canPublishData: true,
  });
  return token.toJwt();
}

/** An operator token: `roomList` reads every room's events (like `lk token create --list`). */
export async function operatorToken(options: TokenOptions = {}): Promise<string> {
  const token = new AccessToken(TEST_API_KEY, options.secret ?? TEST_API_SECRET, {
    identity: options.identity ?? "operator",
    ttl: options.ttlSeconds ?? TEST_KEYS.tokenTtlSeconds,
  });
  token.addGrant({ roomList: true });
  return token.toJwt();
}

/** A room admin's credential: an operator of that room only (its events whole). */
export async function roomAdminToken(room: string, options: TokenOptions = {}): Promise<string> {
  const token = new AccessToken(TEST_API_KEY, options.secret ?? TEST_API_SECRET, {
    identity: options.identity ?? "admin",
    ttl: options.ttlSeconds ?? TEST_KEYS.tokenTtlSeconds,
  });
  token.addGrant({ roomJoin: true, roomAdmin: true, room });
  return token.toJwt();
}

export interface OperatorHealth {
  ok: boolean;
  store: { kind: string; ok: boolean; events: number; subscribers: number };
  rateLimit: { windows: number };
}

/** /api/health as an operator sees it (with the counts; others get `{ok}` only). */
export async function operatorHealth(url: string): Promise<OperatorHealth> {
  const response = await fetch(`${url}/api/health`, {
    headers: { Authorization: `Bearer ${await operatorToken()}` },
  });
  return (await response.json()) as OperatorHealth;
}

type Env = Record<string, string>;

/**
 * Something started in beforeAll and stopped in afterAll, usable as soon as this returns: the
 * returned object forwards to the started one (used before beforeAll ran, it throws).
 */
function forFile<T extends { stop(): Promise<void> }>(what: string, start: () => Promise<T>): T {
  let started: T | undefined;
  beforeAll(async () => {
    started = await start();
  });
  afterAll(async () => {
    await started?.stop();
  });
  return new Proxy({} as T, {
    get(_, key) {
      if (!started) throw new Error(`${what} starts in beforeAll: use it inside a test or hook`);
      return Reflect.get(started, key);
    },
  });
}

/**
 * A production server for the whole file: started in beforeAll with `env` (a function when the
 * env depends on something started before, say redisForFile's URL), stopped in afterAll. Use the
 * returned server inside tests and hooks registered after this call.
 */
export function serverForFile(env: Env | (() => Env) = {}, port?: number): RunningServer {
  return forFile("serverForFile's server", () =>
    startServer(typeof env === "function" ? env() : env, port),
  );
}

/** A redis-server of the file's own, started in beforeAll and stopped in afterAll. */
export function redisForFile(options: RedisOptions = {}): RunningRedis {
  return forFile("redisForFile's redis-server", () => startRedis(options));
}

export interface TrackedProcesses {
  server(env?: Env, port?: number): Promise<RunningServer>;
  redis(options?: RedisOptions): Promise<RunningRedis>;
}

/**
 * For tests that start their own servers and Redis: everything started through the returned
 * functions is stopped after each test, whatever happened in it (servers first, with
 * `stopSignal`, then Redis). `serverDefaults` go into every server's env.
 */
export function trackProcesses(
  options: { serverDefaults?: Env; stopSignal?: NodeJS.Signals } = {},
): TrackedProcesses {
  let servers: RunningServer[] = [];
  let redises: RunningRedis[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((server) => server.stop(options.stopSignal)));
    await Promise.all(redises.map((redis) => redis.stop()));
    servers = [];
    redises = [];
  });
  return {
    async server(env = {}, port) {
      const started = await startServer({ ...options.serverDefaults, ...env }, port);
      servers.push(started);
      return started;
    },
    async redis(redisOptions) {
      const started = await startRedis(redisOptions);
      redises.push(started);
      return started;
    },
  };
}

/** The LiveKit event ids (`EV_…`) a stream received, in order. */
export const eventIds = (client: SseClient): string[] =>
  client.messages.map((message) => parseEventMessage(message).event.id);

export interface LiveStack {
  livekit: RunningLivekitServer;
  server: RunningServer;
}

/**
 * A real livekit-server and a production server of this app for the whole file, wired to each
 * other: LIVEKIT_URL is the livekit-server's, and its webhooks go to this app's /api/webhook.
 */
export function liveStackForFile(
  options: { serverEnv?: Env | (() => Env); livekit?: LivekitServerOptions } = {},
): LiveStack {
  return forFile("liveStackForFile's servers", async () => {
    const appPort = await freePort();
    const livekit = await startLivekitServer({
      webhookUrls: [`http://127.0.0.1:${appPort}/api/webhook`],
      ...options.livekit,
    });
    const env = typeof options.serverEnv === "function" ? options.serverEnv() : options.serverEnv;
    let server: RunningServer;
    try {
      server = await startServer({ LIVEKIT_URL: livekit.url, ...env }, appPort);
    } catch (error) {
      await livekit.stop();
      throw error;
    }
    return {
      livekit,
      server,
      stop: async () => {
        await server.stop();
        await livekit.stop();
      },
    };
  });
}

/**
 * One Chromium for the test file, started before its tests and closed after them; `newPage()`
 * opens a page in a context of its own (1280×800) that logs the page's errors. With
 * `watchConnections`, each page keeps its peer connections and sockets (support/live-page.ts).
 */
export function browserForFile(options: { watchConnections?: boolean } = {}): {
  newPage(): Promise<Page>;
} {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await Promise.all(contexts.map((context) => context.close().catch(() => {})));
    await browser?.close();
  });
  return {
    async newPage() {
      if (!browser) throw new Error("browserForFile: newPage() before the file's beforeAll");
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      contexts.push(context);
      if (options.watchConnections) await context.addInitScript(keepConnections);
      const page = await context.newPage();
      page.on("pageerror", (error) => console.error("page error:", error.message));
      return page;
    },
  };
}
