/**
 * A real livekit-server (the pinned release, from scripts/livekit-server.sh) of the test's own:
 * free loopback ports, the test keys, a config the test writes, webhooks aimed at the test's app.
 * ICE is pinned to 127.0.0.1 and clients get no public STUN server; run it in a namespace that
 * has only `lo` (scripts/loopback-only.sh, which `npm test` uses) so nothing else is reachable.
 * A missing livekit-server fails the test: nothing is skipped.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  livekitServerConfig as loopbackConfig,
  type LivekitConfigOptions,
} from "../../scripts/livekit-config.mjs";
import { TEST_API_KEY, TEST_API_SECRET } from "./keys";
import { freePort, ROOT } from "./server";

/** What a test may change in the shared loopback config; keys default to the test keys. */
export type LivekitServerOptions = Partial<LivekitConfigOptions>;

export interface RunningLivekitServer {
  /** ws://127.0.0.1:<port>, what LIVEKIT_URL is set to. */
  url: string;
  /** http://127.0.0.1:<port>, for the room API (RoomServiceClient). */
  httpUrl: string;
  port: number;
  /** Everything it printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** The pinned binary's path, built or found by scripts/livekit-server.sh; throws with its message. */
export function livekitServerBinary(): string {
  const found = spawnSync("bash", [path.join(ROOT, "scripts/livekit-server.sh")], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (found.status !== 0) throw new Error(`no livekit-server for the tests:\n${found.stderr}`);
  return found.stdout.trim();
}

/** The loopback-only config (scripts/livekit-config.mjs, which `npm run dev` uses too). */
export function livekitServerConfig(
  ports: { http: number; rtcTcp: number; rtcUdp: number; stun: number },
  options: LivekitServerOptions = {},
): Record<string, unknown> {
  return loopbackConfig(ports, {
    ...options,
    keys: options.keys ?? { [TEST_API_KEY]: TEST_API_SECRET },
  });
}

export async function startLivekitServer(
  options: LivekitServerOptions = {},
): Promise<RunningLivekitServer> {
  const binary = livekitServerBinary();
  const ports = {
    http: await freePort(),
    rtcTcp: await freePort(),
    rtcUdp: await freePort(),
    stun: await freePort(),
  };
  const dir = mkdtempSync(path.join(tmpdir(), "livekit-server-"));
  const configFile = path.join(dir, "livekit.yaml");
  writeFileSync(configFile, JSON.stringify(livekitServerConfig(ports, options), null, 2));
  const child = spawn(binary, ["--config", configFile], {
    env: { PATH: process.env.PATH ?? "", HOME: dir, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) =>
      reject(new Error(`livekit-server exited with ${code}:\n${output}`)),
    ),
  );
  exited.catch(() => {});
  const httpUrl = `http://127.0.0.1:${ports.http}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ready = await Promise.race([
      fetch(httpUrl).then(
        (response) => response.ok,
        () => false,
      ),
      exited,
    ]);
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`livekit-server did not answer within 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url: `ws://127.0.0.1:${ports.http}`,
    httpUrl,
    port: ports.http,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const force = setTimeout(() => child.kill("SIGKILL"), 5000);
        child.once("exit", () => {
          clearTimeout(force);
          resolve();
        });
        child.kill("SIGTERM");
      }),
  };
}
