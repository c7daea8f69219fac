/**
 * The processes a benchmark run owns: the production build, `next start` servers (through the
 * tests' own helper), the Express baseline and a private redis-server. All on loopback.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { TEST_API_KEY, TEST_API_SECRET } from "../../tests/support/keys";
import type { ProbedProcess } from "../../tests/support/probes";
import { DIST_DIR, freePort, ROOT } from "../../tests/support/server";

/** What the bench's own build checks against: everything `next build` compiles or reads. */
const BUILD_INPUTS = [
  "app",
  "lib",
  "public",
  "instrumentation.ts",
  "proxy.ts",
  "middleware.ts",
  "next.config.js",
  "package.json",
];

function newestModification(entry: string): number {
  const stat = statSync(entry, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of readdirSync(entry)) {
    newest = Math.max(newest, newestModification(path.join(entry, child)));
  }
  return newest;
}

/**
 * Builds into DIST_DIR (NEXT_DIST_DIR, else `.next`) when there is no build or a source is newer
 * than it; otherwise reuses it. Returns what it did, for the report.
 */
export async function ensureBuild(log: (line: string) => void): Promise<string> {
  const buildId = path.join(ROOT, DIST_DIR, "BUILD_ID");
  const built = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
  const sources = Math.max(
    ...BUILD_INPUTS.map((entry) => newestModification(path.join(ROOT, entry))),
  );
  if (built > sources) {
    const note = `reused the production build in ${DIST_DIR} (newer than every source)`;
    log(note);
    return note;
  }
  log(
    `building into ${DIST_DIR} (${built ? "a source changed since the last build" : "no build yet"}) ...`,
  );
  const started = Date.now();
  await runNextBuild(ROOT, { NEXT_DIST_DIR: DIST_DIR });
  if (!path.basename(DIST_DIR).startsWith(".")) {
    // Route types only serve editors and tsc, and outside a dot-directory the project's
    // tsconfig (**/*.ts) would type-check them as its own code; `next start` needs none.
    rmSync(path.join(ROOT, DIST_DIR, "types"), { recursive: true, force: true });
  }
  const note = `built into ${DIST_DIR} in ${Math.round((Date.now() - started) / 1000)} s`;
  log(note);
  return note;
}

/** `next build` in `cwd` with the `next` of cwd's node_modules; throws with its output if it fails. */
export async function runNextBuild(cwd: string, env: Record<string, string> = {}): Promise<void> {
  const child = spawn(
    process.execPath,
    [path.join(cwd, "node_modules/next/dist/bin/next"), "build"],
    {
      cwd,
      // The bench measures the open (tutorial) endpoint unless the caller says otherwise.
      env: { TOKEN_ACCESS: "open", ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`next build in ${cwd} failed (${code}):\n${output}`);
}

/** CPU time (user + system, all threads) a process has used so far, in milliseconds. */
export function cpuMilliseconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces) start at ")": utime, stime are 14, 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** USER_HZ: 100 on every Linux Node supports (sysconf(_SC_CLK_TCK) is not exposed to JS). */
const CLOCK_TICKS_PER_SECOND = 100;

/** A process the bench started that answers HTTP on a loopback port. */
export interface Service extends ProbedProcess {
  url: string;
  /** The last 64 KB it printed (a long run's log is not kept whole). */
  output(): string;
  stop(): Promise<void>;
}

const KEPT_OUTPUT = 64 * 1024;

/**
 * Starts `node <args>` on a free port (given as PORT and to `portArgs`), and resolves once
 * `healthPath` answers 2xx; rejects if the process exits first or takes over 30 s.
 */
export async function startService(options: {
  name: string;
  args: (port: number) => string[];
  cwd: string;
  env: Record<string, string>;
  healthPath: string;
}): Promise<Service> {
  const port = await freePort();
  const child = spawn(process.execPath, options.args(port), {
    cwd: options.cwd,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      NEXT_TELEMETRY_DISABLED: "1",
      NODE_ENV: "production",
      TOKEN_ACCESS: "open",
      PORT: String(port),
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-KEPT_OUTPUT));
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${options.name} exited:\n${output}`);
    const ready = await fetch(`${url}${options.healthPath}`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${options.name} did not answer within 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    process: child,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/**
 * The Express baseline (baselines/express-server.ts), with the servers' keys and NODE_ENV. Its
 * log is read (and mostly dropped), as the next servers' is: both pay for writing theirs.
 */
export function startBaseline(): Promise<Service> {
  return startService({
    name: "the Express baseline",
    args: () => ["--import", "tsx", path.join(__dirname, "baselines/express-server.ts")],
    cwd: ROOT,
    env: { LIVEKIT_API_KEY: TEST_API_KEY, LIVEKIT_API_SECRET: TEST_API_SECRET },
    healthPath: "/health",
  });
}
