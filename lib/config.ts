import "server-only";
import { TOKEN_ACCESS_REQUIRED_MESSAGE } from "./deployment-rules.cjs";
import {
  CLIENT_SETTABLE_FIELDS,
  TOKEN_ACCESS_MODES,
  type ClientSettableField,
  type TokenAccessMode,
} from "./shared/limits";

/**
 * Every setting of the server, read from the environment and validated once.
 *
 * `loadConfig(env)` is pure so tests can feed it any environment; the app calls `getConfig()`,
 * which validates `process.env` on first use and then returns the same object. Startup
 * (instrumentation.ts) calls it too, so a wrong variable stops the server with its name.
 */

/** The shortest API secret production accepts: livekit-server's own minimum. */
export const MIN_API_SECRET_LENGTH = 32;

/** The API key and secret of `livekit-server --dev`: fine on a laptop, never in production. */
export const DEV_API_KEY = "devkey";
export const DEV_API_SECRET = "secret";

/**
 * A person joining a room asks for one token; a page reload or a reconnect asks for another.
 * 60 a minute per address leaves room for a classroom or an office behind one NAT address
 * joining at once, while a script minting tokens in a loop is stopped after one a second.
 */
export const DEFAULT_TOKEN_RATE_LIMIT_PER_MINUTE = 60;

export interface Config {
  /** ws(s):// address of the LiveKit server that browsers connect to. */
  livekitUrl: string;
  apiKey: string;
  apiSecret: string;
  /**
   * Every key/secret pair a webhook may be signed with, by API key: LIVEKIT_API_KEY's always,
   * and LIVEKIT_WEBHOOK_KEYS's (a key rotation's new or old pair). A webhook's JWT names its key
   * in `iss`; the secret is picked by it.
   */
  webhookKeys: ReadonlyMap<string, string>;
  /** Port the server listens on (used by the npm scripts and the docs; Next reads PORT itself). */
  port: number;
  /** Value of Access-Control-Allow-Origin on the public endpoints. */
  corsOrigin: string;
  /** Lifetime of the participant tokens issued by /api/token, in seconds. */
  tokenTtlSeconds: number;
  /**
   * Requests per minute one client address may make to /api/token (shared through Redis when
   * REDIS_URL is set); 0 turns the limit off.
   */
  tokenRateLimitPerMinute: number;
  /** Who may get a token: anyone (`open`) or holders of a credential (`protected`); lib/access.ts. */
  tokenAccess: TokenAccessMode;
  /** The optional request fields clients may set; a refused one gets a 403 naming it. */
  tokenClientFields: ReadonlySet<ClientSettableField>;
  /** Whether invites made by `npm run invite` are accepted in protected mode. */
  tokenInvites: boolean;
  /** An identity provider whose JWTs are accepted in protected mode, or null. */
  tokenAuth: TokenAuthConfig | null;
  /**
   * REDIS_URL, else KV_URL (Upstash's name on Vercel). Set: events are kept in a Redis Stream
   * shared by every instance. Unset: in memory.
   */
  redisUrl: string | null;
  /** How many events the in-memory log keeps. */
  memoryEventLimit: number;
  /** Approximate length the Redis Stream is trimmed to. */
  redisStreamMaxLen: number;
  /** An event stream ends itself after this long, before the platform cuts the function. */
  sseMaxSeconds: number;
  /** Seconds between SSE comment heartbeats. */
  sseHeartbeatSeconds: number;
  /**
   * How long the console's rooms route waits for LiveKit's room API before answering from the
   * webhook log alone, in milliseconds.
   */
  roomApiTimeoutMs: number;
  /** How long a webhook's body (after its JWT was verified) may take to arrive, in milliseconds. */
  webhookBodyTimeoutMs: number;
  /** Open event streams one client address may hold on this instance; 0 = no cap. */
  sseMaxStreamsPerClient: number;
  /** Open event streams one credential may hold on this instance; 0 = no cap. */
  sseMaxStreamsPerCredential: number;
  /** Attempts a throwing handler gets before its run is recorded as failed. */
  handlerMaxAttempts: number;
  /**
   * How long a handler's attempt holds its run: past it (the instance died, or the handler is
   * still going) another instance or the drain takes the run over. Longer than your handlers take.
   */
  handlerLeaseSeconds: number;
  /** Backoff before the 2nd attempt; doubled for each next one (at most 5 minutes). */
  handlerRetryBaseMs: number;
  /** Vercel Cron's secret: GET /api/handlers/drain needs `Authorization: Bearer <CRON_SECRET>`. */
  cronSecret: string | null;
  /** Open event streams this instance holds in all (0 = no cap): past it, 503 with Retry-After. */
  sseMaxStreams: number;
  /** Running on Vercel (`VERCEL` set): the client address is its forwarded-for header. */
  onVercel: boolean;
  /** Proxies of yours in front of the server: the client address is that many XFF entries from the right. */
  trustedProxyHops: number;
}

