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
    const config = loadConfig({ NODE_ENV: "production", LIVEKIT_ALLOW_DEV_KEYS: "true" });
    expect(config.apiKey).toBe("devkey");
    expect(() => loadConfig({ NODE_ENV: "production", LIVEKIT_ALLOW_DEV_KEYS: "maybe" })).toThrow(
      /^LIVEKIT_ALLOW_DEV_KEYS: /,
    );
  });

  it("takes real keys in production", () => {
    const config = loadConfig({
      NODE_ENV: "production",
      LIVEKIT_API_KEY: "APIabc",
      LIVEKIT_API_SECRET: "s3cr3t-value",
      LIVEKIT_URL: "wss://example.livekit.cloud",
      REDIS_URL: "rediss://default:pw@redis.example:6379",
    });
    expect(config).toMatchObject({
      apiKey: "APIabc",
      redisUrl: "rediss://default:pw@redis.example:6379",
    });
  });
});
