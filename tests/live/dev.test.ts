/**
 * `npm run dev` as a newcomer runs it: one command starts `next dev` and, beside it, the pinned
 * livekit-server (scripts/dev.mjs), whose own webhooks reach this app; SIGTERM stops both.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { RoomServiceClient } from "livekit-server-sdk";
import { afterEach, describe, expect, it } from "vitest";
import { operatorToken, TEST_API_KEY, TEST_API_SECRET } from "../support/fixtures";
import { freePort, ROOT } from "../support/server";
import { connectSse, parseEventMessage } from "../support/sse";
import { waitUntil } from "../support/wait";

/** A cold `next dev` compiles each route on its first request: minutes on a loaded machine. */
const DEV_TIMEOUT = 300_000;

interface DevRun {
  child: ChildProcess;
  output(): string;
  appUrl: string;
}

const runs: DevRun[] = [];

afterEach(async () => {
  for (const run of runs.splice(0)) {
    if (run.child.pid && groupAlive(run.child.pid)) process.kill(-run.child.pid, "SIGKILL");
  }
});

/** Whether any process of the group `pid` leads is still there. */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** `npm run dev` in its own process group, with only the variables given (and PATH, HOME). */
function npmRunDev(env: Record<string, string>): DevRun {
  const child = spawn("npm", ["run", "dev"], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      NEXT_TELEMETRY_DISABLED: "1",
      npm_config_update_notifier: "false",
      // What `next dev` sets anyway; vitest's own NODE_ENV=test must not leak in.
      NODE_ENV: "development",
      ...env,
    },
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const run = { child, output: () => output, appUrl: `http://127.0.0.1:${env.PORT}` };
  runs.push(run);
  return run;
}

async function healthy(url: string): Promise<boolean> {
  return fetch(url).then(
    (response) => response.ok,
    () => false,
  );
}

/** SIGTERM to npm alone (as a supervisor or Ctrl-C's parent would): everything under it ends. */
async function stopAndCheck(run: DevRun, ports: number[]): Promise<void> {
  const exited = new Promise((resolve) => run.child.once("exit", resolve));
  run.child.kill("SIGTERM");
  await exited;
  await waitUntil(() => !groupAlive(run.child.pid!), "every process of npm run dev ended", 20_000);
  for (const port of ports) await expect(listening(port)).resolves.toBe(false);
}

describe("npm run dev", () => {
  it(
    "starts livekit-server beside Next: its own room_started reaches /api/events; SIGTERM stops both",
    async () => {
      const [appPort, livekitPort, rtcTcpPort, rtcUdpPort] = await Promise.all([
        freePort(),
        freePort(),
        freePort(),
        freePort(),
      ]);
      const run = npmRunDev({
        PORT: String(appPort),
        LIVEKIT_DEV_PORT: String(livekitPort),
        LIVEKIT_DEV_RTC_TCP_PORT: String(rtcTcpPort),
        LIVEKIT_DEV_RTC_UDP_PORT: String(rtcUdpPort),
        LIVEKIT_API_KEY: TEST_API_KEY,
        LIVEKIT_API_SECRET: TEST_API_SECRET,
      });
      const livekitHttp = `http://127.0.0.1:${livekitPort}`;
      await waitUntil(() => healthy(livekitHttp), "livekit-server answers", DEV_TIMEOUT);
      await waitUntil(() => healthy(`${run.appUrl}/api/health`), "next dev answers", DEV_TIMEOUT);
      // Its log is in the same terminal, each line marked.
      expect(run.output()).toMatch(/^\[livekit\] .*starting LiveKit server/m);
      expect(run.output()).toContain(`"nodeIP": "127.0.0.1"`);

      // The page is sent to this livekit-server.
      const token = await fetch(`${run.appUrl}/api/token`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ room_name: "dev-room", participant_name: "Newcomer" }),
      });
      expect(token.status).toBe(201);
      expect(((await token.json()) as { server_url: string }).server_url).toBe(
        `ws://127.0.0.1:${livekitPort}`,
      );

      const room = `dev-${Date.now()}`;
      const events = await connectSse(run.appUrl, {
        token: await operatorToken(),
        bearer: true,
        room,
      });
      expect(events.status).toBe(200);
      // Signed with the configured keys: the server started with them, not with devkey.
      const api = new RoomServiceClient(livekitHttp, TEST_API_KEY, TEST_API_SECRET);
      const created = await api.createRoom({ name: room });
      await events.waitFor((messages) => messages.length > 0, 120_000);
      events.close();
      const event = parseEventMessage(events.messages[0]!).event;
      expect(event.event).toBe("room_started");
      expect(event.id).toMatch(/^EV_/);
      expect(event.room).toMatchObject({ name: room, sid: created.sid });

      await stopAndCheck(run, [appPort, livekitPort, rtcTcpPort]);
    },
    DEV_TIMEOUT * 2,
  );

  it(
    "with LIVEKIT_DEV_SERVER=off, runs Next alone, as before",
    async () => {
      const [appPort, livekitPort] = await Promise.all([freePort(), freePort()]);
      const run = npmRunDev({
        PORT: String(appPort),
        LIVEKIT_DEV_SERVER: "off",
        LIVEKIT_DEV_PORT: String(livekitPort),
      });
      await waitUntil(() => healthy(`${run.appUrl}/api/health`), "next dev answers", DEV_TIMEOUT);
      expect(run.output()).toContain("[livekit] LIVEKIT_DEV_SERVER=off: not starting");
      await expect(listening(livekitPort)).resolves.toBe(false);
      await stopAndCheck(run, [appPort]);
    },
    DEV_TIMEOUT,
  );
});
