import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "@/lib/config";

describe("loadConfig", () => {
  it("runs with no settings at all: the livekit-server --dev defaults", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      livekitUrl: "ws://localhost:7880",
      apiKey: "devkey",
      apiSecret: "secret",
      port: 6080,
      corsOrigin: "*",
      redisUrl: null,
      memoryEventLimit: 1000,
      redisStreamMaxLen: 10_000,
    });
  });

  it("reads PORT, else SERVER_PORT", () => {
    expect(loadConfig({ SERVER_PORT: "7000" }).port).toBe(7000);
    expect(loadConfig({ PORT: "7001", SERVER_PORT: "7000" }).port).toBe(7001);
  });

  it("names the variable that is wrong", () => {
    expect(() => loadConfig({ TOKEN_TTL_SECONDS: "soon" })).toThrow(/^TOKEN_TTL_SECONDS: /);
    expect(() => loadConfig({ LIVEKIT_URL: "localhost:7880" })).toThrow(/^LIVEKIT_URL: /);
    expect(() => loadConfig({ REDIS_URL: "localhost:6379" })).toThrow(/^REDIS_URL: /);
    expect(() => loadConfig({ EVENT_LOG_MEMORY_LIMIT: "0" })).toThrow(/^EVENT_LOG_MEMORY_LIMIT: /);
  });

  it("refuses the dev keys in production, naming the variables to set", () => {
    const attempt = () => loadConfig({ NODE_ENV: "production" });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/LIVEKIT_API_KEY and LIVEKIT_API_SECRET/);
    expect(() =>
      loadConfig({ NODE_ENV: "production", LIVEKIT_API_KEY: "k", LIVEKIT_API_SECRET: "secret" }),
    ).toThrow(ConfigError);
  });

  it("allows the dev keys in production only with the explicit opt-in", () => {
    const config = loadConfig({
      NODE_ENV: "production",
      LIVEKIT_ALLOW_DEV_KEYS: "true",
      TOKEN_ACCESS: "open",
    });
    expect(config.apiKey).toBe("devkey");
    expect(() => loadConfig({ NODE_ENV: "production", LIVEKIT_ALLOW_DEV_KEYS: "maybe" })).toThrow(
      /^LIVEKIT_ALLOW_DEV_KEYS: /,
    );
  });

  it("takes real keys in production", () => {
    const config = loadConfig({
      NODE_ENV: "production",
      TOKEN_ACCESS: "open",
      LIVEKIT_API_KEY: "APIabc",
      LIVEKIT_API_SECRET: "s3cr3t-value-0123456789abcdefghijk",
      LIVEKIT_URL: "wss://example.livekit.cloud",
      REDIS_URL: "rediss://default:pw@redis.example:6379",
    });
    expect(config).toMatchObject({
      apiKey: "APIabc",
      redisUrl: "rediss://default:pw@redis.example:6379",
    });
  });

  const production = {
    NODE_ENV: "production",
    LIVEKIT_API_KEY: "APIabc",
    LIVEKIT_API_SECRET: "s3cr3t-value-0123456789abcdefghijk",
  };

  it("refuses to guess TOKEN_ACCESS in production, naming the variable and both choices", () => {
    const attempt = () => loadConfig(production);
    expect(attempt).toThrow(/^TOKEN_ACCESS: /);
    expect(attempt).toThrow(/TOKEN_ACCESS=open .*TOKEN_ACCESS=protected/);
    expect(() => loadConfig({ ...production, TOKEN_ACCESS: "closed" })).toThrow(
      /^TOKEN_ACCESS: must be open or protected/,
    );
    expect(loadConfig({}).tokenAccess).toBe("open");
  });

  it("lets clients set every optional field when open, only attributes when protected, or what TOKEN_CLIENT_FIELDS says", () => {
    expect([...loadConfig({}).tokenClientFields].sort()).toEqual([
      "participant_attributes",
      "participant_metadata",
      "room_config",
    ]);
    expect([...loadConfig({ TOKEN_ACCESS: "protected" }).tokenClientFields]).toEqual([
      "participant_attributes",
    ]);
    expect([...loadConfig({ TOKEN_CLIENT_FIELDS: "none" }).tokenClientFields]).toEqual([]);
    expect([
      ...loadConfig({ TOKEN_CLIENT_FIELDS: " room_config , participant_metadata" })
        .tokenClientFields,
    ]).toEqual(["room_config", "participant_metadata"]);
    expect(() => loadConfig({ TOKEN_CLIENT_FIELDS: "identity" })).toThrow(
      /^TOKEN_CLIENT_FIELDS: unknown field "identity"/,
    );
  });

  it("takes an identity provider only with all three variables, over https (http on loopback)", () => {
    const provider = {
      TOKEN_AUTH_JWKS_URL: "https://idp.example.com/.well-known/jwks.json",
      TOKEN_AUTH_ISSUER: "https://idp.example.com/",
      TOKEN_AUTH_AUDIENCE: "livekit-app",
    };
    expect(loadConfig(provider).tokenAuth).toEqual({
      jwksUrl: provider.TOKEN_AUTH_JWKS_URL,
      issuer: provider.TOKEN_AUTH_ISSUER,
      audience: provider.TOKEN_AUTH_AUDIENCE,
      // The safe side by default: the rooms the JWT lists.
      rooms: "claim",
    });
    expect(loadConfig({ ...provider, TOKEN_AUTH_ROOMS: "any" }).tokenAuth?.rooms).toBe("any");
    expect(() => loadConfig({ ...provider, TOKEN_AUTH_ROOMS: "all" })).toThrow(
      /^TOKEN_AUTH_ROOMS: must be claim/,
    );
    expect(() => loadConfig({ ...provider, TOKEN_AUTH_AUDIENCE: "" })).toThrow(
      /^TOKEN_AUTH_AUDIENCE: .*all three/,
    );
    expect(() =>
      loadConfig({ ...provider, TOKEN_AUTH_JWKS_URL: "http://idp.example.com/jwks" }),
    ).toThrow(/^TOKEN_AUTH_JWKS_URL: must be an https/);
    expect(
      loadConfig({ ...provider, TOKEN_AUTH_JWKS_URL: "http://127.0.0.1:9/jwks" }).tokenAuth
        ?.jwksUrl,
    ).toBe("http://127.0.0.1:9/jwks");
  });

  it("reads Redis from REDIS_URL, else from KV_URL (Upstash's name on Vercel), naming the one read", () => {
    const upstash = "rediss://default:token@example.upstash.io:6379";
    expect(loadConfig({ KV_URL: upstash }).redisUrl).toBe(upstash);
    expect(loadConfig({ KV_URL: upstash, REDIS_URL: "redis://own:6379" }).redisUrl).toBe(
      "redis://own:6379",
    );
    expect(loadConfig({ KV_REST_API_URL: "https://example.upstash.io" }).redisUrl).toBeNull();
    expect(() => loadConfig({ KV_URL: "https://example.upstash.io" })).toThrow(/^KV_URL: /);
  });

  it("takes more webhook keys in LIVEKIT_WEBHOOK_KEYS, the token-signing pair always among them", () => {
    const next = "n3w-s3cr3t-value-0123456789abcdefghij";
    const config = loadConfig({
      ...production,
      TOKEN_ACCESS: "open",
      LIVEKIT_WEBHOOK_KEYS: `APInew: ${next},\n APIabc:s3cr3t-value-0123456789abcdefghijk`,
    });
    expect([...config.webhookKeys]).toEqual([
      ["APIabc", "s3cr3t-value-0123456789abcdefghijk"],
      ["APInew", next],
    ]);
    expect([...loadConfig({}).webhookKeys]).toEqual([["devkey", "secret"]]);
    expect(() => loadConfig({ LIVEKIT_WEBHOOK_KEYS: "APInew" })).toThrow(
      /^LIVEKIT_WEBHOOK_KEYS: must be key: secret pairs/,
    );
    expect(() => loadConfig({ LIVEKIT_WEBHOOK_KEYS: "a: x, a: y" })).toThrow(
      /names the key a twice/,
    );
    expect(() => loadConfig({ LIVEKIT_WEBHOOK_KEYS: "devkey: other" })).toThrow(
      /^LIVEKIT_WEBHOOK_KEYS: names devkey, LIVEKIT_API_KEY, with a secret other/,
    );
    expect(() =>
      loadConfig({ ...production, TOKEN_ACCESS: "open", LIVEKIT_WEBHOOK_KEYS: "APInew: short" }),
    ).toThrow(/^LIVEKIT_WEBHOOK_KEYS: production refuses a secret shorter than 32/);
  });

  it("refuses protected mode that nothing could ever pass", () => {
    expect(() => loadConfig({ TOKEN_ACCESS: "protected", TOKEN_INVITES: "false" })).toThrow(
      /^TOKEN_ACCESS: protected with invites off/,
    );
    expect(loadConfig({ TOKEN_ACCESS: "protected" }).tokenInvites).toBe(true);
  });

  it("reads no variable that .env.example does not list", () => {
    const listed = new Set(
      readFileSync(path.join(__dirname, "../../.env.example"), "utf8")
        .split("\n")
        .map((line) => /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
        .filter((name): name is string => name !== undefined),
    );
    const read = new Set<string>();
    const recording = new Proxy<Record<string, string | undefined>>(
      { TOKEN_ACCESS: "protected", TOKEN_INVITES: "true" },
      {
        get: (target, name) => {
          if (typeof name === "string") read.add(name);
          return target[name as string];
        },
      },
    );
    loadConfig(recording);
    read.delete("NODE_ENV"); // Next's, not a setting of ours
    read.delete("VERCEL"); // set by the platform, never by hand
    expect([...read].filter((name) => !listed.has(name))).toEqual([]);
    expect(read.size).toBeGreaterThan(15);
  });
});
