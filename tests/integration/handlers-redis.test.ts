/**
 * webhook-handlers.ts's runs on the real path: two production instances of the handlers build
 * (tests/support/handlers.ts: the tests' handlers compiled in) sharing one real Redis, webhooks
 * signed as livekit-server signs them. What each handler did is read from the lines it wrote.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildWebhookEvent, encodeWireJson, postWebhook, signWebhook } from "@/lib/livekit-wire";
import { operatorToken, TEST_API_KEY, TEST_API_SECRET, trackProcesses } from "../support/fixtures";
import { handlerLines, handlersBuildEnv, type HandlerLine } from "../support/handlers";
import { waitUntil } from "../support/wait";

const CRON_SECRET = "cron-secret-for-the-test-0123456789";
const processes = trackProcesses();

function logFile(): string {
  return path.join(mkdtempSync(path.join(tmpdir(), "handlers-")), "runs.jsonl");
}

async function twoInstances(env: Record<string, string> = {}) {
  const log = logFile();
  const redis = await processes.redis();
  const common = {
    ...handlersBuildEnv(log),
    REDIS_URL: redis.url,
    CRON_SECRET,
    HANDLER_RETRY_BASE_MS: "200",
    HANDLER_LEASE_SECONDS: "5",
    ...env,
  };
  const [a, b] = await Promise.all([processes.server(common), processes.server(common)]);
  return { a: a!, b: b!, log, lines: () => handlerLines(log) };
}

function signed(type: "participant_joined" | "room_started" | "track_published", room: string) {
  const event = buildWebhookEvent(type, { room });
  const body = encodeWireJson(event);
  return {
    id: String(event.id),
    body,
    authorization: signWebhook(body, TEST_API_KEY, TEST_API_SECRET),
  };
}

const ends = (lines: HandlerLine[], id?: string) =>
  lines.filter((line) => line.phase === "end" && (id === undefined || line.id === id));

describe("webhook handlers, two instances on one Redis", () => {
  it("runs each handler exactly once per event id: 200 webhooks, retried bodies, both instances", async () => {
    const { a, b, lines } = await twoInstances();
    const sent = Array.from({ length: 200 }, (_, i) =>
      signed(i % 2 ? "participant_joined" : "track_published", `once-${i % 7}`),
    );
    // Each delivery to A and to B, and a third of them retried (same bytes, same JWT) to both
    // again, twenty deliveries at a time (below the webhook route's cap on uploads in flight).
    const statuses: number[] = [];
    for (let start = 0; start < sent.length; start += 20) {
      const batch = sent
        .slice(start, start + 20)
        .flatMap((delivery, j) =>
          [a, b, ...((start + j) % 3 === 0 ? [a, b] : [])].map((server) =>
            postWebhook(`${server.url}/api/webhook`, delivery.body, delivery.authorization),
          ),
        );
      statuses.push(...(await Promise.all(batch)).map((response) => response.status));
    }
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    // participant_joined has its own handler and "*"; track_published only "*".
    const expected = sent.reduce((n, _, i) => n + (i % 2 ? 2 : 1), 0);
    await waitUntil(() => ends(lines()).length >= expected, "every handler has run", 60_000);
    const runs = ends(lines()).map((line) => `${line.handler} ${line.id}`);
    expect(runs).toHaveLength(expected);
    expect(new Set(runs).size).toBe(expected);
    const starts = lines().filter((line) => line.phase === "start");
    expect(starts).toHaveLength(expected);
    // Both instances ran some: the work is not pinned to one process.
    expect(new Set(starts.map((line) => line.pid)).size).toBe(2);
  });

  it("retries a handler that throws on its first two attempts: it succeeds on the third", async () => {
    const { a, lines } = await twoInstances();
    const delivery = signed("room_started", "flaky-room");
    expect(
      (await postWebhook(`${a.url}/api/webhook`, delivery.body, delivery.authorization)).status,
    ).toBe(200);
    await waitUntil(() => ends(lines(), delivery.id).length === 1, "the third attempt succeeds");
    const mine = lines().filter((line) => line.id === delivery.id);
    expect(mine.map((line) => `${line.phase} ${line.attempt}`)).toEqual([
      "start 1",
      "start 2",
      "start 3",
      "end 3",
    ]);
    const runs = await listRuns(a.url);
    expect(runs.find((run) => run.eventId === delivery.id)).toMatchObject({
      handler: "*",
      status: "ok",
      attempt: 3,
    });
  });

  it("answers the webhook before a 3 s handler has finished", async () => {
    const { a, lines } = await twoInstances();
    const delivery = signed("room_started", "slow-answer");
    const response = await postWebhook(
      `${a.url}/api/webhook`,
      delivery.body,
      delivery.authorization,
    );
    expect(response.status).toBe(200);
    // At the moment the 2xx is in hand the handler has not ended (it may not even have started).
    expect(ends(lines(), delivery.id)).toEqual([]);
    await waitUntil(() => ends(lines(), delivery.id).length === 1, "the handler ends later");
  });

  it("an instance killed mid-handler loses no event: the drain route takes it over after the lease", async () => {
    const { a, b, lines } = await twoInstances();
    const delivery = signed("room_started", "slow-killed");
    expect(
      (await postWebhook(`${a.url}/api/webhook`, delivery.body, delivery.authorization)).status,
    ).toBe(200);
    await waitUntil(
      () => lines().some((line) => line.id === delivery.id && line.phase === "start"),
      "the handler starts on A",
    );
    a.process.kill("SIGKILL");
    // Before the lease is over the run is A's: the drain takes nothing.
    const early = await drain(b.url);
    expect(early).toEqual({ status: 200, body: { due: 0 } });
    await waitUntil(
      async () => ((await drain(b.url)).body as { due: number }).due === 1,
      "the lease ends and the drain takes the run",
      15_000,
    );
    await waitUntil(() => ends(lines(), delivery.id).length === 1, "B finishes it");
    const mine = lines().filter((line) => line.id === delivery.id);
    expect(
      mine.map((line) => `${line.phase} ${line.attempt} ${line.pid === b.process.pid ? "B" : "A"}`),
    ).toEqual(["start 1 A", "start 2 B", "end 2 B"]);
  }, 60_000);

  it("records a handler that always throws as failed after HANDLER_MAX_ATTEMPTS, and an operator retries it", async () => {
    const { a, lines } = await twoInstances({ HANDLER_MAX_ATTEMPTS: "2" });
    const delivery = signed("room_started", "failing-room");
    await postWebhook(`${a.url}/api/webhook`, delivery.body, delivery.authorization);
    await waitUntil(
      async () =>
        (await listRuns(a.url)).some(
          (run) => run.eventId === delivery.id && run.status === "failed",
        ),
      "the run is failed",
    );
    const failed = (await listRuns(a.url)).find((run) => run.eventId === delivery.id)!;
    expect(failed).toMatchObject({ attempt: 2, error: "failing on purpose (attempt 2)" });

    const anonymous = await fetch(`${a.url}/api/handlers/runs`);
    expect(anonymous.status).toBe(401);
    const retried = await retry(a.url, delivery.id, "*");
    expect(retried.status).toBe(200);
    await waitUntil(
      () =>
        lines().filter((line) => line.id === delivery.id && line.phase === "start").length === 4,
      "the retry runs its attempts again",
    );
    expect((await retry(a.url, "EV_none", "*")).status).toBe(404);
  });

  it("the drain route refuses a request without the cron secret", async () => {
    const { a } = await twoInstances();
    expect((await fetch(`${a.url}/api/handlers/drain`)).status).toBe(401);
    const wrong = await fetch(`${a.url}/api/handlers/drain`, {
      headers: { Authorization: `Bearer ${CRON_SECRET}x` },
    });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { errorMessage: string }).errorMessage).toMatch(/CRON_SECRET/);
    expect((await drain(a.url)).status).toBe(200);
  });
});

async function drain(url: string) {
  const response = await fetch(`${url}/api/handlers/drain`, {
    headers: { Authorization: `Bearer ${CRON_SECRET}` },
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

interface Run {
  eventId: string;
  handler: string;
  status: string;
  attempt: number;
  error: string | null;
}

async function listRuns(url: string): Promise<Run[]> {
  const response = await fetch(`${url}/api/handlers/runs`, {
    headers: { Authorization: `Bearer ${await operatorToken()}` },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { runs: Run[] }).runs;
}

async function retry(url: string, eventId: string, handler: string) {
  return fetch(`${url}/api/handlers/runs/retry`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${await operatorToken()}`,
      "Content-Type": "application/json",
    },
    body: JSON.stringify({ eventId, handler }),
  });
}
