import { describe, expect, it } from "vitest";
import {
  createNonce,
  livekitConnectSources,
  pageContentSecurityPolicy,
} from "@/lib/security-headers";

const directive = (policy: string, name: string) =>
  policy
    .split("; ")
    .find((d) => d.startsWith(`${name} `))
    ?.split(" ")
    .slice(1);

describe("livekitConnectSources", () => {
  it.each([
    ["ws://localhost:7880", ["ws://localhost:7880", "http://localhost:7880"]],
    ["wss://lk.example.com", ["wss://lk.example.com", "https://lk.example.com"]],
    [
      "https://lk.example.com:8443/some/path",
      ["wss://lk.example.com:8443", "https://lk.example.com:8443"],
    ],
    ["http://10.0.0.5", ["ws://10.0.0.5", "http://10.0.0.5"]],
  ])("allows %s as WebSocket and its http(s) twin, by origin", (url, expected) => {
    expect(livekitConnectSources(url)).toEqual(expected);
  });

  it("allows the regional hosts LiveKit Cloud fails over to", () => {
    expect(livekitConnectSources("wss://my-app-x1y2.livekit.cloud")).toEqual([
      "wss://my-app-x1y2.livekit.cloud",
      "https://my-app-x1y2.livekit.cloud",
      "wss://*.livekit.cloud",
      "https://*.livekit.cloud",
    ]);
    expect(livekitConnectSources("wss://evil-livekit.cloud.example.com")).toHaveLength(2);
  });
});

describe("pageContentSecurityPolicy", () => {
  it("runs scripts by nonce only, and connects to this origin and LiveKit", () => {
    const policy = pageContentSecurityPolicy({ livekitUrl: "ws://127.0.0.1:7880", nonce: "abc" });
    expect(directive(policy, "script-src")).toEqual(["'self'", "'nonce-abc'", "'strict-dynamic'"]);
    expect(directive(policy, "connect-src")).toEqual([
      "'self'",
      "ws://127.0.0.1:7880",
      "http://127.0.0.1:7880",
    ]);
    expect(directive(policy, "object-src")).toEqual(["'none'"]);
    expect(directive(policy, "frame-ancestors")).toEqual(["'none'"]);
    expect(directive(policy, "img-src")).toEqual(["'self'", "data:", "blob:"]);
    expect(directive(policy, "media-src")).toEqual(["'self'", "blob:"]);
    expect(policy).not.toContain("upgrade-insecure-requests");
  });

  it("allows eval only for next dev", () => {
    const options = { livekitUrl: "ws://localhost:7880", nonce: "n" };
    expect(directive(pageContentSecurityPolicy(options), "script-src")).not.toContain(
      "'unsafe-eval'",
    );
    expect(
      directive(pageContentSecurityPolicy({ ...options, development: true }), "script-src"),
    ).toContain("'unsafe-eval'");
  });
});

describe("createNonce", () => {
  it("is 128 random bits in base64, new each time", () => {
    const nonces = new Set(Array.from({ length: 100 }, createNonce));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) {
      expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    }
  });
});
