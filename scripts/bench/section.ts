/**
 * What a section of `npm run bench` is and what it is given. A section starts what it needs,
 * measures, and puts its figures into the shared `figures` (the results' JSON); it may render
 * its own part of the report and bring its own targets. Sections are listed, in run and report
 * order, in sections/index.ts.
 */
import type { ConsoleWeight } from "./measure/console-weight";
import type { LoadResult } from "./measure/http-load";
import type { PageWeights } from "./measure/page-weight";
import type { WebhookVerificationFigures } from "./measure/webhook-verification";
import type { FanoutResult, IdleMemory } from "./measure/sse-fanout";
import type { FanoutRounds } from "./fanout";

export interface FanoutFigures {
  results: FanoutResult[];
  idle: IdleMemory | null;
}

/** The operator console (issue 11): its first-load JS, and the rooms route under load. */
export interface ConsoleFigures {
  page?: ConsoleWeight;
  /** `livekit`: the room API answering; `webhooks`: webhook-only mode. */
  rooms?: Record<string, LoadResult>;
  /** What each rooms row was measured over. */
  roomsSetup?: {
    liveRooms: number;
    participantsPerRoom: number;
    /** Events in the log of the server whose room API answers (those rooms' webhooks). */
    livekitStoredEvents: number;
    webhookOnlyStoredEvents: number;
  };
}

/** Everything measured in one run, as written to bench-results/*.json under `figures`. */
export interface Figures {
  http?: Record<string, LoadResult>;
  /**
   * Fan-out in interleaved rounds: the empty Pages-route floor (`floor`, beside the one-instance
   * rows; `redisFloor`, beside the Redis rows) and ours, each count's rounds summarized.
   */
  fanout?: {
    floor: FanoutRounds[];
    oneInstance: FanoutRounds[];
    redisFloor: FanoutRounds[];
    redis: FanoutRounds[];
  };
  idleConnection?: IdleMemory;
  /** The empty Pages-route floor's idle connection, measured in the same run. */
  idleConnectionFloor?: IdleMemory;
  page?: PageWeights;
  /** The same measurements on a Next app with no code of ours, and ours beside it. */
  framework?: {
    http: Record<string, LoadResult>;
    appRouterSse: FanoutFigures;
    pagesApiSse: FanoutFigures;
    oursSse: FanoutFigures;
  };
  console?: ConsoleFigures;
  /** The webhook route with a handler file present and absent (sections/handlers.ts). */
  handlers?: Record<string, LoadResult>;
  /** Webhook verification in-process: the SDK's receive (before issue 10) and ours. */
  webhookVerification?: WebhookVerificationFigures;
  /** A section added later keeps its figures under its own name. */
  [section: string]: unknown;
}

export interface Target {
  name: string;
  goal: string;
  measured: string;
  /** null: not measured this run (say, the page has no join form yet). */
  met: boolean | null;
}

/** Turns the figures into the Targets table's lines (none when its figure was not measured). */
export type TargetRule = (figures: Figures) => Target[];

export interface BenchContext {
  /** The --only names asked for (a section may serve several: `sse` and `page` share a server). */
  selected: ReadonlySet<string>;
  figures: Figures;
  /** The run's Redis (its own redis-server, or REDIS_URL on loopback) when a section needs one. */
  redisUrl: string | null;
  log(line: string): void;
  /** A server's environment: the bench's settings, `extra`, and the probes the run asked for. */
  serverEnv(extra?: Record<string, string>, options?: { memory?: boolean }): Record<string, string>;
}

export interface Section {
  /** Its name in the report's timings and in the JSON's `sectionSeconds`. */
  name: string;
  /** The --only names that run it. */
  selectors: string[];
  /** Runs when --only is not given. */
  byDefault: boolean;
  /** Starts the run's Redis (unless REDIS_URL names one). */
  needsRedis?: boolean;
  run(context: BenchContext): Promise<void>;
  /** Its part of the report from the figures, or null when it has nothing to show. */
  render?(figures: Figures): string | null;
  /** Its goals, checked after those of targets.ts. */
  targets?: TargetRule[];
}
