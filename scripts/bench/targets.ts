/**
 * The goals `npm run bench` checks, as data: each row of GOALS is one line of the report's
 * Targets table, in that order. A rule turns the figures into those lines; a figure not
 * measured this run gives none (or `met: null`).
 */
import type { LoadResult } from "./measure/http-load";
import type { FanoutRounds } from "./fanout";
import { kb, ratio } from "./measure/stats";
import type { Figures, Target, TargetRule } from "./section";

/**
 * The goals. An HTTP goal's ratio is of the floor it names, measured in the same rounds: the
 * POST floor that reads the same body (issue 10: a route's ratio against the framework's cost
 * for its own kind of request), or `floor`, our emptiest GET route, which these goals were of
 * until the POST floors were measured.
 */
export const GOALS = {
  httpVsFloor: [
    {
      name: "token (tutorial) req/s",
      key: "token",
      floor: "postFloorToken",
      figure: "requestsPerSecond",
      atLeast: 0.9,
    },
    {
      name: "token (tutorial) p99",
      key: "token",
      floor: "postFloorToken",
      figure: "p99",
      atMost: 1.2,
    },
    {
      name: "token (standard) req/s",
      key: "tokenStandard",
      floor: "postFloorToken",
      figure: "requestsPerSecond",
      atLeast: 0.9,
    },
    {
      name: "token (standard) p99",
      key: "tokenStandard",
      floor: "postFloorToken",
      figure: "p99",
      atMost: 1.2,
    },
    {
      name: "webhook (memory) req/s",
      key: "webhook",
      floor: "postFloorWebhook",
      figure: "requestsPerSecond",
      atLeast: 0.8,
    },
    {
      name: "webhook (redis) req/s",
      key: "webhookRedis",
      floor: "postFloorWebhook",
      figure: "requestsPerSecond",
      atLeast: 0.8,
    },
  ],
  /**
   * Issue 19: of the empty Pages-route floor measured in interleaved rounds of the same run
   * (medians of the rounds), at each count, on one instance and on two with Redis.
   */
  fanoutVsFloor: {
    setups: [
      { setup: "oneInstance", floor: "floor", where: "one instance" },
      { setup: "redis", floor: "redisFloor", where: "Redis" },
    ],
    subscribers: [200, 1000],
    p99AtMost: 1.1,
    cpuAtMost: 1.2,
  },
  /** Issue 19: an idle stream's cost over the empty Pages-route floor's, same run. */
  idleConnectionOverFloorKB: { resident: 4, heap: 2 },
  landingPageGzipKB: { atMost: 135 },
  roomPageGzipKB: { atMost: 300 },
  /** Issue 11: the console loads none of LiveKit's code (client, components, their styles, the server SDK). */
  consoleLivekitMarks: { atMost: 0 },
  /** Issue 19. */
  consolePageGzipKB: { atMost: 140 },
} as const;

type FloorGoal = (typeof GOALS.httpVsFloor)[number];

/** How the report names each floor a goal can be of. */
const FLOOR_NAMES: Record<string, string> = {
  floor: "GET floor",
  postFloorToken: "POST floor",
  postFloorWebhook: "POST floor",
};

function versusFloor(goal: FloorGoal, result: LoadResult, floor: LoadResult): Target {
  const share = result[goal.figure] / floor[goal.figure];
  const met = "atLeast" in goal ? share >= goal.atLeast : share <= goal.atMost;
  const floorName = FLOOR_NAMES[goal.floor] ?? goal.floor;
  return {
    name: goal.name,
    goal: "atLeast" in goal ? `≥ ${goal.atLeast}× ${floorName}` : `≤ ${goal.atMost}× ${floorName}`,
    measured: `${ratio(result[goal.figure], floor[goal.figure], 3)}×`,
    met,
  };
}

/** Each HTTP goal whose route and floor were measured, then one line per route with failed answers. */
const httpTargets: TargetRule = ({ http }) => {
  if (!http) return [];
  const targets = GOALS.httpVsFloor.flatMap((goal) => {
    const result = http[goal.key];
    const floor = http[goal.floor];
    return result && floor ? [versusFloor(goal, result, floor)] : [];
  });
  targets.push(...failedAnswers(http));
  return targets;
};

