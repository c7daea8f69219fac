import { describe, expect, it } from "vitest";
import { authorizeEventAccess, bearerToken } from "@/lib/credentials";
import type { HttpError } from "@/lib/http";
import { createOperatorToken, signParticipantToken } from "@/lib/token";

const keys = {
  apiKey: "unit-key",
  apiSecret: "unit-secret-unit-secret-unit-secret",
  tokenTtlSeconds: 600,
};

describe("authorizeEventAccess", () => {
  const status = async (token: string | null, room: string | null) => {
    try {
      await authorizeEventAccess(token, room, keys);
      return 200;
    } catch (error) {
      return (error as HttpError).status;
    }
  };

  it("lets a room's token read that room only", async () => {
    const jwt = await signParticipantToken({ room: "room-a", name: "p", identity: "p" }, keys);
    expect(await status(jwt, "room-a")).toBe(200);
    expect(await status(jwt, "room-b")).toBe(403);
    expect(await status(jwt, null)).toBe(403);
  });

  it("lets a roomList token read every room", async () => {
    const jwt = await createOperatorToken(
      { roomList: true },
      { identity: "ops", ttlSeconds: 60 },
      keys,
    );
    expect(await status(jwt, null)).toBe(200);
    expect(await status(jwt, "room-b")).toBe(200);
  });

  it("refuses missing, forged and foreign tokens with 401", async () => {
    const foreign = await signParticipantToken(
      { room: "room-a", name: "p", identity: "p" },
      { ...keys, apiSecret: "another-secret-another-secret" },
    );
    expect(await status(null, "room-a")).toBe(401);
    expect(await status("not.a.jwt", "room-a")).toBe(401);
    expect(await status(foreign, "room-a")).toBe(401);
  });

  it("refuses an expired token with 401", async () => {
    const jwt = await signParticipantToken(
      { room: "room-a", name: "p", identity: "p" },
      { ...keys, tokenTtlSeconds: 1 },
    );
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(await status(jwt, "room-a")).toBe(401);
  });
});

describe("bearerToken", () => {
  it("reads the token of a Bearer Authorization header only", () => {
    expect(bearerToken("Bearer h")).toBe("h");
    expect(bearerToken("bearer  h ")).toBe("h");
    expect(bearerToken("Basic aDpo")).toBeNull();
    expect(bearerToken("Bearer a b")).toBeNull();
    expect(bearerToken(null)).toBeNull();
  });
});
