/**
 * Webhook traffic per room, as livekit-server produces it (each room's events one at a time,
 * in order), and the bookkeeping that turns what subscribers received into figures: lost,
 * duplicated, out of order.
 */
import { expect } from "vitest";
import { compareEventIds } from "@/lib/shared/event-ids";
import { waitUntil } from "../../support/wait";
import { deliverWebhook, newTally, type SenderTally } from "./sender";
import { ResumingSubscriber } from "./subscriber";

export interface TrafficOptions {
  rooms: string[];
  /** The instance for the n-th event of a room (a load balancer's choice). */
  url: (room: string, n: number) => string;
  /** Pause between a room's events. */
  gapMs?: number;
  /** A room stops after this many events. */
  perRoom?: number;
  /** Paced sending: event n of a room is sent no earlier than start + n × intervalMs. */
  intervalMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class RoomTraffic {
  readonly tally: SenderTally = newTally();
  /** Per room, the events that got a 2xx, in the order they were sent. */
  readonly accepted = new Map<string, string[]>();
  private stopped = false;
  private loops: Promise<void>[] = [];
  startedAt = 0;
  finishedAt = 0;

  constructor(private readonly options: TrafficOptions) {
    for (const room of options.rooms) this.accepted.set(room, []);
  }

  start(): void {
    this.startedAt = performance.now();
    this.loops = this.options.rooms.map((room, index) => this.roomLoop(room, index));
  }

  /** Accepted events of the room that has the fewest. */
  minAccepted(): number {
    return Math.min(...[...this.accepted.values()].map((ids) => ids.length));
  }

  totalAccepted(): number {
    return [...this.accepted.values()].reduce((sum, ids) => sum + ids.length, 0);
  }

  /** Stops after each room's current event (it is still retried until settled). */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
    this.finishedAt = performance.now();
  }

  /** Waits for every room to finish its `perRoom` events. */
  async finished(): Promise<void> {
    await Promise.all(this.loops);
    this.finishedAt = performance.now();
  }

  private async roomLoop(room: string, index: number): Promise<void> {
    const { gapMs = 0, perRoom = Number.POSITIVE_INFINITY, intervalMs } = this.options;
    // Rooms start a little apart, as real rooms do, instead of all on the same millisecond.
    const offset = intervalMs ? (index * intervalMs) / this.options.rooms.length : 0;
    for (let n = 0; n < perRoom && !this.stopped; n++) {
      if (intervalMs) {
        const due = this.startedAt + offset + n * intervalMs;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
      }
      const { eventId, outcome } = await deliverWebhook({
        url: () => this.options.url(room, n),
        room,
        sequence: n,
        tally: this.tally,
      });
      if (outcome === "accepted") this.accepted.get(room)!.push(eventId);
      if (gapMs > 0) await sleep(gapMs);
    }
  }
}

export interface DeliveryFigures {
  delivered: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  /** Received, yet never acknowledged to the sender. */
  unexpected: number;
  /** Store ids that did not increase along one subscriber's stream. */
  idRegressions: number;
}

/** What one subscriber got against what its room's sender had acknowledged. */
export function compareDeliveries(received: string[], expected: string[]): DeliveryFigures {
  const position = new Map(expected.map((id, index) => [id, index]));
  const seen = new Map<string, number>();
  let duplicated = 0;
  let unexpected = 0;
  let outOfOrder = 0;
  let previous = -1;
  for (const id of received) {
    const count = (seen.get(id) ?? 0) + 1;
    seen.set(id, count);
    if (count > 1) {
      duplicated += 1;
      continue;
    }
    const at = position.get(id);
    if (at === undefined) {
      unexpected += 1;
      continue;
    }
    if (at < previous) outOfOrder += 1;
    previous = at;
  }
  const lost = expected.filter((id) => !seen.has(id)).length;
  return { delivered: received.length, lost, duplicated, outOfOrder, unexpected, idRegressions: 0 };
}

export function addFigures(total: DeliveryFigures, more: DeliveryFigures): DeliveryFigures {
  return {
    delivered: total.delivered + more.delivered,
    lost: total.lost + more.lost,
    duplicated: total.duplicated + more.duplicated,
    outOfOrder: total.outOfOrder + more.outOfOrder,
    unexpected: total.unexpected + more.unexpected,
    idRegressions: total.idRegressions + more.idRegressions,
  };
}