/**
 * One line per route that had answers other than 2xx, errors or timeouts, or no answer at all
 * within a round (requests still waiting when a round ends are not counted either way).
 */
export function failedAnswers(results: Record<string, LoadResult>): Target[] {
  return Object.values(results).flatMap((result): Target[] => {
    if (result.failures > 0) {
      return [
        {
          name: `${result.label} answers`,
          goal: "all 2xx",
          measured: `${result.failures} failed`,
          met: false,
        },
      ];
    }
    if (result.samples === 0) {
      return [
        {
          name: `${result.label} answers`,
          goal: "answered within a round",
          measured: "none",
          met: false,
        },
      ];
    }
    return [];
  });
}

const fanoutTargets: TargetRule = ({ fanout }) => {
  const goals = GOALS.fanoutVsFloor;
  const targets = goals.setups.flatMap(({ setup, floor, where }) =>
    goals.subscribers.flatMap((subscribers): Target[] => {
      const ours = fanout?.[setup].find((each) => each.subscribers === subscribers);
      const base = fanout?.[floor].find((each) => each.subscribers === subscribers);
      if (!ours || !base) return [];
      const lines: Target[] = [
        {
          name: `webhook → browser p99, ${where}, ${subscribers}`,
          goal: `≤ ${goals.p99AtMost}× floor`,
          measured: `${ratio(ours.p99, base.p99, 3)}× (${ours.p99} / ${base.p99} ms)`,
          met: ours.p99 <= goals.p99AtMost * base.p99,
        },
      ];
      if (ours.cpuMicrosPerDelivery !== null && base.cpuMicrosPerDelivery !== null) {
        lines.push({
          name: `CPU per delivery, webhook included, ${where}, ${subscribers}`,
          goal: `≤ ${goals.cpuAtMost}× floor`,
          measured:
            `${ratio(ours.cpuMicrosPerDelivery, base.cpuMicrosPerDelivery, 3)}× ` +
            `(${ours.cpuMicrosPerDelivery} / ${base.cpuMicrosPerDelivery} µs)`,
          met: ours.cpuMicrosPerDelivery <= goals.cpuAtMost * base.cpuMicrosPerDelivery,
        });
      }
      if (ours.deliveryCpuMicros !== null && base.deliveryCpuMicros !== null) {
        lines.push({
          name: `CPU per delivery, fan-out only, ${where}, ${subscribers}`,
          goal: `≤ ${goals.cpuAtMost}× floor`,
          measured:
            `${ratio(ours.deliveryCpuMicros, base.deliveryCpuMicros, 3)}× ` +
            `(${ours.deliveryCpuMicros} / ${base.deliveryCpuMicros} µs)`,
          met: ours.deliveryCpuMicros <= goals.cpuAtMost * base.deliveryCpuMicros,
        });
      }
      return lines;
    }),
  );
  const all: FanoutRounds[] = [...(fanout?.oneInstance ?? []), ...(fanout?.redis ?? [])];
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

/** `bytes` against a KB ceiling; null bytes: not measured (met: null). */
function kbAtMost(name: string, bytes: number | null, ceilingKB: number): Target {
  return {
    name,
    goal: `≤ ${ceilingKB} KB`,
    measured: bytes === null ? "not measured" : `${kb(bytes)} KB`,
    met: bytes === null ? null : bytes <= ceilingKB * 1024,
  };
}

/** Ours over the floor's, per idle connection: `kind` is resident growth or JS heap. */
function overFloor(name: string, ours: number, floor: number, allowanceKB: number): Target {
  return {
    name,
    goal: `≤ floor + ${allowanceKB} KB`,
    measured: `${kb(ours)} KB (floor ${kb(floor)} KB)`,
    met: ours <= floor + allowanceKB * 1024,
  };
}

const memoryAndPageTargets: TargetRule = ({ idleConnection, idleConnectionFloor, page }) => [
  ...(idleConnection && idleConnectionFloor
    ? [
        overFloor(
          "idle SSE connection, resident",
          idleConnection.bytesPerConnection,
          idleConnectionFloor.bytesPerConnection,
          GOALS.idleConnectionOverFloorKB.resident,
        ),
        overFloor(
          "idle SSE connection, JS heap",
          idleConnection.heapBytesPerConnection,
          idleConnectionFloor.heapBytesPerConnection,
          GOALS.idleConnectionOverFloorKB.heap,
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
