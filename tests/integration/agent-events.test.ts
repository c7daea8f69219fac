/**
 * The agent era's webhooks over HTTP against the production build: signed agent_job_started /
 * agent_job_ended in LiveKit's wire shape (their room in `job.room`, no top-level room) reach
 * that room's stream, with the job's metadata and attributes (personal data) redacted for a
 * participant and whole for an operator; a participant's kind and the test-event form's new
 * options go through the console's path; a type the catalogue does not know is stored and
 * streamed as it came.
 */
import { describe, expect, it } from "vitest";
import { encodeWireJson, postWebhook, signWebhook } from "@/lib/livekit-wire";
import { REDACTED } from "@/lib/events/redact";
import type { WebhookEventJson } from "@/lib/shared/event-model";
import {
  operatorToken,
  roomAdminToken,
  roomToken,
  serverForFile,
  TEST_API_KEY,
  TEST_API_SECRET,
} from "../support/fixtures";
import { connectSse, parseEventMessage } from "../support/sse";
import { sendWebhook, type SentWebhook } from "../support/webhooks";

const server = serverForFile();

/** The event as it was sent (its exact body, parsed). */
const sentEvent = (sent: SentWebhook) => JSON.parse(sent.rawBody) as WebhookEventJson;

/** A room's stored events as `token` reads them: once the marker (sent last) has arrived. */
async function streamed(room: string, token: string, marker: SentWebhook) {
  const client = await connectSse(server.url, { room, token, limit: 1000 });
  await client.waitFor((messages) =>
    messages.some((m) => parseEventMessage(m).event.id === marker.eventId),
  );
  client.close();
  return client.messages.map(parseEventMessage).filter((m) => m.event.id !== marker.eventId);
}

describe("agent_job_* webhooks", () => {
  it("reach their job's room's stream: redacted for a participant, whole for an operator", async () => {
    const room = "agents-room";
    const started = await sendWebhook(server.url, "agent_job_started", {
      room,
      identity: "alice",
      agentName: "support-agent",
    });
    const ended = await sendWebhook(server.url, "agent_job_ended", {
      room,
      identity: "alice",
      agentName: "support-agent",
    });
    expect([started.status, ended.status]).toEqual([200, 200]);
    expect(sentEvent(started).room).toBeUndefined();
    expect(sentEvent(started).job?.room?.name).toBe(room);
    // Another room's job stays out of this room's stream.
    await sendWebhook(server.url, "agent_job_started", { room: "other-room" });
    const marker = await sendWebhook(server.url, "room_finished", { room });

    const operator = await streamed(room, await operatorToken(), marker);
    expect(operator.map((m) => m.event.id)).toEqual([started.eventId, ended.eventId]);
    expect(operator.map((m) => m.room)).toEqual([room, room]);
    expect(operator.map((m) => m.event)).toEqual([sentEvent(started), sentEvent(ended)]);

    const admin = await streamed(room, await roomAdminToken(room), marker);
    expect(admin.map((m) => m.event)).toEqual([sentEvent(started), sentEvent(ended)]);

    const participant = await streamed(room, await roomToken(room), marker);
    expect(participant.map((m) => m.event.id)).toEqual([started.eventId, ended.eventId]);
    for (const [index, seen] of participant.entries()) {
      const sent = sentEvent(index === 0 ? started : ended);
      const job = seen.event.job as Record<string, unknown>;
      expect(job.metadata).toBe(REDACTED);
      expect(job.attributes).toBe(REDACTED);
      expect((job.room as Record<string, unknown>).turnPassword).toBe(REDACTED);
      expect(job.agentName).toBe("support-agent");
      expect(job.state).toEqual(sent.job?.state);
      const text = JSON.stringify(seen.event);
      expect(text).not.toContain("alice@example.com");
      expect(text).not.toContain("+15550100");
    }
  });

  it("a type the catalogue does not know is stored and streamed raw, in job.room's room", async () => {
    const room = "future-room";
    const future = {
      event: "agent_job_pending",
      job: { id: "AJ_future", room: { name: room }, state: { status: "JS_PENDING" }, extra: [1] },
      id: "EV_futurePend01",
      createdAt: String(Math.floor(Date.now() / 1000)),
    };
    const body = encodeWireJson(future);
    const response = await postWebhook(
      `${server.url}/api/webhook`,
      body,
      signWebhook(body, TEST_API_KEY, TEST_API_SECRET),
    );
    expect(response.status).toBe(200);
    const marker = await sendWebhook(server.url, "room_finished", { room });
    const operator = await streamed(room, await operatorToken(), marker);
    expect(operator.map((m) => m.event)).toEqual([future]);
    expect(operator[0]!.room).toBe(room);
  });
});

describe("participant kinds and the console's test events", () => {
  it("the test-event form's kind and agent name reach the room's stream in LiveKit's shape", async () => {
    const room = "kinds-room";
    const token = await roomAdminToken(room);
    const send = async (body: Record<string, unknown>) => {
      const response = await fetch(`${server.url}/api/test-events`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify({ room, ...body }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const agent = await send({ type: "participant_joined", identity: "agent-7", kind: "agent" });
    const caller = await send({ type: "participant_joined", identity: "+1555", kind: "SIP" });
    const person = await send({ type: "participant_joined", identity: "alice" });
    const job = await send({ type: "agent_job_started", agentName: "triage" });
    for (const answer of [agent, caller, person, job]) expect(answer.status).toBe(200);
    const refused = await send({ type: "participant_joined", kind: "robot" });
    expect(refused.status).toBe(400);
    expect(refused.body.errorMessage).toMatch(/kind must be one of/);

    const marker = await sendWebhook(server.url, "room_finished", { room });
    const events = (await streamed(room, await operatorToken(), marker)).map(
      (m) => m.event as WebhookEventJson,
    );
    expect(events.map((e) => e.participant?.kind ?? null)).toEqual(["AGENT", "SIP", null, null]);
    expect(events[2]!.participant).not.toHaveProperty("kind");
    expect(events[3]!.job?.agentName).toBe("triage");
    expect(events[3]!.job?.room?.name).toBe(room);
  });
});
