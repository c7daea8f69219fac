/**
 * webhook-handlers.ts's runs with no Redis: the ledger in memory, once per event id and handler
 * within the process (the handlers build, tests/support/handlers.ts). A restart forgets it.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildWebhookEvent, encodeWireJson, postWebhook, signWebhook } from "@/lib/livekit-wire";
import { operatorToken, serverForFile, TEST_API_KEY, TEST_API_SECRET } from "../support/fixtures";
import { handlerLines, handlersBuildEnv } from "../support/handlers";
import { waitUntil } from "../support/wait";

const log = path.join(mkdtempSync(path.join(tmpdir(), "handlers-memory-")), "runs.jsonl");
const server = serverForFile(() => handlersBuildEnv(log));

describe("webhook handlers in memory mode", () => {
  it("runs each handler once per event id within the process, retried deliveries included", async () => {
    const deliveries = Array.from({ length: 30 }, (_, i) => {
      const event = buildWebhookEvent(i % 2 ? "participant_joined" : "room_started", {
        room: `memory-${i % 3}`,
      });
      const body = encodeWireJson(event);
      return {
        id: String(event.id),
        body,
        authorization: signWebhook(body, TEST_API_KEY, TEST_API_SECRET),
      };
    });
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(
        deliveries.map((d) => postWebhook(`${server.url}/api/webhook`, d.body, d.authorization)),
      );
      expect(answers.map((response) => response.status).every((status) => status === 200)).toBe(
        true,
      );
    }
    const expected = deliveries.reduce((n, _, i) => n + (i % 2 ? 2 : 1), 0);
    const ends = () => handlerLines(log).filter((line) => line.phase === "end");
    await waitUntil(() => ends().length >= expected, "every handler has run");
    const runs = ends().map((line) => `${line.handler} ${line.id}`);
    expect(runs).toHaveLength(expected);
    expect(new Set(runs).size).toBe(expected);
    // participant_joined's own handler read the identity off its typed event.
    const own = ends().filter((line) => line.handler === "participant_joined");
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((line) => typeof line.identity === "string" && line.identity !== "?")).toBe(
      true,
    );

    const response = await fetch(`${server.url}/api/handlers/runs`, {
      headers: { Authorization: `Bearer ${await operatorToken()}` },
    });
    const listed = (await response.json()) as { ledger: string; runs: Array<{ status: string }> };
    expect(listed.ledger).toBe("memory");
    expect(listed.runs).toHaveLength(expected);
    expect(listed.runs.every((run) => run.status === "ok")).toBe(true);
  });
});
