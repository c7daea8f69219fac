/**
 * Agent dispatch against the real livekit-server: a real agent worker (@livekit/agents 1.9.0 for
 * Node, tests/support/agent-worker.mjs, its own process) registers with the test's server under
 * an agent name, is offered the job for a room and runs it, when
 * - a participant joins through our page with a token from our /api/token (LiveKit's standard
 *   dialect) whose `room_config.agents` names it (the page asks for no agent itself: the test
 *   adds `room_config` to the page's own token request, as a client's TokenSource can): the
 *   server creates the dispatch when that join creates the room (listDispatch shows it);
 * - AgentDispatchClient.createDispatch names it for a room that exists.
 * The agent's own media connection cannot be made here: @livekit/rtc-node's WebRTC (libwebrtc)
 * ignores loopback interfaces, and the tests' namespace has only `lo`. Its signal join still
 * makes it a participant of kind AGENT, which the server's webhooks carry. livekit-server
 * v1.13.5 sends none of the agent_job_* webhooks (they are in the protocol, not in this
 * server's telemetry): what it sends is recorded.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { AgentDispatchClient, RoomServiceClient } from "livekit-server-sdk";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../support/browser";
import {
  liveStackForFile,
  operatorToken,
  TEST_API_KEY,
  TEST_API_SECRET,
} from "../support/fixtures";
import { freePort, ROOT } from "../support/server";
import { connectSse, parseEventMessage, type SseClient } from "../support/sse";
import { waitUntil } from "../support/wait";

const AGENT_NAME = "test-agent";
/** Deadlines on a loaded machine, not timings. */
const ARRIVES = 60_000;

const stack = liveStackForFile();

interface JobLine {
  id: string;
  room?: string;
  metadata: string;
  agentName?: string;
  dispatchId?: string;
  identity?: string;
  error?: string;
}
type JobKey = "jobRequest" | "jobEntered" | "jobConnected" | "jobConnectFailed";
type WorkerLine = { registered?: string } & Partial<Record<JobKey, JobLine>>;

