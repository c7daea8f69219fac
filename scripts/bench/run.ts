/**
 * `npm run bench`: token, webhook ingest, webhook → browser fan-out, memory per SSE connection
 * and page weight, measured against the real production build over HTTP, next to the
 * framework's floor and an Express baseline measured in the same run. Prints a table and
 * writes the same figures to bench-results/.
 *
 *   npm run bench [-- --only http,sse,redis,page,framework] [-- --profile]
 *
 * The default is every section but `framework` (a Next app with no code of ours, measured beside
 * ours: about two more minutes).
 *
 * --profile runs the next servers under V8's CPU profiler (server-probe.mjs; bench-results/profiles).
 * NEXT_DIST_DIR selects the build (default .next); it is built when missing or older than a source.
 * REDIS_URL (loopback only) is used instead of the bench's own redis-server.
 */
import { execSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { startRedis, type RunningRedis } from "../../tests/support/redis";
import {
  DIST_DIR,
  ROOT,
  startServer,
  TEST_API_KEY,
  TEST_API_SECRET,
  type RunningServer,
} from "../../tests/support/server";
import {
  assertLoopback,
  CONNECTION_RAMP_MS,
  measureAlternating,
  type LoadResult,
  type LoadTarget,
} from "./http-load";
import { buildFrameworkFloor, startFrameworkFloor } from "./framework-floor";
import {
  frameworkWeight,
  measurePageWeight,
  type PageWeight,
  type PageWeights,
} from "./page-weight";
import { ensureBuild, probeEnv, startBaseline } from "./processes";
import { runFanoutSeries, type FanoutResult, type IdleMemory } from "./sse-fanout";
import { round } from "./stats";
import { signedWebhooks, webhookLoad } from "./webhooks";

const HTTP = { connections: 50, rounds: 4, seconds: 3, warmupSeconds: 1 };
/**
 * 5 webhooks a second into one room is a busy room (LiveKit sends a room's events one at a
 * time, as people join, publish and leave) and leaves the server time between events, so the
 * figure is the fan-out's latency rather than a queue's; the CPU per delivery says what any
 * other rate would cost. 50 of them: p99 over N subscribers is set by the slowest few events,
 * so fewer would let one stall of the machine decide it.
 */
const FANOUT = { perSecond: 5, webhooks: 50, subscriberCounts: [100, 200, 1000] };
const IDLE_CONNECTIONS = 1000;
const ROOM = "bench-room";
const RESULTS_DIR = path.join(ROOT, "bench-results");

const { values: args } = parseArgs({
  options: {
    only: { type: "string", default: "http,sse,redis,page" },
    profile: { type: "boolean", default: false },
  },
});
const sections = new Set(args.only.split(",").map((name) => name.trim()));

const log = (line: string) => console.log(line);
const kb = (bytes: number) => round(bytes / 1024, 1);

/** Every server runs with the limiter on (it costs what it costs) but far above the bench's rate. */
const SERVER_ENV = {
  TOKEN_RATE_LIMIT_PER_MINUTE: "1000000",
  // Every subscriber connects from one loopback address.
  SSE_MAX_STREAMS_PER_CLIENT: "0",
  SSE_MAX_STREAMS_PER_CREDENTIAL: "0",
};

/** A server's environment; `memory` adds the probe that reports its memory after a full GC. */
function serverEnv(extra: Record<string, string> = {}, memory = false): Record<string, string> {
  const profileDir = args.profile ? path.join(RESULTS_DIR, "profiles") : undefined;
  const probes = profileDir || memory ? probeEnv({ profileDir, memory }) : {};
  return { ...SERVER_ENV, ...extra, ...probes };
}

async function participantToken(server: RunningServer, identity: string): Promise<string> {
  const response = await fetch(`${server.url}/api/token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ roomName: ROOM, participantName: identity }),
  });
  if (!response.ok) throw new Error(`/api/token answered ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

interface FanoutFigures {
  results: FanoutResult[];
  idle: IdleMemory | null;
}

interface Figures {
  http?: Record<string, LoadResult>;
  fanout?: { oneInstance: FanoutResult[]; redis: FanoutResult[] };
  idleConnection?: IdleMemory;
  page?: PageWeights;
  /** The same measurements on a Next app with no code of ours, and ours beside it. */
  framework?: {
    http: Record<string, LoadResult>;
    appRouterSse: FanoutFigures;
    pagesApiSse: FanoutFigures;
    oursSse: FanoutFigures;
  };
}

async function httpSection(figures: Figures, redisUrl: string | null): Promise<void> {
  log(
    `\n# HTTP: ${HTTP.connections} connections, ${HTTP.rounds} alternating rounds of ${HTTP.seconds} s per target`,
  );
  const memory = await startServer(serverEnv());
  const redis = redisUrl ? await startServer(serverEnv({ REDIS_URL: redisUrl })) : null;
  const baseline = await startBaseline();
  try {
    const tokenBody = JSON.stringify({ roomName: ROOM, participantName: "alice" });
    const json = { "Content-Type": "application/json" };
    const webhook = (url: string) => ({
      url,
      ...webhookLoad(ROOM, TEST_API_KEY, TEST_API_SECRET),
    });
    const targets: LoadTarget[] = [
      {
        key: "floor",
        label: "floor: GET /api/health",
        url: `${memory.url}/api/health`,
        pid: memory.process.pid,
        method: "GET",
      },
      {
        key: "token",
        label: "POST /api/token",
        url: `${memory.url}/api/token`,
        pid: memory.process.pid,
        method: "POST",
        headers: json,
        body: tokenBody,
      },
      {
        key: "expressToken",
        label: "Express: POST /token",
        url: `${baseline.url}/token`,
        pid: baseline.process.pid,
        method: "POST",
        headers: json,
        body: tokenBody,
      },
      {
        key: "webhook",
        label: "POST /api/webhook (memory)",
        pid: memory.process.pid,
        ...webhook(`${memory.url}/api/webhook`),
      },
      ...(redis
        ? [
            {
              key: "webhookRedis",
              label: "POST /api/webhook (redis)",
              pid: redis.process.pid,
              ...webhook(`${redis.url}/api/webhook`),
            },
          ]
        : []),
      {
        key: "expressWebhook",
        label: "Express: POST /livekit/webhook",
        pid: baseline.process.pid,
        ...webhook(`${baseline.url}/livekit/webhook`),
      },
    ];
    figures.http = Object.fromEntries(await measureAlternating(targets, HTTP, log));
  } finally {
    await Promise.all([memory.stop(), redis?.stop(), baseline.stop()]);
  }
}

async function fanoutSeries(
  servers: RunningServer[],
  label: string,
  options: { idleAt?: number; subscriberCounts?: number[] } = {},
): Promise<FanoutFigures> {
  return runFanoutSeries({
    servers,
    label,
    token: await participantToken(servers[0]!, "viewer"),
    room: ROOM,
    subscriberCounts: options.subscriberCounts ?? FANOUT.subscriberCounts,
    webhooks: FANOUT.webhooks,
    perSecond: FANOUT.perSecond,
    nextWebhook: signedWebhooks(ROOM, TEST_API_KEY, TEST_API_SECRET),
    idleAt: options.idleAt,
    log,
  });
}

/**
 * Our floor route and token next to an empty Next route and one that only reads a JSON body,
 * and our event stream next to the smallest App Router and Pages Router SSE routes: what the
 * framework costs before any code of ours, measured in the same run.
 */
async function frameworkSection(figures: Figures): Promise<void> {
  log("\n# Framework floor: a Next app with no code of ours, beside ours");
  await buildFrameworkFloor(log);
  const json = { "Content-Type": "application/json" };
  const tokenBody = JSON.stringify({ roomName: ROOM, participantName: "alice" });
  let http: Map<string, LoadResult>;
  {
    const floorApp = await startFrameworkFloor();
    const ours = await startServer(serverEnv());
    try {
      http = await measureAlternating(
        [
          {
            key: "emptyGet",
            label: "empty Next route: GET",
            url: `${floorApp.url}/api/health`,
            pid: floorApp.process.pid,
            method: "GET",
          },
          {
            key: "bodyPost",
            label: "Next route that only reads a JSON body: POST",
            url: `${floorApp.url}/api/echo`,
            pid: floorApp.process.pid,
            method: "POST",
            headers: json,
            body: tokenBody,
          },
          {
            key: "floor",
            label: "ours: GET /api/health",
            url: `${ours.url}/api/health`,
            pid: ours.process.pid,
            method: "GET",
          },
          {
            key: "token",
            label: "ours: POST /api/token",
            url: `${ours.url}/api/token`,
            pid: ours.process.pid,
            method: "POST",
            headers: json,
            body: tokenBody,
          },
        ],
        HTTP,
        log,
      );
    } finally {
      await Promise.all([floorApp.stop(), ours.stop()]);
    }
  }

  // Each SSE variant on a fresh process: memory measured after other load is not comparable.
  const counts = [200, IDLE_CONNECTIONS];
  const floorSeries = async (label: string, streamPath: string, webhookPath: string) => {
    const floorApp = await startFrameworkFloor();
    try {
      return await runFanoutSeries({
        servers: [floorApp],
        label,
        token: "unused",
        room: ROOM,
        subscriberCounts: counts,
        webhooks: FANOUT.webhooks,
        perSecond: FANOUT.perSecond,
        nextWebhook: signedWebhooks(ROOM, TEST_API_KEY, TEST_API_SECRET),
        idleAt: IDLE_CONNECTIONS,
        streamPath,
        webhookPath,
        log,
      });
    } finally {
      await floorApp.stop();
    }
  };
  const appRouterSse = await floorSeries("empty App Router stream", "/api/events", "/api/webhook");
  const pagesApiSse = await floorSeries(
    "Pages API res.write",
    "/api/pages-events",
    "/api/pages-webhook",
  );
  const ours = await startServer(serverEnv({}, true));
  try {
    const oursSse = await fanoutSeries([ours], "ours", {
      idleAt: IDLE_CONNECTIONS,
      subscriberCounts: counts,
    });
    figures.framework = { http: Object.fromEntries(http), appRouterSse, pagesApiSse, oursSse };
  } finally {
    await ours.stop();
  }
}

function loopbackRedis(url: string): string {
  const host = new URL(url).hostname;
  assertLoopback(`http://${host.includes(":") ? `[${host}]` : host}/`);
  return url;
}

/** Fan-out, idle memory and page weight on one fresh memory-store instance. */
async function oneInstanceSection(figures: Figures): Promise<void> {
  const server = await startServer(serverEnv({}, true));
  try {
    if (sections.has("sse")) {
      log(
        `\n# Webhook -> browser, one instance: ${FANOUT.webhooks} webhooks at ${FANOUT.perSecond}/s`,
      );
      const { results, idle } = await fanoutSeries([server], "one instance", {
        idleAt: IDLE_CONNECTIONS,
      });
      figures.fanout = { oneInstance: results, redis: figures.fanout?.redis ?? [] };
      if (idle) figures.idleConnection = idle;
    }
    if (sections.has("page")) {
      log("\n# First-load JS (Chromium)");
      figures.page = await measurePageWeight(server.url, frameworkWeight(ROOT, DIST_DIR));
      log(`  ${figures.page.note}`);
    }
  } finally {
    await server.stop();
  }
}

async function redisSection(figures: Figures, redisUrl: string): Promise<void> {
  log(
    `\n# Webhook -> browser, two instances through Redis: ${FANOUT.webhooks} webhooks at ${FANOUT.perSecond}/s`,
  );
  const servers = [
    await startServer(serverEnv({ REDIS_URL: redisUrl })),
    await startServer(serverEnv({ REDIS_URL: redisUrl })),
  ];
  try {
    const { results } = await fanoutSeries(servers, "two instances + Redis");
    figures.fanout = { oneInstance: figures.fanout?.oneInstance ?? [], redis: results };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}

/** Seconds each section took, for the report (the whole run must stay under 5 minutes). */
const durations: Record<string, number> = {};

async function timed(name: string, section: () => Promise<void>): Promise<void> {
  const started = Date.now();
  await section();
  durations[name] = Math.round((Date.now() - started) / 1000);
}

async function main(): Promise<void> {
  const started = Date.now();
  const loadAtStart = os.loadavg()[0]!;
  const figures: Figures = {};
  const buildStarted = Date.now();
  const build = await ensureBuild(log);
  durations.build = Math.round((Date.now() - buildStarted) / 1000);

  let ownRedis: RunningRedis | null = null;
  const needsRedis = sections.has("http") || sections.has("redis");
  const redisUrl = process.env.REDIS_URL
    ? loopbackRedis(process.env.REDIS_URL)
    : needsRedis
      ? (ownRedis = await startRedis()).url
      : null;

  try {
    if (sections.has("http")) await timed("http", () => httpSection(figures, redisUrl));

    if (sections.has("sse") || sections.has("page")) {
      await timed("one instance", () => oneInstanceSection(figures));
    }
    if (sections.has("redis") && redisUrl) {
      await timed("redis", () => redisSection(figures, redisUrl));
    }
    if (sections.has("framework")) await timed("framework", () => frameworkSection(figures));
  } finally {
    await ownRedis?.stop();
  }

  const seconds = Math.round((Date.now() - started) / 1000);
  const machine = describeMachine(loadAtStart);
  const targets = checkTargets(figures);
  const report = renderReport(figures, targets, machine, build, seconds);
  console.log(`\n${report}`);

  mkdirSync(RESULTS_DIR, { recursive: true });
  const json = JSON.stringify(
    {
      date: new Date().toISOString(),
      machine,
      build,
      seconds,
      sectionSeconds: durations,
      settings: { HTTP, FANOUT, IDLE_CONNECTIONS },
      figures,
      targets,
    },
    null,
    2,
  );
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  writeFileSync(path.join(RESULTS_DIR, `bench-${stamp}.json`), json);
  writeFileSync(path.join(RESULTS_DIR, "latest.json"), json);
  writeFileSync(path.join(RESULTS_DIR, "latest.md"), `${report}\n`);
  log(`\nfigures written to bench-results/bench-${stamp}.json (and latest.json, latest.md)`);
}

interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  next: string;
  commit: string;
  /** 1-minute load average when the run started and ended: others' work on the machine. */
  loadAverage: { start: number; end: number };
}

function describeMachine(loadAtStart: number): Machine {
  const next = (
    JSON.parse(readFileSync(path.join(ROOT, "node_modules/next/package.json"), "utf8")) as {
      version: string;
    }
  ).version;
  let commit = "unknown";
  try {
    commit = execSync("git rev-parse --short HEAD", { cwd: ROOT }).toString().trim();
    if (execSync("git status --porcelain -- app lib", { cwd: ROOT }).toString().trim())
      commit += "+changes";
  } catch {
    // not a git checkout
  }
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.versions.node,
    next,
    commit,
    loadAverage: { start: round(loadAtStart), end: round(os.loadavg()[0]!) },
  };
}

/**
 * What one idle connection costs: resident growth per connection, or the JS heap it retains
 * when that is more. After a full GC V8 keeps pages it no longer uses, so resident memory
 * measured before the connections may include room they then fill: RSS growth can come out
 * below the heap they provably hold.
 */
function idleCost(idle: IdleMemory): number {
  return Math.max(idle.bytesPerConnection, idle.heapBytesPerConnection);
}

interface Target {
  name: string;
  goal: string;
  measured: string;
  /** null: not measured this run (say, the page has no join form yet). */
  met: boolean | null;
}

function checkTargets(figures: Figures): Target[] {
  const targets: Target[] = [];
  const add = (name: string, goal: string, measured: string, met: boolean | null) =>
    targets.push({ name, goal, measured, met });
  const http = figures.http;
  if (http?.floor) {
    const floor = http.floor;
    if (http.token) {
      add(
        "token req/s",
        "≥ 0.9× floor",
        `${ratio(http.token.requestsPerSecond, floor.requestsPerSecond, 3)}×`,
        http.token.requestsPerSecond >= 0.9 * floor.requestsPerSecond,
      );
      add(
        "token p99",
        "≤ 1.2× floor",
        `${ratio(http.token.p99, floor.p99, 3)}×`,
        http.token.p99 <= 1.2 * floor.p99,
      );
    }
    for (const key of ["webhook", "webhookRedis"]) {
      const result = http[key];
      if (result)
        add(
          `${key === "webhook" ? "webhook (memory)" : "webhook (redis)"} req/s`,
          "≥ 0.8× floor",
          `${ratio(result.requestsPerSecond, floor.requestsPerSecond, 3)}×`,
          result.requestsPerSecond >= 0.8 * floor.requestsPerSecond,
        );
    }
    for (const result of Object.values(http)) {
      if (result.failures > 0)
        add(`${result.label} answers`, "all 2xx", `${result.failures} failed`, false);
    }
  }
  const fanoutTarget = (
    results: FanoutResult[] | undefined,
    where: string,
    count: number,
    p99: number,
  ) => {
    const result = results?.find((candidate) => candidate.subscribers === count);
    if (result)
      add(
        `webhook → browser p99, ${where}, ${count}`,
        `≤ ${p99} ms`,
        `${result.p99} ms`,
        result.p99 <= p99,
      );
  };
  fanoutTarget(figures.fanout?.oneInstance, "one instance", 200, 20);
  fanoutTarget(figures.fanout?.oneInstance, "one instance", 1000, 50);
  fanoutTarget(figures.fanout?.redis, "Redis", 200, 50);
  const all = [...(figures.fanout?.oneInstance ?? []), ...(figures.fanout?.redis ?? [])];
  if (all.length) {
    const lost = all.reduce((sum, result) => sum + result.lost + result.duplicates, 0);
    add("deliveries lost or doubled", "0", String(lost), lost === 0);
    // A refused webhook is expected nowhere, so it would not count as lost: count it here.
    const refused = all.reduce((sum, result) => sum + result.refused, 0);
    add("fan-out webhooks not answered 200", "0", String(refused), refused === 0);
  }
  if (figures.idleConnection) {
    add(
      "memory per idle SSE connection",
      "≤ 20 KB",
      `${kb(idleCost(figures.idleConnection))} KB`,
      idleCost(figures.idleConnection) <= 20 * 1024,
    );
  }
  if (figures.page) {
    add(
      "landing page JS (gzip)",
      "≤ 137 KB",
      `${kb(figures.page.landing.gzipBytes)} KB`,
      figures.page.landing.gzipBytes <= 137 * 1024,
    );
    const room = figures.page.room;
    add(
      "room page JS (gzip)",
      "≤ 300 KB",
      room ? `${kb(room.gzipBytes)} KB` : "not measured",
      room ? room.gzipBytes <= 300 * 1024 : null,
    );
  }
  return targets;
}

function ratio(a: number, b: number, digits = 2): string {
  return (a / b).toFixed(digits);
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join(" | ")} |`;
  const rule = `|${widths.map((width, column) => (column === 0 ? `${"-".repeat(width + 1)}-` : `${"-".repeat(width + 1)}:`)).join("|")}|`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}

const cpu = (result: LoadResult) =>
  result.cpuMsPerRequest === null ? "" : result.cpuMsPerRequest.toFixed(3);

function renderFramework(framework: NonNullable<Figures["framework"]>): string {
  const http = framework.http;
  const httpRows = ["emptyGet", "bodyPost", "floor", "token"]
    .filter((key) => http[key])
    .map((key) => {
      const result = http[key]!;
      return [result.label, String(result.requestsPerSecond), result.p99.toFixed(2), cpu(result)];
    });
  const sseRow = (name: string, figures: FanoutFigures) => {
    const at = (count: number) => figures.results.find((result) => result.subscribers === count);
    const idle = figures.idle;
    return [
      name,
      idle ? `${kb(idle.bytesPerConnection)} / ${kb(idle.heapBytesPerConnection)}` : "",
      at(200)?.p99.toFixed(2) ?? "",
      at(IDLE_CONNECTIONS)?.p99.toFixed(2) ?? "",
      String(at(IDLE_CONNECTIONS)?.cpuMicrosPerDelivery ?? ""),
      String(figures.results.reduce((sum, result) => sum + result.lost, 0)),
    ];
  };
  const ratios: string[] = [];
  if (http.token && http.bodyPost && http.emptyGet) {
    ratios.push(
      `body-reading POST / empty GET: ${ratio(http.bodyPost.requestsPerSecond, http.emptyGet.requestsPerSecond)}× req/s; ` +
        `our token / body-reading POST: ${ratio(http.token.requestsPerSecond, http.bodyPost.requestsPerSecond)}× req/s.`,
    );
  }
  return (
    `\nFramework floor, same run: a Next app with no code of ours (framework-floor.ts), beside ours:\n` +
    table(["route", "req/s", "p99 ms", "server CPU ms/req"], httpRows) +
    (ratios.length ? `\n${ratios.join("\n")}` : "") +
    `\n\n` +
    table(
      [
        "SSE route",
        "idle KB/conn: RSS / heap",
        "p99 ms, 200",
        "p99 ms, 1000",
        "CPU µs/delivery, 1000",
        "lost",
      ],
      [
        sseRow("empty App Router stream (ReadableStream per client)", framework.appRouterSse),
        sseRow("Pages Router API route (res.write)", framework.pagesApiSse),
        sseRow("ours: GET /api/events", framework.oursSse),
      ],
    )
  );
}

function renderReport(
  figures: Figures,
  targets: Target[],
  machine: Machine,
  build: string,
  seconds: number,
): string {
  const parts: string[] = [];
  parts.push(
    `Machine: ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}, ` +
      `Next ${machine.next}, commit ${machine.commit}; load average ${machine.loadAverage.start} at the start, ` +
      `${machine.loadAverage.end} at the end; ${build}; whole run ${seconds} s ` +
      `(${Object.entries(durations)
        .map(([name, value]) => `${name} ${value} s`)
        .join(", ")}).`,
  );
  const http = figures.http;
  if (http) {
    const floor = http.floor;
    const versus = (result: LoadResult, reference: LoadResult | undefined) =>
      reference ? `${ratio(result.requestsPerSecond, reference.requestsPerSecond)}×` : "";
    const rows = [
      ["floor", "expressToken"],
      ["token", "expressToken"],
      ["expressToken", ""],
      ["webhook", "expressWebhook"],
      ["webhookRedis", "expressWebhook"],
      ["expressWebhook", ""],
    ]
      .filter(([key]) => http[key!])
      .map(([key, reference]) => {
        const result = http[key!]!;
        const isOurs = key === "token" || key === "webhook" || key === "webhookRedis";
        return [
          result.label,
          String(result.requestsPerSecond),
          result.p50.toFixed(2),
          result.p99.toFixed(2),
          isOurs && floor ? versus(result, floor) : "",
          isOurs && floor ? `${ratio(result.p99, floor.p99)}×` : "",
          isOurs || key === "floor" ? versus(result, http[reference!]) : "",
          cpu(result),
        ];
      });
    parts.push(
      `\nHTTP, ${HTTP.connections} connections (autocannon), mean of ${HTTP.rounds} alternating ${HTTP.seconds} s rounds; ` +
        `latency of the requests sent after a round's first ${CONNECTION_RAMP_MS} ms (the connection ramp, see http-load.ts):\n` +
        table(
          [
            "route",
            "req/s",
            "p50 ms",
            "p99 ms",
            "req/s vs floor",
            "p99 vs floor",
            "req/s vs Express",
            "server CPU ms/req",
          ],
          rows,
        ),
    );
  }
  const fanout = figures.fanout;
  if (fanout && (fanout.oneInstance.length || fanout.redis.length)) {
    const rows = [
      ...fanout.oneInstance.map((result) => ["one instance (memory)", result] as const),
      ...fanout.redis.map((result) => ["two instances + Redis", result] as const),
    ].map(([where, result]) => [
      where,
      String(result.subscribers),
      `${result.received}/${result.expected}`,
      result.p50.toFixed(2),
      result.p99.toFixed(2),
      result.max.toFixed(2),
      String(result.lost + result.duplicates),
    ]);
    parts.push(
      `\nWebhook -> browser, ${FANOUT.webhooks} webhooks at ${FANOUT.perSecond}/s, POST sent -> frame received at each subscriber:\n` +
        table(["setup", "subscribers", "delivered", "p50 ms", "p99 ms", "max ms", "lost"], rows),
    );
  }
  if (figures.idleConnection) {
    const idle = figures.idleConnection;
    parts.push(
      `\nMemory per idle SSE connection, ${idle.connections} open: resident growth ${kb(idle.bytesPerConnection)} KB, ` +
        `JS heap retained ${kb(idle.heapBytesPerConnection)} KB (server RSS ${kb(idle.before.rss)} KB -> ` +
        `${kb(idle.after.rss)} KB, heap ${kb(idle.before.heapUsed)} KB -> ${kb(idle.after.heapUsed)} KB, each after a full GC).`,
    );
  }
  if (figures.page) {
    const page = figures.page;
    const weights: [string, PageWeight][] = [
      ["Next + React runtime (every page)", page.framework],
      ["landing page /", page.landing],
    ];
    if (page.room) weights.push(["room page (after Join)", page.room]);
    const rows = weights.map(([name, weight]) => [
      name,
      String(weight.scripts.length),
      kb(weight.bytes).toFixed(1),
      kb(weight.gzipBytes).toFixed(1),
    ]);
    parts.push(
      `\nFirst-load JS (KB = 1024 B; gzip level 6 as next start sends it); ${page.note}:\n` +
        table(["page", "scripts", "KB", "KB gzip"], rows),
    );
  }
  if (figures.framework) parts.push(renderFramework(figures.framework));
  if (targets.length) {
    parts.push(
      `\nTargets:\n` +
        table(
          ["target", "goal", "measured", "met"],
          targets.map((target) => [
            target.name,
            target.goal,
            target.measured,
            target.met === null ? "n/a" : target.met ? "yes" : "NO",
          ]),
        ),
    );
  }
  return parts.join("\n");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
