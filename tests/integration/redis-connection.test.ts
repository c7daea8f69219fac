/**
 * lib/redis's connection against a real redis-server, reached through a loopback relay that
 * can drop a connection the moment the client first writes on it: what a Redis killed while
 * the client reconnects looks like from the client's side.
 */
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { connectRedis, redisCommand } from "@/lib/redis";
import { redisForFile } from "../support/fixtures";
import { waitUntil } from "../support/wait";

const redis = redisForFile();

/** Relays to Redis; the first `dropFirst` connections are cut when the client first writes. */
async function startRelay(dropFirst: number): Promise<{ url: string; close(): Promise<void> }> {
  let accepted = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => {});
    if (++accepted <= dropFirst) {
      client.once("data", () => client.destroy());
      return;
    }
    const upstream = createConnection({ host: "127.0.0.1", port: redis.port });
    sockets.add(upstream);
    upstream.on("close", () => sockets.delete(upstream));
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `redis://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe("connectRedis", () => {
  it("does not take a connection dropped at its first exchange for ready, and reconnects", async () => {
    // node-redis 5's handshake (CLIENT SETINFO) ignores its own errors: a connection cut there
    // was declared ready and every command on it hung until the command timeout.
    const relay = await startRelay(1);
    const client = connectRedis(relay.url);
    try {
      await waitUntil(() => client.isReady, "the first connection opens");
      const first = await redisCommand(client, ["PING"]).then(
        () => "answered",
        (error: Error) => error.message,
      );
      expect(first).not.toMatch(/did not answer in time/);
      let answer: unknown;
      await waitUntil(async () => {
        answer = await redisCommand(client, ["PING"]).catch(() => null);
        return answer !== null;
      }, "a command succeeds on the next connection");
      expect(answer).toBe("PONG");
    } finally {
      if (client.isOpen) client.destroy();
      await relay.close();
    }
  });
});
