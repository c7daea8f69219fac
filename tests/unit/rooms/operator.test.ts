import { AccessToken, type VideoGrant } from "livekit-server-sdk";
import { describe, expect, it } from "vitest";
import { isHttpError } from "@/lib/http";
import { authorizeOperator, OPERATOR_GRANT } from "@/lib/rooms/operator";
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

const READ = { grant: "roomList" } as const;

describe("authorizeOperator", () => {
  it("reading needs roomList; a participant's room grant is refused", async () => {
    expect(await status(authorizeOperator(await token({ roomList: true }), READ, config))).toBe(
      200,
    );
    const participant = await token({ roomJoin: true, room: "r", canPublish: true });
    expect(await status(authorizeOperator(participant, READ, config))).toBe(403);
    expect(await status(authorizeOperator(null, READ, config))).toBe(401);
    const otherKeys = { apiKey: "other", apiSecret: "other-secret-0123456789abcdef" };
    expect(
      await status(authorizeOperator(await token({ roomList: true }, otherKeys), READ, config)),
    ).toBe(401);
  });

  it("grants mean what LiveKit's mean: roomAdmin is for its one named room, DeleteRoom needs roomCreate", async () => {
    const admin = async (grant: VideoGrant, room: string) =>
      status(authorizeOperator(await token(grant), { grant: "roomAdmin", room }, config));
    const create = async (grant: VideoGrant) =>
      status(authorizeOperator(await token(grant), { grant: "roomCreate" }, config));
    expect(await admin({ roomAdmin: true, room: "r" }, "r")).toBe(200);
    // no room, or "": for no room (it was every room)
    expect(await admin({ roomAdmin: true }, "any-room")).toBe(403);
    expect(await admin({ roomAdmin: true, room: "" }, "")).toBe(403);
    expect(await admin({ roomAdmin: true, room: "r" }, "r2")).toBe(403);
    expect(await admin({ roomAdmin: true, room: "r*" }, "r2")).toBe(403);
    expect(await admin({ roomList: true }, "r")).toBe(403);
    expect(await admin({ roomJoin: true, room: "r" }, "r")).toBe(403);
    // a room admin of r may not end r; roomCreate may end any room
    expect(await create({ roomAdmin: true, room: "r" })).toBe(403);
    expect(await create({ roomCreate: true })).toBe(200);
    // the operator set without one of its grants is only what is left
    expect(await admin({ roomList: true, roomCreate: true }, "r")).toBe(403);
  });

  it("the console's credential (OPERATOR_GRANT, as operator-link mints it) reads and acts on every room, and says who and until when", async () => {
    const consoleToken = await createOperatorToken(
      OPERATOR_GRANT,
      { identity: "ops", ttlSeconds: 120 },
      config,
    );
    const access = await authorizeOperator(consoleToken, { grant: "roomAdmin", room: "x" }, config);
    expect(access.identity).toBe("ops");
    expect(access.expiresAt).toBeGreaterThan(Date.now() / 1000 + 100);
    expect(await status(authorizeOperator(consoleToken, READ, config))).toBe(200);
    expect(await status(authorizeOperator(consoleToken, { grant: "roomCreate" }, config))).toBe(
      200,
    );
  });
});
