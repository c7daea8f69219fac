/**
 * Load on loopback, bounded in count and time: 500 webhooks a second across 50 rooms for
 * 30 seconds (15,000 events), posted alternately to two production instances sharing a real
 * Redis, while 200 SSE subscribers (4 a room, half on each instance) read them. Streams end
 * every SSE_MAX_SECONDS as in production and resume by Last-Event-ID. 0 lost, 0 duplicated,
 * each room's order as sent.
 */
import { describe, expect, it } from "vitest";
import { operatorToken, roomToken, TEST_API_SECRET, trackProcesses } from "../support/fixtures";
import { recordFigures, secondsSince } from "./support/figures";
import { credentialLeaks } from "./support/leaks";
import { count5xx, formatStatuses } from "./support/sender";
import { ResumingSubscriber } from "./support/subscriber";
import {
  expectNothingLost,
  outcomeFigures,
  replayLog,
  RoomTraffic,
  settleSubscribers,
} from "./support/traffic";

const ROOMS = 50;
const RATE_PER_SECOND = 500;
const SECONDS = 30;
const SUBSCRIBERS_PER_ROOM = 4;
const PER_ROOM = (RATE_PER_SECOND / ROOMS) * SECONDS;
/** Sending must finish within this, however slow the machine: the run is bounded. */
const SEND_DEADLINE_MS = 200_000;

describe("load: two instances sharing Redis", () => {
  const running = trackProcesses({ stopSignal: "SIGKILL" });

  it(`${RATE_PER_SECOND} webhooks/s over ${ROOMS} rooms for ${SECONDS} s, ${ROOMS * SUBSCRIBERS_PER_ROOM} subscribers: nothing lost, duplicated or reordered`, async () => {
    const started = performance.now();
    const redis = await running.redis();
    const env = {
      REDIS_URL: redis.url,
      // Keeps all 15,000 events: the replay at the end checks every one is in the log.
      EVENT_LOG_REDIS_MAXLEN: "100000",
      // Streams end during the run, as they do in production before the function limit.
      SSE_MAX_SECONDS: "10",
      // Every subscriber connects from one loopback address with one credential.
      SSE_MAX_STREAMS_PER_CLIENT: "0",
      SSE_MAX_STREAMS_PER_CREDENTIAL: "0",
    };
    const instances = [await running.server(env), await running.server(env)];

    const rooms = Array.from({ length: ROOMS }, (_, i) => `load-${String(i).padStart(2, "0")}`);
    const roomOfSubscriber = new Map<ResumingSubscriber, string>();
    for (const room of rooms) {
      const token = await roomToken(room);
      for (let i = 0; i < SUBSCRIBERS_PER_ROOM; i++) {
        const instance = instances[i % 2]!;
        roomOfSubscriber.set(new ResumingSubscriber(() => instance.url, { room, token }), room);
      }
    }
    const subscribers = [...roomOfSubscriber.keys()];
    await Promise.all(subscribers.map((subscriber) => subscriber.start()));

    const traffic = new RoomTraffic({
      rooms,
      // A load balancer in front of both instances: a room's events land on either.
      url: (_room, n) => `${instances[n % 2]!.url}/api/webhook`,
      perRoom: PER_ROOM,
      intervalMs: (1000 * ROOMS) / RATE_PER_SECOND,
    });
    traffic.start();
    const sending = traffic.finished();
    const bounded = await Promise.race([
      sending.then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), SEND_DEADLINE_MS).unref()),
    ]);
    if (!bounded) await traffic.stop();
    const sendSeconds = (traffic.finishedAt - traffic.startedAt) / 1000;

    const delivery = await settleSubscribers(
      subscribers,
      (subscriber) => roomOfSubscriber.get(subscriber)!,
      traffic.accepted,
      60_000,
    );
    const operator = await operatorToken();
    const log = await replayLog(instances[0]!.url, operator, traffic.accepted, 120_000);
    const statuses = traffic.tally.statuses;
    const unexpected5xx = count5xx(statuses);
    const crashes = instances.filter(
      (instance) => instance.process.exitCode !== null || instance.process.signalCode !== null,
    ).length;
    const connections = subscribers.reduce((n, s) => n + s.connections, 0);
    recordFigures({
      scenario: "load: 500 webhooks/s, 200 subscribers",
      ...outcomeFigures(traffic, delivery, log),
      unexpected5xx,
      crashes,
      notes:
        `${ROOMS} rooms × ${PER_ROOM} events, 2 instances + Redis; sent at ` +
        `${Math.round(traffic.tally.sent / sendSeconds)}/s over ${sendSeconds.toFixed(1)} s; ` +
        `webhook answers ${formatStatuses(statuses)}; ${subscribers.length} subscribers made ` +
        `${connections} connections (streams end every 10 s); log replayed in ${log.connections} responses`,
      seconds: secondsSince(started),
    });

    expect(bounded).toBe(true);
    expect(traffic.tally.sent).toBe(ROOMS * PER_ROOM);
    expect(traffic.totalAccepted()).toBe(ROOMS * PER_ROOM);
    expect(unexpected5xx).toBe(0);
    expectNothingLost(traffic, delivery, log);
    expect(delivery.delivered).toBe(ROOMS * PER_ROOM * SUBSCRIBERS_PER_ROOM);
    expect(log.stored).toBe(ROOMS * PER_ROOM);
    expect(crashes).toBe(0);
    for (const instance of instances) {
      expect(credentialLeaks(instance.output(), [TEST_API_SECRET])).toEqual([]);
    }
  });
});
