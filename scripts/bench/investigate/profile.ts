/**
 * Profiles one route of the production server: starts `next start` with V8's CPU profiler on
 * (server-probe.mjs) from the end of a warm-up,
 * loads the route, stops the server and prints where its CPU time went (self time by function
 * and by package). The profile is kept in bench-results/profiles/ for Chrome DevTools.
 *
 *   npx tsx scripts/bench/investigate/profile.ts <health|token|webhook|fanout> [--seconds 10] [--subscribers 200] [--redis]
 *   npx tsx scripts/bench/investigate/profile.ts fanout --floor [--subscribers 200]   (the empty Pages-route floor, profiled the same way)
 *   npx tsx scripts/bench/investigate/profile.ts <file.cpuprofile> [--units N]   (summarize a saved profile)
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { SourceMap } from "node:module";
import path from "node:path";
import { parseArgs } from "node:util";
import { startRedis } from "../../../tests/support/redis";
import { TEST_API_KEY, TEST_API_SECRET } from "../../../tests/support/keys";
import { ROOT, startServer, tokenFromServer } from "../../../tests/support/server";
import { getTarget, tokenTarget, webhookTarget } from "../load-targets";
import { runOnce, type LoadTarget } from "../measure/http-load";
import { probeEnv } from "../../../tests/support/probes";
import { ensureBuild } from "../processes";
import { buildFrameworkFloor, startFrameworkFloor } from "../baselines/framework-floor";
import { FLOOR_STREAM_PATH, FLOOR_WEBHOOK_PATH } from "../sections/one-instance";
import { closeSubscribers, measureFanout, openSubscribers } from "../measure/sse-fanout";
import { signedWebhooks } from "../measure/webhooks";
import { ROOM, SERVER_ENV } from "../settings";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const sourceMaps = new Map<string, SourceMap | null>();

/**
 * The original file and line of a frame: the server bundle's chunks are minified, so a frame in
 * them is looked up in the chunk's source map (Next writes one beside every server chunk).
 */
function originalPosition(frame: ProfileNode["callFrame"]): { file: string; line: number } {
  const file = frame.url.replace(/^file:\/\//, "");
  if (!frame.url || frame.url.startsWith("node:"))
    return { file: frame.url, line: frame.lineNumber + 1 };
  if (!sourceMaps.has(file)) {
    const mapFile = `${file}.map`;
    sourceMaps.set(
      file,
      existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, "utf8"))) : null,
    );
  }
  const entry = sourceMaps.get(file)?.findEntry(frame.lineNumber, frame.columnNumber) as
    { originalSource?: string; originalLine?: number } | undefined;
  if (!entry?.originalSource) return { file, line: frame.lineNumber + 1 };
  const original = decodeURIComponent(entry.originalSource).replace(/^(\.\.\/)+/, "");
  return { file: original, line: (entry.originalLine ?? 0) + 1 };
}

