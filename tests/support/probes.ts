/**
 * Looking inside a running `next start` without changing it: server-probe.mjs, preloaded through
 * NODE_OPTIONS, reports memory after a full GC on SIGUSR2 and can run V8's CPU profiler. Shared
 * by the tests (memory growth) and the benchmark (memory per connection, profiles).
 */
import type { ChildProcess } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";

/** The environment that loads server-probe.mjs into a server, with the probes asked for. */
export function probeEnv(probes: {
  profileDir?: string;
  profileOnSignal?: boolean;
  memory?: boolean;
}): Record<string, string> {
  const env: Record<string, string> = {
    NODE_OPTIONS: `--import ${pathToFileURL(path.join(__dirname, "server-probe.mjs")).href}`,
  };
  if (probes.profileDir) env.BENCH_PROFILE_DIR = probes.profileDir;
  if (probes.profileOnSignal) env.BENCH_PROFILE_ON_SIGNAL = "1";
  if (probes.memory) env.BENCH_MEMORY_PROBE = "1";
  return env;
}

export interface MemoryUsage {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

/** What probeMemory needs of a server: the tests' RunningServer and the bench's Service both fit. */
export interface ProbedProcess {
  process: ChildProcess;
  output(): string;
}

/** A server's memory after a full GC, from its memory probe (started with probeEnv({memory})). */
export async function probeMemory(server: ProbedProcess): Promise<MemoryUsage> {
  const seen = server.output().split("bench-memory ").length;
  server.process.kill("SIGUSR2");
  const deadline = Date.now() + 10_000;
  for (;;) {
    const parts = server.output().split("bench-memory ");
    if (parts.length > seen)
      return JSON.parse(parts[parts.length - 1]!.split("\n")[0]!) as MemoryUsage;
    if (Date.now() > deadline) throw new Error("the server's memory probe did not answer");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
