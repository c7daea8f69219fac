/**
 * Preloaded into a `next start` of the tests or the benchmark (probes.ts sets
 * NODE_OPTIONS=--import …/server-probe.mjs) to look inside it without changing it:
 * `node --cpu-prof` and similar flags are not allowed in NODE_OPTIONS and `next start` passes
 * no node flags through. Does nothing unless asked:
 *
 * - BENCH_PROFILE_DIR: runs V8's CPU profiler, from the start or, with BENCH_PROFILE_ON_SIGNAL=1,
 *   from SIGUSR2 on (start-up and warm-up stay out of it), and writes <dir>/<pid>.cpuprofile at
 *   exit (`next start` exits on SIGTERM; the in-process inspector answers synchronously, which is
 *   what lets the exit handler still write the file).
 * - BENCH_MEMORY_PROBE=1: on SIGUSR2, runs a full garbage collection and prints one line
 *   `bench-memory {"rss":…,"heapUsed":…,"external":…,"arrayBuffers":…}`, so memory is measured
 *   as what is retained rather than what happens not to be collected yet.
 */
import fs from "node:fs";
import inspector from "node:inspector";
import path from "node:path";
import v8 from "node:v8";
import vm from "node:vm";

const profileDir = process.env.BENCH_PROFILE_DIR;
if (profileDir) {
  const session = new inspector.Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.setSamplingInterval", { interval: 200 });
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    session.post("Profiler.start");
  };
  if (process.env.BENCH_PROFILE_ON_SIGNAL === "1") process.on("SIGUSR2", start);
  else start();
  process.on("exit", () => {
    if (!started) return;
    session.post("Profiler.stop", (error, result) => {
      if (error) return;
      fs.mkdirSync(profileDir, { recursive: true });
      fs.writeFileSync(
        path.join(profileDir, `${process.pid}.cpuprofile`),
        JSON.stringify(result.profile),
      );
    });
  });
}

if (process.env.BENCH_MEMORY_PROBE === "1") {
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc");
  process.on("SIGUSR2", () => {
    gc();
    gc();
    const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
    console.log(`bench-memory ${JSON.stringify({ rss, heapUsed, external, arrayBuffers })}`);
  });
}
