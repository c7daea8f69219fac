/**
 * TOKEN_ACCESS=protected over HTTP against the production build: invites made by the real
 * `npm run invite`, an identity provider on loopback serving a JWKS (keys made here with jose),
 * and production's refusal to start or build without TOKEN_ACCESS.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { base64url, SignJWT, generateKeyPair, importJWK } from "jose";
import { TokenVerifier } from "livekit-server-sdk";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createInvite } from "@/lib/invite";
import { signParticipantToken } from "@/lib/token";
import {
  IDP_AUDIENCE,
  IDP_ISSUER,
  startIdentityProvider,
  type IdentityProvider,
} from "../support/identity-provider";
import { TEST_API_KEY, TEST_API_SECRET } from "../support/fixtures";
import {
  freePort,
  ROOT,
  runServerExpectingExit,
  startServer,
  type RunningServer,
} from "../support/server";
import { waitUntil } from "../support/wait";

const run = promisify(execFile);
const keys = { apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, tokenTtlSeconds: 600 };
const verify = (token: string) => new TokenVerifier(TEST_API_KEY, TEST_API_SECRET).verify(token);

let idp: IdentityProvider;
let server: RunningServer;
beforeAll(async () => {
  idp = await startIdentityProvider();
  server = await startServer({
    TOKEN_ACCESS: "protected",
    TOKEN_RATE_LIMIT_PER_MINUTE: "0",
    TOKEN_AUTH_JWKS_URL: idp.jwksUrl,
    TOKEN_AUTH_ISSUER: IDP_ISSUER,
    TOKEN_AUTH_AUDIENCE: IDP_AUDIENCE,
    // Any room, as these tests ask: the default room policy (claim) has its own tests below.
    TOKEN_AUTH_ROOMS: "any",
  });
});
afterAll(async () => {
  await server?.stop();
  await idp?.close();
});

async function ask(credential: string | null, body: unknown = {}, path = "/api/token") {
  const response = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      ...(credential === null ? {} : { Authorization: `Bearer ${credential}` }),
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    json: JSON.parse(text) as Record<string, unknown>,
    text,
  };
}

/** `npm run invite` as a host runs it; resolves with the printed link's credential. */
async function inviteFromCli(
  room: string,
  expires = "24h",
): Promise<{ link: string; credential: string }> {
  const { stdout } = await run(
    "npm",
    [
      "run",
      "-s",
      "invite",
      "--",
      "--room",
      room,
      "--expires",
      expires,
      "--base-url",
      "https://meet.example.com/",
    ],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "/tmp",
        NODE_ENV: "production",
        LIVEKIT_API_KEY: TEST_API_KEY,
        LIVEKIT_API_SECRET: TEST_API_SECRET,
      },
    },
  );
  const link = stdout.trim();
  const credential = /^https:\/\/meet\.example\.com\/#invite=([\w-]+\.[\w-]+\.[\w-]+)$/.exec(
    link,
  )?.[1];
  if (!credential) throw new Error(`unexpected invite output: ${stdout}`);
  return { link, credential };
}

