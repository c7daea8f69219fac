/**
 * Fan-out series (measure/sse-fanout.ts) with the bench's settings: one setup alone
 * (`fanoutSeries`, for the framework section and the investigation tools), or several setups in
 * interleaved rounds (`interleavedFanout`): the empty Pages-route floor and ours take turns, so
 * a stall of a shared machine falls on both and the ratio between them is what to read.
 */
import { TEST_API_KEY, TEST_API_SECRET } from "../../tests/support/keys";
import { tokenFromServer } from "../../tests/support/server";
import { probeMemory, type ProbedProcess } from "../../tests/support/probes";
import {
  closeSubscribers,
  measureFanout,
  openSubscribers,
  runFanoutSeries,
  type FanoutResult,
  type IdleMemory,
} from "./measure/sse-fanout";
import { median, round } from "./measure/stats";
import { signedWebhooks } from "./measure/webhooks";
import type { FanoutFigures } from "./section";
import { FANOUT, ROOM } from "./settings";

type Server = ProbedProcess & { url: string };

export interface FanoutSeriesOptions {
  log(line: string): void;
  /** Measure memory per idle connection at this many subscribers (on the first server). */
  idleAt?: number;
  subscriberCounts?: number[];
  /** A token for the stream; default: one from the first server's /api/token. */
  token?: string;
  streamPath?: string;
  webhookPath?: string;
}

/** FANOUT's webhooks at FANOUT's rate into ROOM, for each subscriber count. */
export async function fanoutSeries(
  servers: Server[],
  label: string,
  options: FanoutSeriesOptions,
): Promise<FanoutFigures> {
  return runFanoutSeries({
    servers,
    label,
    token: options.token ?? (await tokenFromServer(servers[0]!.url, ROOM, "viewer")),
    room: ROOM,
    subscriberCounts: options.subscriberCounts ?? FANOUT.subscriberCounts,
    webhooks: FANOUT.webhooks,
    perSecond: FANOUT.perSecond,
    nextWebhook: signedWebhooks(ROOM, TEST_API_KEY, TEST_API_SECRET),
    idleAt: options.idleAt,
    streamPath: options.streamPath,
    webhookPath: options.webhookPath,
    log: options.log,
  });
}

/** One setup of an interleaved run: the floor app, or our instances. */
export interface FanoutSetup {
  /** Its key in the figures (`floor`, `ours`). */
  key: string;
  label: string;
  servers: Server[];
  /** The stream's credential; default: one from the first server's /api/token. */
  token?: string;
  streamPath?: string;
  webhookPath?: string;
}

/** One subscriber count of one setup over the run's rounds: every round, and their summary. */
export interface FanoutRounds {
  subscribers: number;
  rounds: FanoutResult[];
  /** Medians over the rounds (p50 and p99 of each round's deliveries). */
  p50: number;
  p99: number;
  /** The spread of the rounds' p99. */
  p99Min: number;
  p99Max: number;
  cpuMicrosPerDelivery: number | null;
  cpuMin: number | null;
  cpuMax: number | null;
  /**
   * The same CPU with each webhook's own cost taken out (what its POST costs with no subscriber,
   * `webhookCpuMicros`): what the fan-out itself costs per frame, median of the rounds.
   */
  deliveryCpuMicros: number | null;
  deliveryCpuMin: number | null;
  deliveryCpuMax: number | null;
  /** Server CPU per webhook POST with no subscriber (median of its rounds), in µs. */
  webhookCpuMicros: number | null;
  /** Summed over the rounds. */
  expected: number;
  received: number;
  lost: number;
  duplicates: number;
  refused: number;
}

export function summarizeRounds(
  rounds: FanoutResult[],
  webhookCpuMicros: number | null = null,
): FanoutRounds {
  const p99s = rounds.map((result) => result.p99);
  const cpus = rounds.flatMap((result) =>
    result.cpuMicrosPerDelivery === null ? [] : [result.cpuMicrosPerDelivery],
  );
  const deliveryCpus = rounds.flatMap((result) =>
    result.cpuMillis === null || webhookCpuMicros === null || !result.received
      ? []
      : [
          round(
            (result.cpuMillis * 1000 - result.accepted * webhookCpuMicros) / result.received,
            1,
          ),
        ],
  );
  const sum = (pick: (result: FanoutResult) => number) =>
    rounds.reduce((total, result) => total + pick(result), 0);
  return {
    subscribers: rounds[0]!.subscribers,
    rounds,
    p50: round(median(rounds.map((result) => result.p50))),
    p99: round(median(p99s)),
    p99Min: Math.min(...p99s),
    p99Max: Math.max(...p99s),
    cpuMicrosPerDelivery: cpus.length ? round(median(cpus), 1) : null,
    cpuMin: cpus.length ? Math.min(...cpus) : null,
    cpuMax: cpus.length ? Math.max(...cpus) : null,
    deliveryCpuMicros: deliveryCpus.length ? round(median(deliveryCpus), 1) : null,
    deliveryCpuMin: deliveryCpus.length ? Math.min(...deliveryCpus) : null,
    deliveryCpuMax: deliveryCpus.length ? Math.max(...deliveryCpus) : null,
    webhookCpuMicros,
    expected: sum((result) => result.expected),
    received: sum((result) => result.received),
    lost: sum((result) => result.lost),
    duplicates: sum((result) => result.duplicates),
    refused: sum((result) => result.refused),
  };
}