/** Where a frame's code comes from: a package, our own file, Node's internals or V8. */
function origin(file: string): string {
  if (!file) return "(native / V8)";
  if (file.startsWith("node:")) return "node:internal";
  const modules = file.lastIndexOf("node_modules/");
  if (modules >= 0) {
    const rest = file.slice(modules + "node_modules/".length).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  return file.replace(`${ROOT}/`, "");
}

function frameName(node: ProfileNode): string {
  const { file, line } = originalPosition(node.callFrame);
  const where = file.includes("node_modules/")
    ? file.slice(file.lastIndexOf("node_modules/") + 13)
    : origin(file);
  return `${node.callFrame.functionName || "(anonymous)"} ${where}:${line}`;
}

/** Self and inclusive time per function, as µs per unit of work (a request, an event). */
export function summarizeProfile(
  profile: CpuProfile,
  units: number,
  unit: string,
  top = 30,
): string {
  const selfMicros = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  // Inclusive time: each sample counts once for every distinct function on its stack.
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const inclusive = new Map<string, number>();
  for (const [id, micros] of selfMicros) {
    const names = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      names.add(frameName(nodes.get(at)!));
    }
    for (const name of names) inclusive.set(name, (inclusive.get(name) ?? 0) + micros);
  }
  const total = [...selfMicros.values()].reduce((sum, value) => sum + value, 0);
  const byFunction = new Map<string, number>();
  const byOrigin = new Map<string, number>();
  for (const node of profile.nodes) {
    const micros = selfMicros.get(node.id) ?? 0;
    if (!micros) continue;
    const name = frameName(node);
    byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
    const from = origin(originalPosition(node.callFrame).file);
    byOrigin.set(from, (byOrigin.get(from) ?? 0) + micros);
  }
  const lines = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(
        ([name, micros]) =>
          `${((100 * micros) / total).toFixed(1).padStart(5)}% ${(micros / units).toFixed(1).padStart(8)} µs  ${name}`,
      )
      .join("\n");
  return [
    `self time ${(total / 1e6).toFixed(2)} s over ${units} ${unit}s: ${(total / units).toFixed(0)} µs per ${unit} (sampling adds some)`,
    `self time by origin:\n${lines(byOrigin)}`,
    `self time by function:\n${lines(byFunction)}`,
    `inclusive time by function:\n${lines(inclusive)}`,
  ].join("\n\n");
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      seconds: { type: "string", default: "10" },
      subscribers: { type: "string", default: "200" },
      units: { type: "string", default: "1" },
      redis: { type: "boolean", default: false },
      floor: { type: "boolean", default: false },
    },
  });
  if (positionals[0]?.endsWith(".cpuprofile")) {
    const profile = JSON.parse(readFileSync(positionals[0], "utf8")) as CpuProfile;
    console.log(summarizeProfile(profile, Number(values.units), "unit"));
    return;
  }
  const route = positionals[0] ?? "token";
  let units = 0;
  let unit = "request";
  const seconds = Number(values.seconds);
  await ensureBuild(console.log);
  const dir = path.join(ROOT, "bench-results/profiles");
  mkdirSync(dir, { recursive: true });
  const before = new Set(readdirSync(dir));
  const profiling = probeEnv({ profileDir: dir, profileOnSignal: true });
  if (values.floor && route !== "fanout") throw new Error("--floor profiles the fan-out only");
  if (values.floor) await buildFrameworkFloor(console.log);
  // --redis: the server keeps its events in a private redis-server.
  const redis = values.redis ? await startRedis() : null;
  const server = values.floor
    ? await startFrameworkFloor(profiling)
    : await startServer({
        ...SERVER_ENV,
        ...(redis ? { REDIS_URL: redis.url } : {}),
        ...profiling,
      });
  try {
    if (route === "fanout") {
      const token = values.floor ? "unused" : await tokenFromServer(server.url, ROOM, "viewer");
      const subscribers = await openSubscribers(
        [server.url],
        Number(values.subscribers),
        ROOM,
        token,
        values.floor ? FLOOR_STREAM_PATH : undefined,
      );
      // Warm the delivery path before the profile starts (its first events compile it).
      await measureFanout({
        webhookUrls: [`${server.url}${values.floor ? FLOOR_WEBHOOK_PATH : "/api/webhook"}`],
        subscribers,
        webhooks: 20,
        perSecond: 20,
        nextWebhook: signedWebhooks(ROOM, TEST_API_KEY, TEST_API_SECRET),
      });
      server.process.kill("SIGUSR2");
      const result = await measureFanout({
        webhookUrls: [`${server.url}${values.floor ? FLOOR_WEBHOOK_PATH : "/api/webhook"}`],
        subscribers,
        webhooks: seconds * 20,
        perSecond: 20,
        nextWebhook: signedWebhooks(ROOM, TEST_API_KEY, TEST_API_SECRET),
      });
      console.log(result);
      units = result.webhooks;
      unit = "webhook";
      await closeSubscribers(subscribers);
    } else {
      const targets: Record<string, LoadTarget> = {
        health: getTarget(server, "health", ""),
        token: tokenTarget(server, "token", ""),
        webhook: webhookTarget(server, "webhook", ""),
      };
      const target = targets[route];
      if (!target) throw new Error(`unknown route ${route}: health, token, webhook or fanout`);
      await runOnce(target, 3, 50); // warm-up, outside the profile
      server.process.kill("SIGUSR2");
      const outcome = await runOnce(target, seconds, 50);
      units = Math.round(outcome.requestsPerSecond * seconds);
      console.log(
        `${route}: ${Math.round(outcome.requestsPerSecond)} req/s, ${outcome.failures} failures`,
      );
    }
  } finally {
    await server.stop();
    await redis?.stop();
  }
  const written = readdirSync(dir)
    .filter((name) => name.endsWith(".cpuprofile") && !before.has(name))
    .map((name) => path.join(dir, name))
    .sort((a, b) => statSync(b).size - statSync(a).size);
  if (!written[0]) throw new Error("the server wrote no profile (did it exit cleanly?)");
  console.log(`profile: ${path.relative(ROOT, written[0])}\n`);
  const profile = JSON.parse(readFileSync(written[0], "utf8")) as CpuProfile;
  console.log(summarizeProfile(profile, units, unit));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
