/**
 * `--only framework` (not in the default run): our floor route and token next to an empty Next
 * route and one that only reads a JSON body, and our event stream next to the smallest App
 * Router and Pages Router SSE routes (baselines/framework-floor.ts): what the framework costs
 * before any code of ours, measured in the same run.
 */
import { startServer } from "../../../tests/support/server";
import { buildFrameworkFloor, startFrameworkFloor } from "../baselines/framework-floor";
import { fanoutSeries } from "../fanout";
import { getTarget, tokenTarget } from "../load-targets";
import { measureAlternating, type LoadResult } from "../measure/http-load";
import { kb, ratio } from "../measure/stats";
import { cpu, table } from "../report";
import type { FanoutFigures, Figures, Section } from "../section";
import { HTTP, IDLE_CONNECTIONS } from "../settings";

function sseRow(name: string, figures: FanoutFigures): string[] {
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
}

function render({ framework }: Figures): string | null {
  if (!framework) return null;
  const http = framework.http;
  const httpRows = ["emptyGet", "bodyPost", "floor", "token"]
    .filter((key) => http[key])
    .map((key) => {
      const result = http[key]!;
      return [result.label, String(result.requestsPerSecond), result.p99.toFixed(2), cpu(result)];
    });
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

export const frameworkSection: Section = {
  name: "framework",
  selectors: ["framework"],
  byDefault: false,
  async run({ figures, log, serverEnv }) {
    log("\n# Framework floor: a Next app with no code of ours, beside ours");
    await buildFrameworkFloor(log);
    const floorApp = await startFrameworkFloor();
    const ours = await startServer(serverEnv());
    let http: Map<string, LoadResult>;
    try {
      http = await measureAlternating(
        [
          getTarget(floorApp, "emptyGet", "empty Next route: GET"),
          tokenTarget(
            floorApp,
            "bodyPost",
            "Next route that only reads a JSON body: POST",
            "/api/echo",
          ),
          getTarget(ours, "floor", "ours: GET /api/health"),
          tokenTarget(ours, "token", "ours: POST /api/token"),
        ],
        HTTP,
        log,
      );
    } finally {
      await Promise.all([floorApp.stop(), ours.stop()]);
    }

    // Each SSE variant on a fresh process: memory measured after other load is not comparable.
    const counts = [200, IDLE_CONNECTIONS];
    const floorSeries = async (label: string, streamPath: string, webhookPath: string) => {
      const app = await startFrameworkFloor();
      try {
        return await fanoutSeries([app], label, {
          log,
          token: "unused",
          subscriberCounts: counts,
          idleAt: IDLE_CONNECTIONS,
          streamPath,
          webhookPath,
        });
      } finally {
        await app.stop();
      }
    };
    const appRouterSse = await floorSeries(
      "empty App Router stream",
      "/api/events",
      "/api/webhook",
    );
    const pagesApiSse = await floorSeries(
      "Pages API res.write",
      "/api/pages-events",
      "/api/pages-webhook",
    );
    const server = await startServer(serverEnv({}, { memory: true }));
    try {
      const oursSse = await fanoutSeries([server], "ours", {
        log,
        idleAt: IDLE_CONNECTIONS,
        subscriberCounts: counts,
      });
      figures.framework = { http: Object.fromEntries(http), appRouterSse, pagesApiSse, oursSse };
    } finally {
      await server.stop();
    }
  },
  render,
};
