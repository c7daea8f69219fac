/**
 * POST /api/token (and /token, the tutorial clients' path) over HTTP against the production
 * build, run with non-default keys.
 */
import { request as httpRequest } from "node:http";
import { TokenVerifier } from "livekit-server-sdk";
import { describe, expect, it } from "vitest";
import {
  TEST_API_KEY,
  TEST_API_SECRET,
  TEST_LIVEKIT_URL,
  serverForFile,
} from "../support/fixtures";
import { runServerExpectingExit, startServer } from "../support/server";

const server = serverForFile({ CORS_ORIGIN: "*", TOKEN_RATE_LIMIT_PER_MINUTE: "0" });

const ORIGIN = "http://localhost:5173";

async function post(
  body: BodyInit | null,
  path = "/api/token",
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: ORIGIN, ...headers },
    body,
  });
  const text = await response.text();
  return { response, text, json: JSON.parse(text) as Record<string, unknown> };
}

describe("POST /api/token", () => {
  it("answers a client that accepts gzip uncompressed: a small JSON answer is not worth the CPU", async () => {
    // fetch() would decompress and hide the encoding: ask with node:http.
    const answer = await new Promise<{ encoding: string | undefined; body: string }>(
      (resolve, reject) => {
        const request = httpRequest(
          `${server.url}/api/token`,
          {
            method: "POST",
            headers: { "Content-Type": "application/json", "Accept-Encoding": "gzip, br" },
          },
          (response) => {
            let body = "";
            response.setEncoding("latin1");
            response.on("data", (chunk: string) => (body += chunk));
            response.on("end", () =>
              resolve({ encoding: response.headers["content-encoding"], body }),
            );
          },
        );
        request.on("error", reject);
        request.end(JSON.stringify({ roomName: "r", participantName: "p" }));
      },
    );
    expect(answer.encoding).toBeUndefined();
    expect(JSON.parse(answer.body)).toHaveProperty("token");
  });

  it.each(["/api/token", "/token"])(
    "issues a token at %s that verifies for that room",
    async (path) => {
      const { response, json } = await post(
        JSON.stringify({ roomName: "daily-standup", participantName: "Ada" }),
        path,
      );
      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toBe("no-store, no-transform");
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
      expect(json.serverUrl).toBe(TEST_LIVEKIT_URL);
      const claims = await new TokenVerifier(TEST_API_KEY, TEST_API_SECRET).verify(
        String(json.token),
      );
      expect(claims.iss).toBe(TEST_API_KEY);
      expect(claims.sub).toBe("Ada");
      expect(claims.name).toBe("Ada");
      expect(claims.video).toMatchObject({
        roomJoin: true,
        room: "daily-standup",
        canPublish: true,
        canSubscribe: true,
        canPublishData: true,
      });
      await expect(
        new TokenVerifier("devkey", "secret").verify(String(json.token)),
      ).rejects.toThrow();
    },
  );

  it("takes an explicit identity and keeps the typed name", async () => {
    const { json } = await post(
      JSON.stringify({
        roomName: "r",
        participantName: "Ada",
        identity: "Ada#tab-2",
        metadata: '{"a":1}',
      }),
    );
    const claims = await new TokenVerifier(TEST_API_KEY, TEST_API_SECRET).verify(
      String(json.token),
    );
    expect([claims.sub, claims.name, claims.metadata]).toEqual(["Ada#tab-2", "Ada", '{"a":1}']);
  });

  it("answers a missing field with the seed's exact message", async () => {
    // At /token, the tutorial contract's path: at /api/token `{}` is LiveKit's standard request
    // (tests/integration/token-standard.test.ts).
    for (const body of [{}, { roomName: "r" }, { participantName: "p" }]) {
      const { response, json } = await post(JSON.stringify(body), "/token");
      expect(response.status).toBe(400);
      expect(json).toEqual({ errorMessage: "roomName and participantName are required" });
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
    }
  });

  const badRequests: [string, BodyInit | null, RegExp][] = [
    [
      "a number",
      JSON.stringify({ roomName: 1, participantName: "p" }),
      /roomName must be a string/,
    ],
    [
      "an object",
      JSON.stringify({ roomName: "r", participantName: {} }),
      /participantName must be a string/,
    ],
    [
      "an empty string",
      JSON.stringify({ roomName: "", participantName: "p" }),
      /must not be empty/,
    ],
    [
      "whitespace",
      JSON.stringify({ roomName: "r", participantName: " \t\n" }),
      /must not be empty/,
    ],
    [
      "a too long name",
      JSON.stringify({ roomName: "x".repeat(500), participantName: "p" }),
      /at most 128/,
    ],
    ["malformed JSON", '{"roomName": "r",', /not valid JSON/],
    [
      "a JSON array",
      JSON.stringify([{ roomName: "r", participantName: "p" }]),
      /must be a JSON object/,
    ],
    ["JSON null", "null", /must be a JSON object/],
    ["a JSON string", '"hello"', /must be a JSON object/],
    ["an empty body", "", /body is empty/],
    ["no body", null, /body is empty/],
  ];
  it.each(badRequests)(
    "refuses %s with a 400 that says what is wrong",
    async (_, body, message) => {
      const { response, json } = await post(body);
      expect(response.status).toBe(400);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
      expect(String(json.errorMessage)).toMatch(message);
    },
  );

  it("refuses an oversized body with 413 JSON", async () => {
    const { response, json } = await post(
      JSON.stringify({ roomName: "r", participantName: "p", metadata: "m".repeat(100_000) }),
    );
    expect(response.status).toBe(413);
    expect(String(json.errorMessage)).toMatch(/larger than/);
  });

  it.each(["GET", "PUT", "PATCH", "DELETE"])("answers %s with a 405 JSON error", async (method) => {
    const response = await fetch(`${server.url}/token`, { method });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST, OPTIONS");
    expect(((await response.json()) as { errorMessage: string }).errorMessage).toMatch(/use POST/);
  });

  it("answers the CORS preflight exactly as Chromium sends it from another origin", async () => {
    const response = await fetch(`${server.url}/token`, {
      method: "OPTIONS",
      headers: {
        Origin: ORIGIN,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
        "Sec-Fetch-Mode": "cors",
        "Sec-Fetch-Site": "same-site",
        "Sec-Fetch-Dest": "empty",
        Referer: `${ORIGIN}/`,
        "User-Agent":
          "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0 Safari/537.36",
      },
    });
    expect(response.status).toBeGreaterThanOrEqual(200);
    expect(response.status).toBeLessThan(300);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-methods")).toMatch(/POST/);
    expect(response.headers.get("access-control-allow-methods")).toMatch(/OPTIONS/);
    expect(response.headers.get("access-control-allow-headers")?.toLowerCase()).toContain(
      "content-type",
    );
  });

  it("never leaks the API secret in any answer", async () => {
    const answers = await Promise.all([
      post(JSON.stringify({ roomName: "r", participantName: "p" })),
      post("{"),
      post(JSON.stringify({})),
    ]);
    for (const { text } of answers) expect(text).not.toContain(TEST_API_SECRET);
  });
});