/** The identity provider of protected mode: its keys (JWKS), and the issuer and audience required. */
export interface TokenAuthConfig {
  jwksUrl: string;
  issuer: string;
  audience: string;
  /**
   * Which rooms a provider's user may join (TOKEN_AUTH_ROOMS): `claim` (the default) those its
   * JWT lists in `livekit_rooms` (an entry ending in `*` is a prefix; no claim, no room);
   * `any`: every room, invite-only ones included.
   */
  rooms: "claim" | "any";
}

/** What production says when TOKEN_ACCESS is unset (next.config.js says the same at build). */
export { TOKEN_ACCESS_REQUIRED_MESSAGE };

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

function text(env: Env, name: string, fallback: string): string {
  const value = env[name]?.trim();
  return value ? value : fallback;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw)) {
    throw new ConfigError(name, `must be a whole number, got ${JSON.stringify(raw)}`);
  }
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

function flag(env: Env, name: string): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return false;
  if (["1", "true", "yes"].includes(raw)) return true;
  if (["0", "false", "no"].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got ${JSON.stringify(raw)}`);
}

export function loadConfig(env: Env): Config {
  const livekitUrl = text(env, "LIVEKIT_URL", "ws://localhost:7880");
  if (!/^(wss?|https?):\/\/[^\s/]+/.test(livekitUrl)) {
    throw new ConfigError(
      "LIVEKIT_URL",
      `must be a ws://, wss://, http:// or https:// URL, got ${JSON.stringify(livekitUrl)}`,
    );
  }
  const apiKey = text(env, "LIVEKIT_API_KEY", DEV_API_KEY);
  const apiSecret = text(env, "LIVEKIT_API_SECRET", DEV_API_SECRET);

  const usesDevKeys = apiKey === DEV_API_KEY || apiSecret === DEV_API_SECRET;
  if (env.NODE_ENV === "production" && usesDevKeys && !flag(env, "LIVEKIT_ALLOW_DEV_KEYS")) {
    throw new ConfigError(
      "LIVEKIT_API_KEY",
      "production refuses the well-known development key/secret (devkey/secret). " +
        "Set LIVEKIT_API_KEY and LIVEKIT_API_SECRET to your LiveKit project's keys, " +
        "or set LIVEKIT_ALLOW_DEV_KEYS=true if the dev keys are really intended.",
    );
  }

  // LiveKit's own server refuses secrets shorter than this; an HS256 key of a few characters
  // is found offline from one token, and every token and invite of this server forged with it.
  const devKeysIntended = usesDevKeys && flag(env, "LIVEKIT_ALLOW_DEV_KEYS");
  if (
    env.NODE_ENV === "production" &&
    apiSecret.length < MIN_API_SECRET_LENGTH &&
    !devKeysIntended
  ) {
    throw new ConfigError(
      "LIVEKIT_API_SECRET",
      `production refuses a secret shorter than ${MIN_API_SECRET_LENGTH} characters (LiveKit's own ` +
        `minimum; this one has ${apiSecret.length}). Use your LiveKit project's secret, or make ` +
        "one with `openssl rand -base64 32` and give livekit-server the same in its keys.",
    );
  }

  const webhookKeys = webhookKeysOf(env, apiKey, apiSecret);

  const redisUrl = redisUrlOf(env);

  const tokenAccess = tokenAccessOf(env);
  const tokenAuth = tokenAuthOf(env);
  const tokenInvites = env.TOKEN_INVITES?.trim() ? flag(env, "TOKEN_INVITES") : true;
  if (tokenAccess === "protected" && !tokenInvites && tokenAuth === null) {
    throw new ConfigError(
      "TOKEN_ACCESS",
      "protected with invites off (TOKEN_INVITES=false) and no identity provider " +
        "(TOKEN_AUTH_JWKS_URL, TOKEN_AUTH_ISSUER, TOKEN_AUTH_AUDIENCE) would refuse everyone: " +
        "turn invites on or configure the identity provider",
    );
  }

  const portName = env.PORT?.trim() ? "PORT" : "SERVER_PORT";

  return {
    livekitUrl,
    apiKey,
    apiSecret,
    webhookKeys,
    port: integer(env, portName, 6080, 1, 65535),
    corsOrigin: text(env, "CORS_ORIGIN", "*"),
    // Short: a leaked join token is worth little for long. LiveKit refreshes a connected
    // participant's token itself, and the page fetches a fresh one for each event stream.
    tokenTtlSeconds: integer(env, "TOKEN_TTL_SECONDS", 10 * 60, 60, 7 * 24 * 60 * 60),
    tokenRateLimitPerMinute: integer(
      env,
      "TOKEN_RATE_LIMIT_PER_MINUTE",
      DEFAULT_TOKEN_RATE_LIMIT_PER_MINUTE,
      0,
      1_000_000,
    ),
    tokenAccess,
    tokenClientFields: clientFieldsOf(env, tokenAccess),
    tokenInvites,
    tokenAuth,
    redisUrl,
    memoryEventLimit: integer(env, "EVENT_LOG_MEMORY_LIMIT", 1000, 1, 1_000_000),
    redisStreamMaxLen: integer(env, "EVENT_LOG_REDIS_MAXLEN", 10_000, 100, 10_000_000),
    sseMaxSeconds: integer(env, "SSE_MAX_SECONDS", 280, 1, 3600),
    sseHeartbeatSeconds: integer(env, "SSE_HEARTBEAT_SECONDS", 15, 1, 3600),
    roomApiTimeoutMs: integer(env, "ROOM_API_TIMEOUT_MS", 2000, 100, 60_000),
    webhookBodyTimeoutMs: integer(env, "WEBHOOK_BODY_TIMEOUT_MS", 10_000, 100, 120_000),
    sseMaxStreamsPerClient: integer(env, "SSE_MAX_STREAMS_PER_CLIENT", 20, 0, 1_000_000),
    sseMaxStreamsPerCredential: integer(env, "SSE_MAX_STREAMS_PER_CREDENTIAL", 20, 0, 1_000_000),
    handlerMaxAttempts: integer(env, "HANDLER_MAX_ATTEMPTS", 5, 1, 100),
    handlerLeaseSeconds: integer(env, "HANDLER_LEASE_SECONDS", 60, 1, 3600),
    handlerRetryBaseMs: integer(env, "HANDLER_RETRY_BASE_MS", 1000, 10, 600_000),
    cronSecret: env.CRON_SECRET?.trim() || null,
    sseMaxStreams: integer(env, "SSE_MAX_STREAMS", 10_000, 0, 10_000_000),
    onVercel: Boolean(env.VERCEL?.trim()),
    trustedProxyHops: integer(env, "TRUSTED_PROXY_HOPS", 0, 0, 10),
  };
}

