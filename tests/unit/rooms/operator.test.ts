import { AccessToken, type VideoGrant } from "livekit-server-sdk";
import { describe, expect, it } from "vitest";
import { isHttpError } from "@/lib/http";
import { authorizeOperator } from "@/lib/rooms/operator";
import { createOperatorToken } from "@/lib/token";

const config = { apiKey: "unit-key", apiSecret: "unit-secret-0123456789abcdef" };

async function token(grant: VideoGrant, keys = config): Promise<string> {
  const at = new AccessToken(keys.apiKey, keys.apiSecret, { identity: "op", ttl: 60 });
  at.addGrant(grant);
  return at.toJwt();
}

async function status(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 200;
  } catch (error) {
    if (isHttpError(error)) return error.status;
    throw error;
  }
}

describe("authorizeOperator", () => {
  it("reading needs roomList; a participant's room grant is refused", async () => {
    expect(await status(authorizeOperator(await token({ roomList: true }), {}, config))).toBe(200);
    const participant = await token({ roomJoin: true, room: "r", canPublish: true });
    expect(await status(authorizeOperator(participant, {}, config))).toBe(403);
    expect(await status(authorizeOperator(null, {}, config))).toBe(401);
    const otherKeys = { apiKey: "other", apiSecret: "other-secret-0123456789abcdef" };
    expect(
      await status(authorizeOperator(await token({ roomList: true }, otherKeys), {}, config)),
    ).toBe(401);
  });

  it("an action needs roomAdmin for that exact room, or roomAdmin naming no room", async () => {
    const act = async (grant: VideoGrant, room: string) =>
      status(authorizeOperator(await token(grant), { room, admin: true }, config));
    expect(await act({ roomAdmin: true, room: "r" }, "r")).toBe(200);
    expect(await act({ roomAdmin: true }, "any-room")).toBe(200);
    expect(await act({ roomAdmin: true, room: "r" }, "r2")).toBe(403);
    expect(await act({ roomAdmin: true, room: "r*" }, "r2")).toBe(403);
    expect(await act({ roomList: true }, "r")).toBe(403);
    expect(await act({ roomJoin: true, room: "r" }, "r")).toBe(403);
  });

  it("the console's own token reads and acts, and says who and until when", async () => {
    const consoleToken = await createOperatorToken(
      { roomList: true, roomAdmin: true },
      "ops",
      120,
      config,
    );
    const access = await authorizeOperator(consoleToken, { room: "x", admin: true }, config);
    expect(access.identity).toBe("ops");
    expect(access.expiresAt).toBeGreaterThan(Date.now() / 1000 + 100);
    expect(await status(authorizeOperator(consoleToken, {}, config))).toBe(200);
  });
});
