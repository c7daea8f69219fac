/**
 * The framework's own floor, measured beside our routes: a minimal Next 16 app (no code of
 * ours) generated into a directory outside the repository (inside it, Next would pick up our
 * instrumentation.ts and proxy.ts) and built with the same `next`, whose node_modules are hard
 * links to ours (Turbopack resolves no packages through a symlink out of its root). It answers
 *
 * - GET  /api/health          the emptiest route (our floor's twin),
 * - POST /api/echo            a route that only reads its small JSON body (what every POST pays:
 *                             the HTTP section's POST floor, sent the same body as each route),
 * - GET  /api/events          the smallest App Router SSE route: a ReadableStream per client,
 *   POST /api/webhook         and a POST that enqueues one shared frame to every open stream,
 * - GET  /api/pages-events    the same with a Pages Router API route (plain `res.write`),
 *   POST /api/pages-webhook,
 *
 * so what a Next route costs before any of our code runs is a measurement, not a claim.
 * BENCH_FLOOR_DIR overrides where it goes (default: the system's temporary directory).
 */
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT } from "../../../tests/support/server";
import { probeEnv } from "../../../tests/support/probes";
import { runNextBuild, startService, type Service } from "../processes";

export const FLOOR_DIR =
  process.env.BENCH_FLOOR_DIR || path.join(os.tmpdir(), "livekit-app-server-framework-floor");

/** Hard-links our node_modules into the floor app, again whenever package-lock.json changed. */
function linkNodeModules(): void {
  const target = path.join(FLOOR_DIR, "node_modules");
  const stampFile = path.join(FLOOR_DIR, "node_modules.stamp");
  const stamp = createHash("sha256")
    .update(readFileSync(path.join(ROOT, "package-lock.json")))
    .digest("hex");
  if (existsSync(target) && existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp) {
    return;
  }
  rmSync(target, { recursive: true, force: true });
  const copy = spawnSync("cp", ["-al", path.join(ROOT, "node_modules"), target]);
  if (copy.status !== 0) {
    throw new Error(
      `could not hard-link node_modules into ${FLOOR_DIR} (${copy.stderr.toString().trim()}): ` +
        "set BENCH_FLOOR_DIR to a directory outside the repository on the same filesystem",
    );
  }
  writeFileSync(stampFile, stamp);
}

const SSE_HEADERS = `{ "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache, no-transform" }`;

const FILES: Record<string, string> = {
  "package.json": `{ "name": "framework-floor", "private": true }\n`,
  "next.config.js": `module.exports = { poweredByHeader: false };\n`,
  "app/layout.js": `export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
`,
  "app/page.js": `export default function Page() {
  return <main>empty</main>;
}
`,
  "app/api/health/route.js": `export const dynamic = "force-dynamic";
export function GET() {
  return Response.json({ ok: true });
}
`,
  "app/api/echo/route.js": `export const dynamic = "force-dynamic";
export async function POST(request) {
  const body = JSON.parse(await request.text());
  return Response.json({ ok: true, fields: Object.keys(body).length });
}
`,
  "app/api/events/route.js": `export const dynamic = "force-dynamic";
const encoder = new TextEncoder();
const streams = (globalThis.__floorStreams ??= new Set());
export function GET() {
  let controller;
  const stream = new ReadableStream({
    start(c) {
      controller = c;
      streams.add(c);
      c.enqueue(encoder.encode("retry: 1000\\n\\n"));
    },
    cancel() {
      streams.delete(controller);
    },
  });
  return new Response(stream, { headers: ${SSE_HEADERS} });
}
`,
  "app/api/webhook/route.js": `export const dynamic = "force-dynamic";
const encoder = new TextEncoder();
const streams = (globalThis.__floorStreams ??= new Set());
let id = 0;
export async function POST(request) {
  const frame = encoder.encode(\`id: \${++id}\\ndata: \${await request.text()}\\n\\n\`);
  for (const controller of streams) controller.enqueue(frame);
  return Response.json({ ok: true });
}
`,
  "pages/api/pages-events.js": `export const config = { api: { externalResolver: true, bodyParser: false } };
const clients = (globalThis.__floorClients ??= new Set());
export default function handler(req, res) {
  res.writeHead(200, ${SSE_HEADERS});
  res.write("retry: 1000\\n\\n");
  clients.add(res);
  res.on("close", () => clients.delete(res));
}
`,
  "pages/api/pages-webhook.js": `export const config = { api: { bodyParser: false } };
const clients = (globalThis.__floorClients ??= new Set());
let id = 0;
export default async function handler(req, res) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const frame = Buffer.from(\`id: \${++id}\\ndata: \${Buffer.concat(chunks).toString()}\\n\\n\`);
  for (const client of clients) client.write(frame);
  res.json({ ok: true });
}
`,
};

/** Writes the app and builds it, unless the build is of exactly these files and this `next`. */
export async function buildFrameworkFloor(log: (line: string) => void): Promise<void> {
  const nextVersion = (
    JSON.parse(readFileSync(path.join(ROOT, "node_modules/next/package.json"), "utf8")) as {
      version: string;
    }
  ).version;
  const stamp = createHash("sha256")
    .update(nextVersion + JSON.stringify(FILES))
    .digest("hex");
  const stampFile = path.join(FLOOR_DIR, ".next/bench-stamp");
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp) {
    linkNodeModules();
    log("  reused the framework-floor build");
    return;
  }
  mkdirSync(FLOOR_DIR, { recursive: true });
  linkNodeModules();
  for (const [file, text] of Object.entries(FILES)) {
    mkdirSync(path.dirname(path.join(FLOOR_DIR, file)), { recursive: true });
    writeFileSync(path.join(FLOOR_DIR, file), text);
  }
  log("  building the framework-floor app ...");
  await runNextBuild(FLOOR_DIR);
  writeFileSync(stampFile, stamp);
}

/**
 * Starts the built framework-floor app on a free loopback port, by default with the memory probe;
 * `env` replaces that (the HTTP section gives it the environment our servers get).
 */
export function startFrameworkFloor(
  env: Record<string, string> = probeEnv({ memory: true }),
): Promise<Service> {
  return startService({
    name: "the framework-floor app",
    args: (port) => [
      path.join(FLOOR_DIR, "node_modules/next/dist/bin/next"),
      "start",
      "-p",
      String(port),
      "-H",
      "127.0.0.1",
    ],
    cwd: FLOOR_DIR,
    env,
    healthPath: "/api/health",
  });
}