describe("protected: no credential", () => {
  it("answers 401 JSON with WWW-Authenticate, on both paths", async () => {
    for (const path of ["/api/token", "/token"]) {
      const { status, headers, json } = await ask(
        null,
        { roomName: "r", participantName: "p" },
        path,
      );
      expect(status).toBe(401);
      expect(headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(String(json.errorMessage)).toMatch(/Authorization: Bearer/);
      expect(json).not.toHaveProperty("token");
    }
    expect((await ask("not-a-jwt")).status).toBe(401);
  });
});

describe("protected: invites", () => {
  it("gives the CLI's invite a token for its room only, with an identity assigned per join", async () => {
    const { credential } = await inviteFromCli("board-meeting", "2h");
    const first = await ask(credential, { participant_name: "Ada" });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ room_name: "board-meeting", participant_name: "Ada" });
    const claims = await verify(String(first.json.participant_token));
    expect(claims.video?.room).toBe("board-meeting");
    expect(claims.name).toBe("Ada");
    expect(claims.sub).toMatch(/^Ada-[0-9a-f]{8}$/);

    const second = await ask(credential, { room_name: "board-meeting", participant_name: "Ada" });
    expect((await verify(String(second.json.participant_token))).sub).not.toBe(claims.sub);

    const tutorial = await ask(
      credential,
      { roomName: "board-meeting", participantName: "Bo" },
      "/token",
    );
    expect(tutorial.status).toBe(200);
    expect((await verify(String(tutorial.json.token))).video?.room).toBe("board-meeting");
  });

  it("refuses the invite for another room (403) and a chosen identity (403), naming the field", async () => {
    const { credential } = await inviteFromCli("board-meeting");
    const other = await ask(credential, { room_name: "payroll" });
    expect(other.status).toBe(403);
    expect(other.json).toMatchObject({
      field: "room_name",
      errorMessage: "the invite is for another room",
    });
    const tutorialOther = await ask(
      credential,
      { roomName: "payroll", participantName: "p" },
      "/token",
    );
    expect([tutorialOther.status, tutorialOther.json.field]).toEqual([403, "roomName"]);
    const identity = await ask(credential, { participant_identity: "ceo" });
    expect([identity.status, identity.json.field]).toEqual([403, "participant_identity"]);
  });

  it("refuses an expired invite with 401", async () => {
    vi.useFakeTimers({ now: Date.now() - 2 * 3600_000, toFake: ["Date"] });
    const expired = await createInvite("board-meeting", 3600, keys);
    vi.useRealTimers();
    const { status, json } = await ask(expired);
    expect(status).toBe(401);
    expect(String(json.errorMessage)).toMatch(/expired/);
  });

  it("never mistakes a LiveKit token for an invite, nor an invite for a LiveKit token", async () => {
    const livekitToken = await signParticipantToken(
      { room: "board-meeting", name: "x", identity: "x" },
      keys,
    );
    expect((await ask(livekitToken)).status).toBe(401);
    // An invite re-typed by hand is still signed with the invite key, not the secret.
    const { credential } = await inviteFromCli("board-meeting");
    await expect(verify(credential)).rejects.toThrow();
    const events = await fetch(`${server.url}/api/events?room=board-meeting`, {
      headers: { Authorization: `Bearer ${credential}` },
    });
    expect(events.status).toBe(401);
    await events.body?.cancel();
    // A LiveKit token wearing the invite's type header: wrong key, so refused.
    const [, payload, signature] = livekitToken.split(".");
    const header = base64url.encode(
      JSON.stringify({ alg: "HS256", typ: "livekit-app-invite+jwt" }),
    );
    expect((await ask(`${header}.${payload}.${signature}`)).status).toBe(401);
  });
});