export const NO_DELIVERIES: DeliveryFigures = {
  delivered: 0,
  lost: 0,
  duplicated: 0,
  outOfOrder: 0,
  unexpected: 0,
  idRegressions: 0,
};

/**
 * Waits (bounded) until every subscriber holds every event its room's sender had accepted,
 * then stops them and adds up the figures. A subscriber still missing events at the deadline
 * counts them as lost.
 */
export type SettledDeliveries = DeliveryFigures & { fatal: string[] };
export type ReplayedLog = Awaited<ReturnType<typeof replayLog>>;

export async function settleSubscribers(
  subscribers: ResumingSubscriber[],
  roomOf: (subscriber: ResumingSubscriber) => string,
  accepted: Map<string, string[]>,
  deadlineMs = 30_000,
): Promise<SettledDeliveries> {
  const complete = (subscriber: ResumingSubscriber) => {
    const got = new Set(subscriber.eventIds());
    return (accepted.get(roomOf(subscriber)) ?? []).every((id) => got.has(id));
  };
  await waitUntil(
    () => subscribers.every(complete),
    "every subscriber caught up",
    deadlineMs,
  ).catch(() => {});
  await Promise.all(subscribers.map((subscriber) => subscriber.stop()));
  let total = NO_DELIVERIES;
  const fatal: string[] = [];
  for (const subscriber of subscribers) {
    const figures = compareDeliveries(
      subscriber.eventIds(),
      accepted.get(roomOf(subscriber)) ?? [],
    );
    figures.idRegressions = subscriber.idRegressions;
    total = addFigures(total, figures);
    if (subscriber.fatal) fatal.push(subscriber.fatal);
  }
  return { ...total, fatal };
}

/**
 * The log as a fresh reader replays it from the start through the API (all rooms, an operator
 * token): which accepted events it holds, and whether any is in it twice.
 */
export async function replayLog(
  baseUrl: string,
  operatorToken: string,
  accepted: Map<string, string[]>,
  deadlineMs = 60_000,
): Promise<{ stored: number; missing: number; duplicated: number; connections: number }> {
  const all = [...accepted.values()].flat();
  const reader = new ResumingSubscriber(() => baseUrl, { room: null, token: operatorToken });
  await reader.start();
  await waitUntil(
    () => {
      const got = new Set(reader.eventIds());
      return all.every((id) => got.has(id));
    },
    "the log replayed",
    deadlineMs,
  ).catch(() => {});
  await reader.stop();
  const got = reader.eventIds();
  const unique = new Set(got);
  const stored = all.filter((id) => unique.has(id)).length;
  const storeIds = reader.deliveries.map((delivery) => delivery.storeId);
  const sorted = storeIds.every((id, i) => i === 0 || compareEventIds(storeIds[i - 1]!, id) < 0);
  return {
    stored,
    missing: all.length - stored,
    duplicated: got.length - unique.size + (sorted ? 0 : 1),
    connections: reader.connections,
  };
}

/** The figures of a traffic scenario: what was sent, accepted, stored and delivered. */
export function outcomeFigures(
  traffic: RoomTraffic,
  delivery: SettledDeliveries,
  log: ReplayedLog,
) {
  return {
    inputs: traffic.tally.sent,
    sent: traffic.tally.sent,
    accepted: traffic.totalAccepted(),
    stored: log.stored,
    delivered: delivery.delivered,
    lost: delivery.lost + log.missing,
    duplicated: delivery.duplicated + log.duplicated,
    outOfOrder: delivery.outOfOrder,
  };
}

/**
 * The promise of every traffic scenario: no webhook given up, and every accepted event in the
 * log and at each subscriber of its room once, in order.
 */
export function expectNothingLost(
  traffic: RoomTraffic,
  delivery: SettledDeliveries,
  log: ReplayedLog,
): void {
  expect(traffic.tally.refused).toEqual([]);
  expect(traffic.tally.abandoned).toEqual([]);
  expect(delivery.fatal).toEqual([]);
  expect(delivery).toMatchObject({
    lost: 0,
    duplicated: 0,
    outOfOrder: 0,
    unexpected: 0,
    idRegressions: 0,
  });
  expect(log).toMatchObject({ missing: 0, duplicated: 0 });
}