describe("CORS_ORIGIN", () => {
  it("answers with the configured origin instead of *", async () => {
    const restricted = await startServer({ CORS_ORIGIN: "https://app.example.com" });
    try {
      const response = await fetch(`${restricted.url}/token`, {
        method: "POST",
        headers: { Origin: "https://app.example.com" },
        body: "{}",
      });
      expect(response.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
      expect(response.headers.get("vary")).toMatch(/Origin/);
    } finally {
      await restricted.stop();
    }
  });
});

describe("production keys", () => {
  it("refuses to start in production with the dev key/secret, saying which variables to set", async () => {
    const { code, output } = await runServerExpectingExit({});
    expect(code).not.toBe(0);
    expect(output).toMatch(/LIVEKIT_API_KEY and LIVEKIT_API_SECRET/);
  });

  it("starts with the dev keys when LIVEKIT_ALLOW_DEV_KEYS=true says they are intended", async () => {
    const dev = await startServer({
      LIVEKIT_API_KEY: "devkey",
      LIVEKIT_API_SECRET: "secret",
      LIVEKIT_ALLOW_DEV_KEYS: "true",
    });
    try {
      const response = await fetch(`${dev.url}/token`, {
        method: "POST",
        body: JSON.stringify({ roomName: "r", participantName: "p" }),
      });
      const { token } = (await response.json()) as { token: string };
      expect((await new TokenVerifier("devkey", "secret").verify(token)).sub).toBe("p");
    } finally {
      await dev.stop();
    }
  });

  it("refuses to start in production with a secret shorter than LiveKit's 32 characters, saying how to make one", async () => {
    for (const secret of ["w3ak", "x".repeat(31)]) {
      const { code, output } = await runServerExpectingExit({
        LIVEKIT_API_KEY: "k",
        LIVEKIT_API_SECRET: secret,
      });
      expect(code).not.toBe(0);
      expect(output).toMatch(/LIVEKIT_API_SECRET: production refuses a secret shorter than 32/);
      expect(output).toMatch(/openssl rand -base64 32/);
      expect(output).not.toContain(secret);
    }
  });

  it("names a malformed setting at startup", async () => {
    const { code, output } = await runServerExpectingExit({
      LIVEKIT_API_KEY: "k",
      LIVEKIT_API_SECRET: "s-not-the-dev-one-0123456789abcdef",
      TOKEN_TTL_SECONDS: "forever",
    });
    expect(code).not.toBe(0);
    expect(output).toMatch(/TOKEN_TTL_SECONDS: must be a whole number/);
  });
});
