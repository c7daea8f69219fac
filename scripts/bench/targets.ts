/**
 * The goals `npm run bench` checks, as data: each row of GOALS is one line of the report's
 * Targets table, in that order. A rule turns the figures into those lines; a figure not
 * measured this run gives none (or `met: null`).
 */
import type { LoadResult } from "./measure/http-load";
import type { FanoutResult, IdleMemory } from "./measure/sse-fanout";
import { kb, ratio } from "./measure/stats";
import type { Figures, Target, TargetRule } from "./section";

/** The goals. Ratios are of the floor route (GET /api/health) measured in the same rounds. */
export const GOALS = {
  httpVsFloor: [
    { name: "token req/s", key: "token", figure: "requestsPerSecond", atLeast: 0.9 },
    { name: "token p99", key: "token", figure: "p99", atMost: 1.2 },
    { name: "webhook (memory) req/s", key: "webhook", figure: "requestsPerSecond", atLeast: 0.8 },
    {
      name: "webhook (redis) req/s",
      key: "webhookRedis",
      figure: "requestsPerSecond",
      atLeast: 0.8,
    },
  ],
  fanoutP99Ms: [
    { setup: "oneInstance", where: "one instance", subscribers: 200, atMost: 20 },
    { setup: "oneInstance", where: "one instance", subscribers: 1000, atMost: 50 },
    { setup: "redis", where: "Redis", subscribers: 200, atMost: 50 },
  ],
  idleConnectionKB: { atMost: 20 },
  landingPageGzipKB: { atMost: 137 },
  roomPageGzipKB: { atMost: 300 },
} as const;

type FloorGoal = (typeof GOALS.httpVsFloor)[number];

function versusFloor(goal: FloorGoal, result: LoadResult, floor: LoadResult): Target {
  const share = result[goal.figure] / floor[goal.figure];
  const met = "atLeast" in goal ? share >= goal.atLeast : share <= goal.atMost;
  return {
    name: goal.name,
    goal: "atLeast" in goal ? `≥ ${goal.atLeast}× floor` : `≤ ${goal.atMost}× floor`,
    measured: `${ratio(result[goal.figure], floor[goal.figure], 3)}×`,
    met,
  };
}

/** Each HTTP goal whose route was measured, then one line per route with failed answers. */
const httpTargets: TargetRule = ({ http }) => {
  const floor = http?.floor;
  if (!http || !floor) return [];
  const targets = GOALS.httpVsFloor.flatMap((goal) => {
    const result = http[goal.key];
    return result ? [versusFloor(goal, result, floor)] : [];
  });
  for (const result of Object.values(http)) {
    if (result.failures > 0)
      targets.push({
        name: `${result.label} answers`,
        goal: "all 2xx",
        measured: `${result.failures} failed`,
        met: false,
      });
  }
  return targets;
};

const fanoutTargets: TargetRule = ({ fanout }) => {
  const targets = GOALS.fanoutP99Ms.flatMap((goal): Target[] => {
    const result = fanout?.[goal.setup].find((each) => each.subscribers === goal.subscribers);
    if (!result) return [];
    return [
      {
        name: `webhook → browser p99, ${goal.where}, ${goal.subscribers}`,
        goal: `≤ ${goal.atMost} ms`,
        measured: `${result.p99} ms`,
        met: result.p99 <= goal.atMost,
      },
    ];
  });
  const all: FanoutResult[] = [...(fanout?.oneInstance ?? []), ...(fanout?.redis ?? [])];
  if (all.length) {
    const lost = all.reduce((sum, result) => sum + result.lost + result.duplicates, 0);
    targets.push({
      name: "deliveries lost or doubled",
      goal: "0",
      measured: String(lost),
      met: lost === 0,
    });
    // A refused webhook is expected nowhere, so it would not count as lost: count it here.
    const refused = all.reduce((sum, result) => sum + result.refused, 0);
    targets.push({
      name: "fan-out webhooks not answered 200",
      goal: "0",
      measured: String(refused),
      met: refused === 0,
    });
  }
  return targets;
};

/**
 * What one idle connection costs: resident growth per connection, or the JS heap it retains
 * when that is more. After a full GC V8 keeps pages it no longer uses, so resident memory
 * measured before the connections may include room they then fill: RSS growth can come out
 * below the heap they provably hold.
 */
export function idleCost(idle: IdleMemory): number {
  return Math.max(idle.bytesPerConnection, idle.heapBytesPerConnection);
}

/** `bytes` against a KB ceiling; null bytes: not measured (met: null). */
function kbAtMost(name: string, bytes: number | null, ceilingKB: number): Target {
  return {
    name,
    goal: `≤ ${ceilingKB} KB`,
    measured: bytes === null ? "not measured" : `${kb(bytes)} KB`,
    met: bytes === null ? null : bytes <= ceilingKB * 1024,
  };
}

const memoryAndPageTargets: TargetRule = ({ idleConnection, page }) => [
  ...(idleConnection
    ? [
        kbAtMost(
          "memory per idle SSE connection",
          idleCost(idleConnection),
          GOALS.idleConnectionKB.atMost,
        ),
      ]
    : []),
  ...(page
    ? [
        kbAtMost("landing page JS (gzip)", page.landing.gzipBytes, GOALS.landingPageGzipKB.atMost),
        kbAtMost("room page JS (gzip)", page.room?.gzipBytes ?? null, GOALS.roomPageGzipKB.atMost),
      ]
    : []),
];

/** The goals of the sections in sections/index.ts, in report order (a new section brings its own in `targets`). */
export const TARGET_RULES: TargetRule[] = [httpTargets, fanoutTargets, memoryAndPageTargets];

export function checkTargets(figures: Figures, rules: TargetRule[]): Target[] {
  return rules.flatMap((rule) => rule(figures));
}