/**
 * The Redis of the event log (and of everything that shares it): REDIS_URL, else KV_URL, the
 * name under which Upstash's Vercel Marketplace integration hands over its Redis-protocol URL
 * (`rediss://…`; its KV_REST_API_URL/KV_REST_API_TOKEN are an HTTP API, which cannot hold the
 * blocking XREAD the event stream uses, so they are not read). The error names the variable read.
 */
function redisUrlOf(env: Env): string | null {
  const name = env.REDIS_URL?.trim() ? "REDIS_URL" : "KV_URL";
  const url = env[name]?.trim() || null;
  if (url !== null && !/^rediss?:\/\//.test(url)) {
    throw new ConfigError(name, "must start with redis:// or rediss://");
  }
  return url;
}

/**
 * `LIVEKIT_WEBHOOK_KEYS`: more key/secret pairs webhooks may be signed with, as livekit-server's
 * own `keys` are written (`key: secret`), separated by commas or newlines. The token-signing pair
 * (LIVEKIT_API_KEY/SECRET) is always among them; naming its key again with another secret, or
 * one key twice, is an error (which secret would be meant?). Production holds every secret to
 * the same minimum length as LIVEKIT_API_SECRET's.
 */
function webhookKeysOf(env: Env, apiKey: string, apiSecret: string): Map<string, string> {
  const name = "LIVEKIT_WEBHOOK_KEYS";
  const keys = new Map([[apiKey, apiSecret]]);
  const raw = env[name]?.trim();
  if (!raw) return keys;
  const named = new Set<string>();
  for (const entry of raw.split(/[,\n]/)) {
    const pair = entry.trim();
    if (!pair) continue;
    const colon = pair.indexOf(":");
    const key = colon < 0 ? "" : pair.slice(0, colon).trim();
    const secret = colon < 0 ? "" : pair.slice(colon + 1).trim();
    if (!key || !secret || /\s/.test(key)) {
      throw new ConfigError(name, "must be key: secret pairs, separated by commas or newlines");
    }
    if (named.has(key)) throw new ConfigError(name, `names the key ${key} twice`);
    named.add(key);
    if (keys.has(key) && keys.get(key) !== secret) {
      throw new ConfigError(
        name,
        `names ${key}, LIVEKIT_API_KEY, with a secret other than LIVEKIT_API_SECRET`,
      );
    }
    if (env.NODE_ENV === "production" && secret.length < MIN_API_SECRET_LENGTH) {
      throw new ConfigError(
        name,
        `production refuses a secret shorter than ${MIN_API_SECRET_LENGTH} characters (${key}'s has ${secret.length})`,
      );
    }
    keys.set(key, secret);
  }
  return keys;
}

