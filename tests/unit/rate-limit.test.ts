import { describe, expect, it } from "vitest";
import {
  checkTokenRateLimit,
  clientAddress,
  countInMemory,
  MAX_MEMORY_WINDOWS,
  memoryWindowCount,
} from "@/lib/rate-limit";

const from = (headers: Record<string, string>) => new Request("http://x/api/token", { headers });

const bare = { onVercel: false, trustedProxyHops: 0 };

describe("clientAddress", () => {
  it("on a bare server takes the socket's address and ignores every forwarded header", () => {
    const headers = { "x-forwarded-for": "203.0.113.9", "x-real-ip": "198.51.100.2" };
    expect(clientAddress(from({ ...headers, "x-livekit-peer-address": "192.0.2.7" }), bare)).toBe(
      "192.0.2.7",
    );
    expect(clientAddress(from(headers), bare)).toBe("unknown");
  });

  it("behind N trusted proxies takes the N-th X-Forwarded-For entry from the right", () => {
    const request = from({ "x-forwarded-for": "1.1.1.1, 10.0.0.1 , 203.0.113.9 " });
    expect(clientAddress(request, { onVercel: false, trustedProxyHops: 1 })).toBe("203.0.113.9");
    expect(clientAddress(request, { onVercel: false, trustedProxyHops: 2 })).toBe("10.0.0.1");
  });

  it("on Vercel takes the platform's forwarded-for", () => {
    const request = from({ "x-forwarded-for": "198.51.100.2" });
    expect(clientAddress(request, { onVercel: true, trustedProxyHops: 0 })).toBe("198.51.100.2");
  });

  it("keys IPv6 by its /64 and IPv4-mapped IPv6 as IPv4", () => {
    const hop = { onVercel: false, trustedProxyHops: 1 };
    const key = (address: string) => clientAddress(from({ "x-forwarded-for": address }), hop);
    expect(key("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(key("2001:0db8:0001:0002:ffff:1:2:3")).toBe("2001:db8:1:2::/64");
    expect(key("::ffff:203.0.113.9")).toBe("203.0.113.9");
  });

  it("bounds the key a forged header can make", () => {
    const hop = { onVercel: false, trustedProxyHops: 1 };
    expect(clientAddress(from({ "x-forwarded-for": "a".repeat(5000) }), hop)).toHaveLength(64);
  });
});

describe("countInMemory", () => {
  it("counts within a minute and starts again after it", () => {
    const key = `unit-${Math.random()}`;
    expect(countInMemory(key, 1_000_000)).toEqual({ count: 1, remainingMs: 60_000 });
    expect(countInMemory(key, 1_030_000)).toEqual({ count: 2, remainingMs: 30_000 });
    expect(countInMemory(key, 1_060_000)).toEqual({ count: 1, remainingMs: 60_000 });
  });

  it("stays within its bound under a flood of new keys inside one window", () => {
    for (let i = 0; i < 10_000; i++) countInMemory(`flood-${i}`, 2_000_000 + i);
    expect(memoryWindowCount()).toBeLessThanOrEqual(MAX_MEMORY_WINDOWS);
  });
});

describe("checkTokenRateLimit", () => {
  it("lets the limit through, then answers 429 with Retry-After in whole seconds", async () => {
    const config = { tokenRateLimitPerMinute: 2, redisUrl: null, ...bare };
    const request = from({ "x-livekit-peer-address": `unit-${Math.random()}` });
    await checkTokenRateLimit(request, config, "granted", 5_000_000);
    await checkTokenRateLimit(request, config, "granted", 5_000_001);
    await expect(checkTokenRateLimit(request, config, "granted", 5_000_500)).rejects.toMatchObject({
      status: 429,
      headers: { "Retry-After": "60" },
    });
    await expect(checkTokenRateLimit(request, config, "granted", 5_059_999)).rejects.toMatchObject({
      headers: { "Retry-After": "1" },
    });
    await expect(
      checkTokenRateLimit(request, config, "granted", 5_060_000),
    ).resolves.toBeUndefined();
  });

  it("is off at 0", async () => {
    const request = from({ "x-livekit-peer-address": "unit-off" });
    for (let i = 0; i < 100; i++) {
      await checkTokenRateLimit(request, { tokenRateLimitPerMinute: 0, redisUrl: null, ...bare });
    }
  });
});