describe("protected: an identity provider's JWT", () => {
  it("gives a valid JWT a token for its sub, named from `name` unless the body names it", async () => {
    const jwt = await idp.sign();
    const named = await ask(jwt, { room_name: "design" });
    expect(named.status).toBe(201);
    const claims = await verify(String(named.json.participant_token));
    expect([claims.sub, claims.name, claims.video?.room]).toEqual([
      "user-42",
      "Ada Lovelace",
      "design",
    ]);
    const renamed = await ask(jwt, {
      room_name: "design",
      participant_name: "Ada",
      participant_identity: "user-42",
    });
    expect((await verify(String(renamed.json.participant_token))).name).toBe("Ada");
    expect(idp.fetches()).toBeGreaterThan(0);
  });

  it("refuses another identity than sub with 403", async () => {
    const { status, json } = await ask(await idp.sign(), { participant_identity: "ceo" });
    expect(status).toBe(403);
    expect(json.field).toBe("participant_identity");
    const tutorial = await ask(
      await idp.sign(),
      { roomName: "r", participantName: "p", identity: "ceo" },
      "/token",
    );
    expect([tutorial.status, tutorial.json.field]).toEqual([403, "identity"]);
  });

  it("refuses an expired JWT, a wrong issuer, a wrong audience, another key, alg none and HS256 with the public key: 401", async () => {
    const other = await generateKeyPair("RS256");
    const now = Math.floor(Date.now() / 1000);
    const unsigned = (header: object) =>
      `${base64url.encode(JSON.stringify(header))}.${base64url.encode(
        JSON.stringify({ sub: "user-42", iss: IDP_ISSUER, aud: IDP_AUDIENCE, exp: now + 600 }),
      )}`;
    const hmacKey = new TextEncoder().encode(JSON.stringify(idp.publicJwk));
    const attempts: [string, string][] = [
      ["expired", await idp.sign({}, { expiresIn: now - 60 })],
      ["wrong issuer", await idp.sign({}, { issuer: "https://evil.test/" })],
      ["wrong audience", await idp.sign({}, { audience: "another-app" })],
      ["another key", await idp.sign({}, { key: other.privateKey })],
      ["alg none", `${unsigned({ alg: "none" })}.`],
      [
        "HS256 with the JWKS public key",
        await new SignJWT({ sub: "user-42" })
          .setProtectedHeader({ alg: "HS256", kid: "test-key-1" })
          .setIssuer(IDP_ISSUER)
          .setAudience(IDP_AUDIENCE)
          .setExpirationTime("10m")
          .sign(hmacKey),
      ],
      [
        "HS256 with the public key's modulus",
        await new SignJWT({ sub: "user-42" })
          .setProtectedHeader({ alg: "HS256" })
          .setIssuer(IDP_ISSUER)
          .setAudience(IDP_AUDIENCE)
          .setExpirationTime("10m")
          .sign(await importJWK({ kty: "oct", k: String(idp.publicJwk.n) }, "HS256")),
      ],
    ];
    for (const [what, jwt] of attempts) {
      const { status, json } = await ask(jwt, { room_name: "design" });
      expect({ what, status }).toEqual({ what, status: 401 });
      expect(json).not.toHaveProperty("participant_token");
    }
  });

  it("answers 503 JSON, never a token, when the JWKS cannot be fetched", async () => {
    const deadPort = await freePort();
    const cut = await startServer({
      TOKEN_ACCESS: "protected",
      TOKEN_AUTH_JWKS_URL: `http://127.0.0.1:${deadPort}/jwks.json`,
      TOKEN_AUTH_ISSUER: IDP_ISSUER,
      TOKEN_AUTH_AUDIENCE: IDP_AUDIENCE,
    });
    try {
      const response = await fetch(`${cut.url}/api/token`, {
        method: "POST",
        headers: { Authorization: `Bearer ${await idp.sign()}` },
        body: "{}",
      });
      expect(response.status).toBe(503);
      const json = (await response.json()) as Record<string, unknown>;
      expect(String(json.errorMessage)).toMatch(/identity provider's keys could not be fetched/);
      expect(json).not.toHaveProperty("participant_token");
    } finally {
      await cut.stop();
    }
  });
});

describe("an identity provider's users join the rooms their JWT lists (TOKEN_AUTH_ROOMS=claim, the default)", () => {
  it("no livekit_rooms claim: no room; a listed room or prefix: that room only", async () => {
    const policed = await startServer({
      TOKEN_ACCESS: "protected",
      TOKEN_RATE_LIMIT_PER_MINUTE: "0",
      TOKEN_AUTH_JWKS_URL: idp.jwksUrl,
      TOKEN_AUTH_ISSUER: IDP_ISSUER,
      TOKEN_AUTH_AUDIENCE: IDP_AUDIENCE,
    });
    const ask = async (jwt: string, body: Record<string, unknown>) => {
      const response = await fetch(`${policed.url}/api/token`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${jwt}` },
        body: JSON.stringify(body),
      });
      return { status: response.status, json: (await response.json()) as Record<string, unknown> };
    };
    try {
      const plain = await idp.sign();
      const invited = await ask(plain, { room_name: "board-meeting" });
      expect([invited.status, invited.json.field]).toEqual([403, "room_name"]);
      expect((await ask(plain, {})).status).toBe(403);

      const team = await idp.sign({ livekit_rooms: ["team-*", "standup", "retro"] });
      const allowed = await ask(team, { room_name: "team-blue" });
      expect(allowed.status).toBe(201);
      expect((await verify(String(allowed.json.participant_token))).video?.room).toBe("team-blue");
      expect((await ask(team, { room_name: "board-meeting" })).status).toBe(403);
      expect((await ask(team, {})).status).toBe(400);

      const one = await ask(await idp.sign({ livekit_rooms: ["standup"] }), {});
      expect([one.status, one.json.room_name]).toEqual([201, "standup"]);
    } finally {
      await policed.stop();
    }
  });
});

describe("the identity provider's key set, bounded", () => {
  for (const [what, url] of [
    ["sent one byte a second", () => idp.slowJwksUrl],
    ["of 50 MB", () => idp.hugeJwksUrl],
  ] as const) {
    it(`a key set ${what} is given up (503 JSON, never a token), and the cause is logged once`, async () => {
      const bounded = await startServer({
        TOKEN_ACCESS: "protected",
        TOKEN_AUTH_JWKS_URL: url(),
        TOKEN_AUTH_ISSUER: IDP_ISSUER,
        TOKEN_AUTH_AUDIENCE: IDP_AUDIENCE,
      });
      try {
        const response = await fetch(`${bounded.url}/api/token`, {
          method: "POST",
          headers: { Authorization: `Bearer ${await idp.sign()}` },
          body: "{}",
        });
        expect(response.status).toBe(503);
        const json = (await response.json()) as Record<string, unknown>;
        expect(String(json.errorMessage)).toMatch(/identity provider's keys could not be fetched/);
        expect(json).not.toHaveProperty("participant_token");
        // The cause, once, in the server's log (lib/http errorResponse).
        await waitUntil(() => /answered 503/.test(bounded.output()), "the 503 logged");
        expect(bounded.output().match(/answered 503/g)).toHaveLength(1);
      } finally {
        await bounded.stop();
      }
    }, 60_000);
  }
});

describe("production refuses to guess", () => {
  it("refuses to start without TOKEN_ACCESS, naming it and both choices", async () => {
    const { code, output } = await runServerExpectingExit({
      LIVEKIT_API_KEY: TEST_API_KEY,
      LIVEKIT_API_SECRET: TEST_API_SECRET,
      TOKEN_ACCESS: "",
    });
    expect(code).not.toBe(0);
    expect(output).toMatch(/TOKEN_ACCESS: production refuses to guess/);
    expect(output).toMatch(/TOKEN_ACCESS=open .*TOKEN_ACCESS=protected/);
  });

  it("refuses to start protected with nothing that could ever pass", async () => {
    const { code, output } = await runServerExpectingExit({
      LIVEKIT_API_KEY: TEST_API_KEY,
      LIVEKIT_API_SECRET: TEST_API_SECRET,
      TOKEN_ACCESS: "protected",
      TOKEN_INVITES: "false",
    });
    expect(code).not.toBe(0);
    expect(output).toMatch(/TOKEN_ACCESS: protected with invites off/);
  });

  it("refuses to build without TOKEN_ACCESS (next build stops before compiling)", async () => {
    const next = `${ROOT}/node_modules/next/dist/bin/next`;
    const result = await run(process.execPath, [next, "build"], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "/tmp",
        NEXT_TELEMETRY_DISABLED: "1",
        NODE_ENV: "production",
        // Never the tests' build: should the guard fail to stop it, it builds elsewhere.
        NEXT_DIST_DIR: ".next-token-guard",
      },
    }).then(
      () => ({ code: 0, output: "" }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({
        code: error.code ?? 1,
        output: `${error.stdout ?? ""}${error.stderr ?? ""}`,
      }),
    );
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/TOKEN_ACCESS: production refuses to guess/);
    expect(result.output).toMatch(/TOKEN_ACCESS=open .*TOKEN_ACCESS=protected/);
  }, 120_000);
});

describe("refused attempts do not spend an invitee's budget", () => {
  it("60 POSTs with no credential (401) from one address, then a valid invite from it gets its token", async () => {
    const limited = await startServer({
      TOKEN_ACCESS: "protected",
      TOKEN_RATE_LIMIT_PER_MINUTE: "5",
    });
    try {
      const post = (authorization?: string) =>
        fetch(`${limited.url}/api/token`, {
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            ...(authorization ? { Authorization: authorization } : {}),
          },
          body: "{}",
        });
      const refused: number[] = [];
      for (let i = 0; i < 60; i++) {
        const response = await post();
        refused.push(response.status);
        await response.body?.cancel();
      }
      // Refused, and past the limit slowed down too: never a token.
      expect(refused.filter((status) => status !== 401 && status !== 429)).toEqual([]);
      expect(refused.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      const invite = await createInvite("board-meeting", 3600, keys);
      const admitted = await post(`Bearer ${invite}`);
      expect(admitted.status).toBe(201);
      expect((await admitted.json()) as Record<string, unknown>).toMatchObject({
        room_name: "board-meeting",
      });
    } finally {
      await limited.stop();
    }
  });
});