function tokenAccessOf(env: Env): TokenAccessMode {
  const raw = env.TOKEN_ACCESS?.trim().toLowerCase();
  if (!raw) {
    if (env.NODE_ENV === "production") {
      throw new ConfigError("TOKEN_ACCESS", TOKEN_ACCESS_REQUIRED_MESSAGE);
    }
    return "open";
  }
  if (!(TOKEN_ACCESS_MODES as readonly string[]).includes(raw)) {
    throw new ConfigError("TOKEN_ACCESS", `must be open or protected, got ${JSON.stringify(raw)}`);
  }
  return raw as TokenAccessMode;
}

/**
 * `TOKEN_CLIENT_FIELDS`: a comma-separated list of the optional fields clients may set, or
 * `none`. Unset: all of them when open (the tutorials' contract: metadata is the client's), only
 * `participant_attributes` when protected (metadata is often trusted by apps, and `room_config`
 * can start recordings or dispatch agents at the deployer's cost).
 */
function clientFieldsOf(env: Env, access: TokenAccessMode): ReadonlySet<ClientSettableField> {
  const raw = env.TOKEN_CLIENT_FIELDS?.trim();
  if (!raw) {
    return new Set(access === "open" ? CLIENT_SETTABLE_FIELDS : ["participant_attributes"]);
  }
  if (raw.toLowerCase() === "none") return new Set();
  const fields = raw.split(",").map((field) => field.trim());
  for (const field of fields) {
    if (!(CLIENT_SETTABLE_FIELDS as readonly string[]).includes(field)) {
      throw new ConfigError(
        "TOKEN_CLIENT_FIELDS",
        `unknown field ${JSON.stringify(field)}: use none or a comma-separated list of ${CLIENT_SETTABLE_FIELDS.join(", ")}`,
      );
    }
  }
  return new Set(fields as ClientSettableField[]);
}

const TOKEN_AUTH_VARIABLES = ["TOKEN_AUTH_JWKS_URL", "TOKEN_AUTH_ISSUER", "TOKEN_AUTH_AUDIENCE"];

function tokenAuthOf(env: Env): TokenAuthConfig | null {
  const [jwksUrl, issuer, audience] = TOKEN_AUTH_VARIABLES.map((name) => env[name]?.trim() ?? "");
  const missing = TOKEN_AUTH_VARIABLES.filter((name) => !env[name]?.trim());
  if (missing.length === TOKEN_AUTH_VARIABLES.length) return null;
  if (missing.length > 0) {
    throw new ConfigError(
      missing[0]!,
      `an identity provider needs all three of ${TOKEN_AUTH_VARIABLES.join(", ")}; ${missing.join(" and ")} missing`,
    );
  }
  let url: URL;
  try {
    url = new URL(jwksUrl!);
  } catch {
    throw new ConfigError("TOKEN_AUTH_JWKS_URL", `must be a URL, got ${JSON.stringify(jwksUrl)}`);
  }
  const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw new ConfigError(
      "TOKEN_AUTH_JWKS_URL",
      "must be an https:// URL (http:// only for a provider on this machine's loopback)",
    );
  }
  const rooms = env.TOKEN_AUTH_ROOMS?.trim().toLowerCase() || "claim";
  if (rooms !== "claim" && rooms !== "any") {
    throw new ConfigError(
      "TOKEN_AUTH_ROOMS",
      `must be claim (the JWT's livekit_rooms claim lists the rooms) or any, got ${JSON.stringify(rooms)}`,
    );
  }
  return { jwksUrl: url.href, issuer: issuer!, audience: audience!, rooms };
}

const cache = globalThis as typeof globalThis & { __livekitAppConfig?: Config };

/** The validated configuration of this process; throws a ConfigError naming the bad variable. */
export function getConfig(): Config {
  cache.__livekitAppConfig ??= loadConfig(process.env);
  return cache.__livekitAppConfig;
}
