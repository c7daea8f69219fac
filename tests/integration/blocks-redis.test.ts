/**
 * Blocks in Redis: the BlockStore contract on a real redis-server (two stores on one prefix
 * stand for two instances), and through the production build: a block made through one
 * instance refuses a token on the other, and still does after a restart of the app and of a
 * persistent Redis; a paused Redis does not hold a token request (fail open, logged).
 */
import { randomUUID } from "node:crypto";
import { createClient } from "redis";
import { describe, expect, it } from "vitest";
import { RedisBlockStore } from "@/lib/blocks/redis";
import { OPERATOR_GRANT } from "@/lib/rooms/operator";
import { createOperatorToken } from "@/lib/token";
import { describeBlockStoreContract } from "../support/block-store-contract";
import { startRoomApiStandIn } from "../support/livekit-room-api";
import { redisForFile, TEST_API_KEY, TEST_API_SECRET, trackProcesses } from "../support/fixtures";
import { waitUntil } from "../support/wait";

const redis = redisForFile({ persistent: true });
const processes = trackProcesses();

describeBlockStoreContract("redis", async () => {
  const prefix = `test:{${randomUUID()}}`;
  const store = new RedisBlockStore({ url: redis.url, prefix });
  const peer = new RedisBlockStore({ url: `${redis.url}/0`, prefix });
  return { store, peer, close: async () => {} };
});

const token = (url: string, roomName: string, participantName: string) =>
  fetch(`${url}/api/token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ roomName, participantName }),
  });

describe("blocks through the app, with Redis", () => {
  it("a block made on one instance refuses a token on the other, and holds across restarts of both", async () => {
    const standIn = await startRoomApiStandIn();
    try {
      standIn.rooms.set("shared", {
        sid: "RM_shared",
        name: "shared",
        creationTime: "1",
        participants: [{ sid: "PA_m", identity: "mallory" }],
      });
      const env = { LIVEKIT_URL: standIn.url, REDIS_URL: redis.url };
      const a = await processes.server(env);
      const b = await processes.server(env);
      const operator = await createOperatorToken(
        OPERATOR_GRANT,
        { identity: "ops", ttlSeconds: 600 },
        { apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET },
      );
      const act = (url: string, body: Record<string, unknown>) =>
        fetch(`${url}/api/rooms/actions`, {
          method: "POST",
          headers: { Authorization: `Bearer ${operator}`, "Content-Type": "application/json" },
          body: JSON.stringify(body),
        });
      const blocked = await act(a.url, {
        action: "remove-and-block",
        room: "shared",
        identity: "mallory",
      });
      expect(blocked.status).toBe(200);
      const refused = await token(b.url, "shared", "mallory");
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { errorMessage: string }).errorMessage).toMatch(
        /removed from room "shared" and blocked by an operator/,
      );
      expect((await token(b.url, "elsewhere", "mallory")).status).toBe(200);

      await a.stop();
      await b.stop();
      await redis.stop();
      await redis.restart();
      const c = await processes.server(env);
      expect((await token(c.url, "shared", "mallory")).status).toBe(403);
      const listed = (await (
        await act(c.url, { action: "list-blocks", room: "shared" })
      ).json()) as {
        blocks: { identity: string; by: string }[];
      };
      expect(listed.blocks).toEqual([expect.objectContaining({ identity: "mallory", by: "ops" })]);
      expect(
        (await act(c.url, { action: "lift-block", room: "shared", identity: "mallory" })).status,
      ).toBe(200);
      expect((await token(c.url, "shared", "mallory")).status).toBe(200);
    } finally {
      await standIn.close();
    }
  });

  it("a paused Redis does not hold a token request: issued unchecked, and the log says so", async () => {
    const server = await processes.server({ REDIS_URL: redis.url });
    expect((await token(server.url, "warm", "p")).status).toBe(200);
    const admin = createClient({ url: redis.url });
    await admin.connect();
    try {
      await admin.sendCommand(["CLIENT", "PAUSE", "3000", "ALL"]);
      const response = await token(server.url, "paused-room", "p");
      expect(response.status).toBe(200);
      await waitUntil(
        () => server.output().includes("blocks: the block store is unavailable or slow"),
        "the fail-open log line",
      );
      await admin.sendCommand(["CLIENT", "UNPAUSE"]);
    } finally {
      await admin.quit().catch(() => {});
    }
  });
});