let browser: Browser;
let worker: ChildProcess;
let workerOutput = "";
const lines: WorkerLine[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  worker = spawn(process.execPath, [path.join(ROOT, "tests/support/agent-worker.mjs")], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      NODE_ENV: "production",
      LIVEKIT_URL: stack.livekit.url,
      LIVEKIT_API_KEY: TEST_API_KEY,
      LIVEKIT_API_SECRET: TEST_API_SECRET,
      AGENT_NAME,
      AGENT_HTTP_PORT: String(await freePort()),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let pending = "";
  worker.stdout!.on("data", (chunk: Buffer) => {
    workerOutput = (workerOutput + chunk.toString()).slice(-20_000);
    pending += chunk.toString();
    const complete = pending.split("\n");
    pending = complete.pop() ?? "";
    for (const line of complete) {
      // Ours only: the framework's own log lines are JSON too.
      if (!/^\{"(registered|job[A-Za-z]+)":/.test(line)) continue;
      lines.push(JSON.parse(line) as WorkerLine);
    }
  });
  worker.stderr!.on("data", (chunk: Buffer) => {
    workerOutput = (workerOutput + chunk.toString()).slice(-20_000);
  });
  await waitUntil(
    () => lines.some((line) => line.registered) || worker.exitCode !== null,
    "the agent worker registers",
    ARRIVES,
  );
  if (worker.exitCode !== null) throw new Error(`agent worker exited:\n${workerOutput}`);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (worker && worker.exitCode === null) {
    const exited = new Promise((resolve) => worker.once("exit", resolve));
    worker.kill("SIGTERM");
    const force = setTimeout(() => worker.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(force);
  }
});

const jobLines = (key: JobKey, room: string): JobLine[] =>
  lines.flatMap((line) => (line[key]?.room === room ? [line[key]] : []));

function storedEvents(events: SseClient) {
  return events.messages.map((message) => {
    const { event } = parseEventMessage(message);
    const participant = event.participant as { identity?: string; kind?: string } | undefined;
    return { type: event.event, identity: participant?.identity, kind: participant?.kind };
  });
}

/** The webhook log of a room, short: `type(identity KIND)`. */
const summary = (events: ReturnType<typeof storedEvents>) =>
  events
    .map((e) => (e.identity ? `${e.type}(${e.identity}${e.kind ? ` ${e.kind}` : ""})` : e.type))
    .join(", ");

describe("agent dispatch with a real livekit-server and a real agent worker", () => {
  it("a token from /api/token with room_config.agents: the join creates the room, the server its dispatch, the worker the job", async () => {
    const room = `agent-token-${Date.now().toString(36)}`;
    const events = await connectSse(stack.server.url, {
      token: await operatorToken(),
      bearer: true,
      room,
    });
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.route("**/api/token", async (route) => {
        const body = JSON.parse(route.request().postData() ?? "{}") as Record<string, unknown>;
        body.room_config = { agents: [{ agent_name: AGENT_NAME, metadata: "from-the-token" }] };
        await route.continue({ postData: JSON.stringify(body) });
      });
      const answer = page.waitForResponse((r) => r.url().endsWith("/api/token"));
      await page.goto(stack.server.url);
      await page.getByLabel("Room name").fill(room);
      await page.getByLabel("Your name").fill("Caller");
      await page.getByRole("button", { name: "Join" }).click();
      const response = await answer;
      expect(response.ok()).toBe(true);
      const { participant_token: token } = (await response.json()) as {
        participant_token: string;
      };
      // Our endpoint put the agent into the token, as LiveKit's own endpoints do.
      const claims = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as {
        roomConfig?: { agents?: { agentName: string; metadata: string }[] };
      };
      expect(claims.roomConfig?.agents).toMatchObject([
        { agentName: AGENT_NAME, metadata: "from-the-token" },
      ]);
      await page.locator('.connection[data-state="Connected"]').waitFor({ timeout: ARRIVES });

      await waitUntil(
        () => jobLines("jobRequest", room).length > 0,
        "the worker is offered the job",
        ARRIVES,
      );
      const jobRequest = jobLines("jobRequest", room)[0]!;
      expect(jobRequest).toMatchObject({ agentName: AGENT_NAME, metadata: "from-the-token" });
      const dispatches = await new AgentDispatchClient(
        stack.livekit.httpUrl,
        TEST_API_KEY,
        TEST_API_SECRET,
      ).listDispatch(room);
      expect(dispatches.map((d) => [d.agentName, d.metadata])).toEqual([
        [AGENT_NAME, "from-the-token"],
      ]);
      expect(dispatches[0]!.id).toBe(jobRequest.dispatchId);

      // The framework runs the job in a process of its own, which joins the room.
      await waitUntil(() => jobLines("jobEntered", room).length > 0, "the job runs", ARRIVES);
      // Not waited for: the job's own media connection. @livekit/rtc-node ignores loopback, the
      // only interface here, so it fails or hangs (it hung past 3 minutes in CI's run), and with it
      // the server's participant webhook of the agent. Its kind is shown from signed webhooks
      // (tests/integration/agent-events.test.ts, the console e2e).
      const api = new RoomServiceClient(stack.livekit.httpUrl, TEST_API_KEY, TEST_API_SECRET);
      await api.deleteRoom(room);
      await events.waitFor(
        () => storedEvents(events).some((e) => e.type === "room_finished"),
        ARRIVES,
      );
      const stored = storedEvents(events);
      console.log("webhooks of a room with a dispatched agent:", summary(stored));
      // The caller, a real browser, joined with media (a STANDARD participant has no kind).
      expect(stored.some((e) => e.type === "participant_joined" && e.kind === undefined)).toBe(
        true,
      );
      // livekit-server v1.13.5 sends no agent_job_* webhook (its pkg/telemetry has none).
      expect(stored.filter((e) => e.type.startsWith("agent_job"))).toEqual([]);
    } finally {
      await context.close().catch(() => {});
      events.close();
    }
  }, 180_000);

  it("AgentDispatchClient.createDispatch names the agent for an existing room: the worker gets and runs that job", async () => {
    const room = `agent-api-${Date.now().toString(36)}`;
    const api = new RoomServiceClient(stack.livekit.httpUrl, TEST_API_KEY, TEST_API_SECRET);
    await api.createRoom({ name: room });
    const dispatcher = new AgentDispatchClient(
      stack.livekit.httpUrl,
      TEST_API_KEY,
      TEST_API_SECRET,
    );
    const dispatch = await dispatcher.createDispatch(room, AGENT_NAME, {
      metadata: "from-the-api",
    });
    await waitUntil(
      () => jobLines("jobRequest", room).length > 0,
      "the worker is offered the job",
      ARRIVES,
    );
    expect(jobLines("jobRequest", room)[0]).toMatchObject({
      agentName: AGENT_NAME,
      dispatchId: dispatch.id,
      metadata: "from-the-api",
    });
    await waitUntil(() => jobLines("jobEntered", room).length > 0, "the job runs", ARRIVES);
    expect(jobLines("jobEntered", room)[0]!.metadata).toBe("from-the-api");
    await api.deleteRoom(room);
  }, 180_000);
});
