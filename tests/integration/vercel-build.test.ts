/**
 * Vercel's own builder on the app: `vercel build` (the CLI pinned in devDependencies) turns a copy
 * of the project into Vercel's Build Output, exactly as a deployment would, with no account and
 * nothing deployed (a throwaway `.vercel/project.json`). The assertions read that output: the
 * functions, their runtime and limits, and the routes that the platform will serve.
 */
import { execFile } from "node:child_process";
import { cp, glob, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../support/server";

const run = promisify(execFile);

/** What the build must not see of the working tree: installs, builds, local state. */
const NOT_COPIED = new Set([
  ".git",
  ".next",
  ".runtime",
  ".vercel",
  "node_modules",
  "test-results",
  "bench-results",
]);

const packageJson = JSON.parse(await readFile(path.join(ROOT, "package.json"), "utf8")) as {
  engines: { node: string };
};
/** "24.x" → 24: the major engines.node pins, which Vercel must run. */
const pinnedMajor = Number.parseInt(packageJson.engines.node, 10);

let work: string;
let output: string;
let buildLog = "";

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "vercel-build-"));
  await cp(ROOT, work, {
    recursive: true,
    filter: (source) => {
      const top = path.relative(ROOT, source).split(path.sep)[0] ?? "";
      return !NOT_COPIED.has(top) && !top.startsWith(".next");
    },
  });
  // Hard links: the same installed packages at no copying cost (a symlinked node_modules points
  // out of the project root, which Turbopack refuses).
  await run("cp", ["-al", path.join(ROOT, "node_modules"), path.join(work, "node_modules")]);
  await mkdir(path.join(work, ".vercel"));
  await writeFile(
    path.join(work, ".vercel/project.json"),
    JSON.stringify({
      projectId: "prj_local",
      orgId: "team_local",
      // An empty install command: the copy is installed already, and the build needs no network.
      settings: { framework: "nextjs", installCommand: "" },
    }),
  );

  const env: NodeJS.ProcessEnv = {
    // A side build dir (NEXT_DIST_DIR) must not leak into the copy's build.
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== "NEXT_DIST_DIR")),
    // The build's, not the runner's (vitest sets "test").
    NODE_ENV: "production",
    // Set for Production and Preview, as the README's Deploy steps say; the build refuses none.
    TOKEN_ACCESS: "protected",
    // Nothing leaves the machine: no telemetry, no check for a newer CLI.
    VERCEL_TELEMETRY_DISABLED: "1",
    NEXT_TELEMETRY_DISABLED: "1",
    NO_UPDATE_NOTIFIER: "1",
  };
  try {
    const result = await run(
      process.execPath,
      [path.join(work, "node_modules/vercel/dist/vc.js"), "build", "--yes"],
      { cwd: work, env, maxBuffer: 64 * 1024 * 1024 },
    );
    buildLog = result.stdout + result.stderr;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    const log = `${failed.stdout ?? ""}${failed.stderr ?? ""}`.trim();
    throw new Error(`vercel build refused the app:\n${log.split("\n").slice(-60).join("\n")}`);
  }
  output = path.join(work, ".vercel/output");
}, 900_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, "utf8")) as T;
}

interface FunctionConfig {
  runtime?: string;
  maxDuration?: number;
}

/** Every API route of the source tree, from its file: so a route added later is checked too. */
async function apiRoutes(): Promise<string[]> {
  const routes: string[] = [];
  for await (const file of glob("app/api/**/route.{ts,tsx,js}", { cwd: ROOT })) {
    const dir = path.dirname(file).split(path.sep);
    // Route groups, "(name)", are not part of the URL.
    routes.push(
      "/" +
        dir
          .slice(1)
          .filter((part) => !/^\(.*\)$/.test(part))
          .join("/"),
    );
  }
  for await (const file of glob("pages/api/**/*.{ts,tsx,js}", { cwd: ROOT })) {
    const route = file.slice("pages".length).replace(/\.(ts|tsx|js)$/, "");
    routes.push(
      route
        .replace(/\/index$/, "")
        .split(path.sep)
        .join("/"),
    );
  }
  return routes.sort();
}

describe("vercel build (Vercel's own builder, local, nothing deployed)", () => {
  it("the tests run on the Node.js major that engines.node pins and Vercel runs", () => {
    expect(packageJson.engines.node).toBe(`${pinnedMajor}.x`);
    expect(Number(process.versions.node.split(".")[0])).toBe(pinnedMajor);
  });

  it("accepts the app with no warning about engines", () => {
    expect(buildLog).toMatch(/Build Completed in \.vercel\/output/);
    expect(buildLog).not.toMatch(/engines/i);
  });

  it("makes a function on the pinned Node.js runtime for each API route", async () => {
    const routes = await apiRoutes();
    expect(routes).toEqual(
      expect.arrayContaining(["/api/events", "/api/health", "/api/token", "/api/webhook"]),
    );
    for (const route of routes) {
      const config = await readJson<FunctionConfig>(
        path.join(output, "functions", `${route}.func`, ".vc-config.json"),
      ).catch(() => {
        throw new Error(`no function in the build output for ${route}`);
      });
      expect(config.runtime, route).toBe(`nodejs${pinnedMajor}.x`);
    }
  });

  it("runs no function on another Node.js runtime", async () => {
    const runtimes = new Set<string>();
    for await (const file of glob("functions/**/.vc-config.json", { cwd: output })) {
      const { runtime } = await readJson<FunctionConfig>(path.join(output, file));
      if (runtime?.startsWith("nodejs")) runtimes.add(runtime);
    }
    expect([...runtimes]).toEqual([`nodejs${pinnedMajor}.x`]);
  });

  it("gives /api/events the maxDuration its route configures", async () => {
    const source = await readFile(path.join(ROOT, "pages/api/events.ts"), "utf8");
    const configured = Number(/maxDuration:\s*(\d+)/.exec(source)?.[1]);
    expect(configured).toBe(300);
    const config = await readJson<FunctionConfig>(
      path.join(output, "functions/api/events.func/.vc-config.json"),
    );
    expect(config.maxDuration).toBe(configured);
  });

  it("routes the tutorials' paths /token, /webhook and /livekit/webhook to the API", async () => {
    const { routes } = await readJson<{ routes: { src?: string; dest?: string }[] }>(
      path.join(output, "config.json"),
    );
    for (const [from, to] of [
      ["/token", "/api/token"],
      ["/webhook", "/api/webhook"],
      ["/livekit/webhook", "/api/webhook"],
    ] as const) {
      const rewrite = routes.find(
        (route) => route.src && route.dest?.startsWith(to) && new RegExp(route.src).test(from),
      );
      expect(rewrite, `${from} → ${to}`).toBeDefined();
    }
  });
});
