/**
 * docs/examples/forward-events.ts: the handler POSTs the event to EVENT_FORWARD_URL (a receiver
 * on loopback here), signed so that the file's own verifyForwarded accepts it, and a tampered
 * body or a wrong secret is refused; a non-2xx answer throws (so the runner retries).
 */
import { createServer, type IncomingMessage } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import forwarding, { verifyForwarded } from "@/docs/examples/forward-events";
import type { HandlerContext } from "@/lib/handlers";
import { buildWebhookEvent } from "@/lib/livekit-wire";
import type { WebhookEventJson } from "@/lib/shared/event-model";

const received: Array<{ body: string; headers: IncomingMessage["headers"] }> = [];
let status = 200;
const server = createServer((request, response) => {
  let body = "";
  request.on("data", (chunk: Buffer) => (body += chunk.toString()));
  request.on("end", () => {
    received.push({ body, headers: request.headers });
    response.writeHead(status).end();
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  process.env.EVENT_FORWARD_URL = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/events`;
  process.env.EVENT_FORWARD_SECRET = "forward-secret-0123456789";
});
afterAll(() => {
  server.close();
  delete process.env.EVENT_FORWARD_URL;
  delete process.env.EVENT_FORWARD_SECRET;
});

const ctx: HandlerContext = {
  attempt: 1,
  maxAttempts: 5,
  handler: "*",
  log: { info() {}, warn() {}, error() {} },
};

describe("the forwarding example", () => {
  it("posts each event signed; the receiver's check accepts it and refuses a tampered one", async () => {
    const event = buildWebhookEvent("room_started", { room: "fwd" }) as unknown as WebhookEventJson;
    await forwarding["*"]!(event, ctx);
    const [delivery] = received;
    expect(JSON.parse(delivery!.body)).toEqual(event);
    expect(delivery!.headers["x-event-id"]).toBe(event.id);
    const headers = {
      signature: String(delivery!.headers["x-signature"]),
      timestamp: String(delivery!.headers["x-signature-timestamp"]),
    };
    const secret = process.env.EVENT_FORWARD_SECRET!;
    expect(verifyForwarded(delivery!.body, headers, secret)).toBe(true);
    expect(verifyForwarded(delivery!.body.replace("fwd", "fwe"), headers, secret)).toBe(false);
    expect(verifyForwarded(delivery!.body, headers, "another-secret")).toBe(false);
    expect(verifyForwarded(delivery!.body, headers, secret, Number(headers.timestamp) + 3600)).toBe(
      false,
    );
  });

  it("throws on a non-2xx answer, so the runner retries", async () => {
    status = 500;
    const event = buildWebhookEvent("room_finished", {
      room: "fwd",
    }) as unknown as WebhookEventJson;
    await expect(forwarding["*"]!(event, ctx)).rejects.toThrow(/answered 500/);
    status = 200;
  });
});
