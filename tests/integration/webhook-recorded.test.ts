/**
 * The real server's webhooks, replayed: every webhook the pinned livekit-server sent in a
 * recorded real session (tests/fixtures/livekit-webhooks, `npm run record-webhooks`) is posted
 * to the production build's /api/webhook byte for byte, with the headers it came with, and is
 * verified, stored once and read back whole, in the order the server sent them.
 *
 * The recorded Authorization expired five minutes after the recording, so each replay carries
 * the token the server would sign for those exact bytes now: signWebhook, which the unit test
 * (tests/unit/livekit-wire.test.ts) shows writes the server's own token for the same second.
 */
import { describe, expect, it } from "vitest";
import { signWebhook } from "@/lib/livekit-wire";
import { operatorToken, serverForFile, TEST_API_KEY, TEST_API_SECRET } from "../support/fixtures";
import { recordedWebhooks } from "../support/recorded-webhooks";
import { connectSse, parseEventMessage } from "../support/sse";
import { sendWebhook } from "../support/webhooks";

const server = serverForFile();
const recorded = recordedWebhooks();

/** The headers as recorded, less those the HTTP client writes itself, with a fresh token. */
function replayHeaders(headers: [string, string][], body: string): Record<string, string> {
  const skip = new Set(["host", "content-length", "accept-encoding", "authorization"]);
  return {
    ...Object.fromEntries(headers.filter(([name]) => !skip.has(name.toLowerCase()))),
    Authorization: signWebhook(body, TEST_API_KEY, TEST_API_SECRET),
  };
}

describe("the real server's recorded webhooks at /api/webhook", () => {
  it("verifies every one over its exact bytes, stores each once, and streams them whole in order", async () => {
    for (const webhook of recorded) {
      const response = await fetch(`${server.url}${webhook.path}`, {
        method: webhook.method,
        headers: replayHeaders(webhook.headers, webhook.body),
        body: webhook.body,
      });
      expect(response.status, `${webhook.file}: ${await response.clone().text()}`).toBe(200);
      expect(((await response.json()) as { id: string }).id).toMatch(/^\d+-\d+$/);
    }
    // The same bytes again (as a retry of the server's would be): stored once.
    const first = recorded[0]!;
    const again = await fetch(`${server.url}${first.path}`, {
      method: "POST",
      headers: replayHeaders(first.headers, first.body),
      body: first.body,
    });
    expect(again.status).toBe(200);

    for (const roomName of new Set(recorded.map((w) => JSON.parse(w.body).room.name as string))) {
      const sent = recorded.filter((w) => JSON.parse(w.body).room.name === roomName);
      // A marker sent last: once it has arrived, everything stored before it has too.
      const marker = await sendWebhook(server.url, "room_finished", { room: roomName });
      const client = await connectSse(server.url, {
        room: roomName,
        token: await operatorToken(),
        limit: 1000,
      });
      await client.waitFor((messages) =>
        messages.some((message) => parseEventMessage(message).event.id === marker.eventId),
      );
      client.close();
      const stored = client.messages
        .map((message) => parseEventMessage(message).event)
        .filter((event) => event.id !== marker.eventId);
      expect(stored.map((event) => event.id)).toEqual(sent.map((w) => JSON.parse(w.body).id));
      expect(stored).toEqual(sent.map((w) => JSON.parse(w.body)));
    }
  });

  it("refuses a recorded body whose bytes were re-serialised after signing (the spaces removed)", async () => {
    const webhook = recorded[0]!;
    const response = await fetch(`${server.url}${webhook.path}`, {
      method: "POST",
      headers: replayHeaders(webhook.headers, webhook.body),
      body: JSON.stringify(JSON.parse(webhook.body)),
    });
    expect(response.status).toBe(401);
  });
});
