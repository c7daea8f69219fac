/**
 * Starts the real production build (`next start`) on a free loopback port, as a child process,
 * with the test keys (keys.ts). Every integration and e2e test talks to it over HTTP; a test
 * file gets one with fixtures.ts's serverForFile, which also stops it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { TEST_API_KEY, TEST_API_SECRET, TEST_LIVEKIT_URL } from "./keys";

export const ROOT = path.resolve(__dirname, "../..");

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export interface RunningServer {
  url: string;
  port: number;
  process: ChildProcess;
  /** Everything the server printed so far. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** The build the servers run: `.next`, or NEXT_DIST_DIR's (as next.config.js reads it). */
export const DIST_DIR = process.env.NEXT_DIST_DIR || ".next";

export function assertBuilt(): void {
  if (!existsSync(path.join(ROOT, DIST_DIR, "BUILD_ID"))) {
    throw new Error(
      `no production build in ${DIST_DIR}: run \`npm run build\` first (\`npm test\` does)`,
    );
  }
}

/** A server child's environment: production, and no variable of the test runner leaks in. */
function serverEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/tmp",
    NEXT_TELEMETRY_DISABLED: "1",
    NEXT_DIST_DIR: DIST_DIR,
    ...env,
    NODE_ENV: "production",
  };
}

/** `next start` of the production build on a loopback port, its output piped. */
function spawnNext(port: number, env: Record<string, string>) {
  const next = path.join(ROOT, "node_modules/next/dist/bin/next");
  return spawn(process.execPath, [next, "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: ROOT,
    env: serverEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Starts `next start`; resolves once /api/health answers, rejects if the process exits first. */
export async function startServer(
  env: Record<string, string> = {},
  port?: number,
): Promise<RunningServer> {
  assertBuilt();
  const listenPort = port ?? (await freePort());
  const child = spawnNext(listenPort, {
    // Production refuses an unset TOKEN_ACCESS; a test that needs another mode (or none) says so.
    TOKEN_ACCESS: "open",
    LIVEKIT_API_KEY: TEST_API_KEY,
    LIVEKIT_API_SECRET: TEST_API_SECRET,
    LIVEKIT_URL: TEST_LIVEKIT_URL,
    ...env,
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) => reject(new Error(`next start exited with ${code}:\n${output}`))),
  );
  exited.catch(() => {});
  const url = `http://127.0.0.1:${listenPort}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ready = await Promise.race([
      fetch(`${url}/api/health`).then(
        () => true,
        () => false,
      ),
      exited,
    ]);
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`next start did not answer within 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    port: listenPort,
    process: child,
    output: () => output,
    stop: (signal = "SIGTERM") =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        // A graceful stop waits for open event streams; past a few seconds, kill.
        const force = setTimeout(() => child.kill("SIGKILL"), 3000);
        child.once("exit", () => {
          clearTimeout(force);
          resolve();
        });
        child.kill(signal);
      }),
  };
}

/** Runs `next start` expecting it to refuse to start; resolves with its exit code and output. */
export async function runServerExpectingExit(
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  assertBuilt();
  const port = await freePort();
  return new Promise((resolve) => {
    const child = spawnNext(port, { TOKEN_ACCESS: "open", ...env });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** A participant token for `room` from a running server's own POST /api/token. */
export async function tokenFromServer(
  baseUrl: string,
  room: string,
  participantName = "viewer",
): Promise<string> {
  const response = await fetch(`${baseUrl}/api/token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ roomName: room, participantName }),
  });
  if (!response.ok) throw new Error(`/api/token answered ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}
