import { describe, expect, it } from "vitest";
import { checkTokenRateLimit, clientAddress, countInMemory } from "@/lib/rate-limit";

const from = (headers: Record<string, string>) => new Request("http://x/api/token", { headers });

describe("clientAddress", () => {
  it("takes the rightmost X-Forwarded-For entry: the one the nearest proxy added", () => {
    expect(clientAddress(from({ "x-forwarded-for": "203.0.113.9" }))).toBe("203.0.113.9");
    expect(clientAddress(from({ "x-forwarded-for": "1.1.1.1, 10.0.0.1 , 203.0.113.9 " }))).toBe(
      "203.0.113.9",
    );
  });

  it("falls back to X-Real-IP, then to one shared bucket", () => {
    expect(clientAddress(from({ "x-real-ip": "198.51.100.2" }))).toBe("198.51.100.2");
    expect(clientAddress(from({}))).toBe("unknown");
  });

  it("bounds the key a forged header can make", () => {
    expect(clientAddress(from({ "x-forwarded-for": "a".repeat(5000) }))).toHaveLength(64);
  });
});

describe("countInMemory", () => {
  it("counts within a minute and starts again after it", () => {
    const key = `unit-${Math.random()}`;
    expect(countInMemory(key, 1_000_000)).toEqual({ count: 1, remainingMs: 60_000 });
    expect(countInMemory(key, 1_030_000)).toEqual({ count: 2, remainingMs: 30_000 });
    expect(countInMemory(key, 1_060_000)).toEqual({ count: 1, remainingMs: 60_000 });
  });
});

describe("checkTokenRateLimit", () => {
  it("lets the limit through, then answers 429 with Retry-After in whole seconds", async () => {
    const config = { tokenRateLimitPerMinute: 2, redisUrl: null };
    const request = from({ "x-forwarded-for": `unit-${Math.random()}` });
    await checkTokenRateLimit(request, config, 5_000_000);
    await checkTokenRateLimit(request, config, 5_000_001);
    await expect(checkTokenRateLimit(request, config, 5_000_500)).rejects.toMatchObject({
      status: 429,
      headers: { "Retry-After": "60" },
    });
    await expect(checkTokenRateLimit(request, config, 5_059_999)).rejects.toMatchObject({
      headers: { "Retry-After": "1" },
    });
    await expect(checkTokenRateLimit(request, config, 5_060_000)).resolves.toBeUndefined();
  });

  it("is off at 0", async () => {
    const request = from({ "x-forwarded-for": "unit-off" });
    for (let i = 0; i < 100; i++) {
      await checkTokenRateLimit(request, { tokenRateLimitPerMinute: 0, redisUrl: null });
    }
  });
});