export interface InterleavedFanout {
  /** Per setup key, one entry per subscriber count, ascending. */
  results: Record<string, FanoutRounds[]>;
  /** Per setup key, memory per idle connection on its first server (before any other load). */
  idle: Record<string, IdleMemory>;
  /** Per setup key, server CPU per webhook POST with no subscriber, each round's, in µs. */
  webhookCpu: Record<string, number[]>;
}

/**
 * First `rounds` rounds of webhooks with no subscriber (FANOUT.webhookOnly): what a webhook
 * costs each setup by itself (ours verifies, stores and logs it; the floor only reads it), so
 * the fan-out's own CPU per delivery can be told from the webhook's. Then for each subscriber
 * count (largest first), `rounds` rounds in which every setup runs FANOUT's webhooks once, in
 * turn, the order reversed every other round. Idle memory is measured on each setup's first
 * server when it first opens `idleAt` streams (after a 20-stream warm-up only).
 */
export async function interleavedFanout(
  setups: FanoutSetup[],
  options: {
    log(line: string): void;
    subscriberCounts?: number[];
    rounds?: number;
    idleAt?: number;
  },
): Promise<InterleavedFanout> {
  const { log } = options;
  const counts = [...(options.subscriberCounts ?? FANOUT.subscriberCounts)].sort((a, b) => b - a);
  const roundCount = options.rounds ?? FANOUT.rounds;
  const nextWebhook = signedWebhooks(ROOM, TEST_API_KEY, TEST_API_SECRET);
  const prepared = await Promise.all(
    setups.map(async (setup) => ({
      ...setup,
      token: setup.token ?? (await tokenFromServer(setup.servers[0]!.url, ROOM, "viewer")),
      urls: setup.servers.map((server) => server.url),
      webhookUrls: setup.servers.map(
        (server) => `${server.url}${setup.webhookPath ?? "/api/webhook"}`,
      ),
    })),
  );
  const open = (setup: (typeof prepared)[number], count: number) =>
    openSubscribers(setup.urls, count, ROOM, setup.token, setup.streamPath);

  for (const setup of prepared) {
    const warm = await open(setup, 20);
    await measureFanout({
      webhookUrls: setup.webhookUrls,
      subscribers: warm,
      webhooks: 20,
      perSecond: 50,
      nextWebhook,
    });
    await closeSubscribers(warm);
  }

  const webhookCpu: Record<string, number[]> = {};
  for (let r = 0; r < roundCount; r++) {
    for (const setup of r % 2 === 0 ? prepared : [...prepared].reverse()) {
      const result = await measureFanout({
        webhookUrls: setup.webhookUrls,
        pids: setup.servers.map((server) => server.process.pid!),
        subscribers: [],
        webhooks: FANOUT.webhookOnly.webhooks,
        perSecond: FANOUT.webhookOnly.perSecond,
        nextWebhook,
      });
      const micros = round((result.cpuMillis! * 1000) / Math.max(1, result.accepted), 0);
      (webhookCpu[setup.key] ??= []).push(micros);
      log(
        `  round ${r + 1}/${roundCount}, ${setup.label}, no subscriber: server CPU ${micros} µs per webhook`,
      );
    }
  }

  const rounds: Record<string, Map<number, FanoutResult[]>> = {};
  const idle: Record<string, IdleMemory> = {};
  for (const count of counts) {
    for (let r = 0; r < roundCount; r++) {
      const order = r % 2 === 0 ? prepared : [...prepared].reverse();
      for (const setup of order) {
        const first = setup.servers[0]!;
        const measureIdle = count === options.idleAt && !idle[setup.key];
        const before = measureIdle ? await probeMemory(first) : null;
        const subscribers = await open(setup, count);
        if (before) {
          await new Promise((resolve) => setTimeout(resolve, 1000));
          const after = await probeMemory(first);
          idle[setup.key] = {
            connections: count,
            before,
            after,
            bytesPerConnection: Math.round((after.rss - before.rss) / count),
            heapBytesPerConnection: Math.round((after.heapUsed - before.heapUsed) / count),
          };
          log(
            `  ${setup.label}, ${count} idle SSE connections: ` +
              `${round(idle[setup.key]!.bytesPerConnection / 1024, 1)} KB each ` +
              `(JS heap ${round(idle[setup.key]!.heapBytesPerConnection / 1024, 1)} KB)`,
          );
        }
        const result = await measureFanout({
          webhookUrls: setup.webhookUrls,
          pids: setup.servers.map((server) => server.process.pid!),
          subscribers,
          webhooks: FANOUT.webhooks,
          perSecond: FANOUT.perSecond,
          nextWebhook,
        });
        await closeSubscribers(subscribers);
        log(
          `  round ${r + 1}/${roundCount}, ${setup.label}, ${count} subscribers: p50 ${result.p50} ms, ` +
            `p99 ${result.p99} ms, max ${result.max} ms, lost ${result.lost}, ` +
            `server CPU ${result.cpuMicrosPerDelivery} µs per delivery`,
        );
        const bySetup = (rounds[setup.key] ??= new Map());
        bySetup.set(count, [...(bySetup.get(count) ?? []), result]);
      }
    }
  }
  const results: Record<string, FanoutRounds[]> = {};
  for (const [key, byCount] of Object.entries(rounds)) {
    const perWebhook = webhookCpu[key]?.length ? median(webhookCpu[key]) : null;
    results[key] = [...byCount.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, each]) => summarizeRounds(each, perWebhook));
  }
  return { results, idle, webhookCpu };
}
