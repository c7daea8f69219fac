/**
 * A recorder in front of the app's /api/webhook: livekit-server posts its webhooks here, the
 * recorder notes each POST (when it arrived, the event's id, type, room, participant and
 * `createdAt`) and forwards it unchanged to the app, answering the server with the app's answer.
 * What it saw is what the server sent: the bench's count of "sent", beside the app's stored one.
 * Loopback only.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { assertLoopback } from "./http-load";

export interface RecordedWebhook {
  /** LiveKit's event id (`EV_…`). */
  id: string;
  event: string;
  room: string | null;
  participant: { identity: string; name: string } | null;
  /** The event's own `createdAt` (whole seconds since the epoch, as livekit-server sends it). */
  createdAt: number;
  /** Date.now() when the POST's body had arrived here. */
  arrivedAt: number;
  /** The app's answer to the forwarded POST (0: no answer). */
  status: number;
}

export interface WebhookRecorder {
  /** Where livekit-server's `webhook.urls` point. */
  url: string;
  /** Every POST, in arrival order (a retried event appears once per attempt). */
  posts: RecordedWebhook[];
  close(): Promise<void>;
}

/** Starts the recorder on a free loopback port, forwarding to `target` (the app's /api/webhook). */
export async function startWebhookRecorder(target: string): Promise<WebhookRecorder> {
  assertLoopback(target);
  const posts: RecordedWebhook[] = [];
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const arrivedAt = Date.now();
      const body = Buffer.concat(chunks);
      const record = summarizeWebhook(body, arrivedAt);
      posts.push(record);
      const headers: http.OutgoingHttpHeaders = { ...request.headers, host: new URL(target).host };
      const forward = http.request(target, { method: "POST", agent, headers }, (answer) => {
        record.status = answer.statusCode ?? 0;
        response.writeHead(record.status, answer.headers);
        answer.pipe(response);
      });
      forward.on("error", () => response.writeHead(502).end());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/webhook`,
    posts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}

function summarizeWebhook(body: Buffer, arrivedAt: number): RecordedWebhook {
  try {
    const event = JSON.parse(body.toString("utf8")) as {
      id?: string;
      event?: string;
      createdAt?: string | number;
      room?: { name?: string };
      participant?: { identity?: string; name?: string };
    };
    return {
      id: event.id ?? "",
      event: event.event ?? "",
      room: event.room?.name ?? null,
      participant: event.participant
        ? { identity: event.participant.identity ?? "", name: event.participant.name ?? "" }
        : null,
      createdAt: Number(event.createdAt ?? NaN),
      arrivedAt,
      status: 0,
    };
  } catch {
    return {
      id: "",
      event: "unparsable",
      room: null,
      participant: null,
      createdAt: NaN,
      arrivedAt,
      status: 0,
    };
  }
}
