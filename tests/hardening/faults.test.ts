/**
 * Faults while webhooks and event streams are running, against production builds and a real
 * redis-server: Redis killed and restarted, an app instance killed and restarted under its
 * subscribers, and the stream's own cut before the platform's function limit. In each, every
 * event that got a 2xx must be in the log and reach each subscriber exactly once, in order.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "@/lib/config";
import { operatorToken, roomToken, TEST_API_SECRET, trackProcesses } from "../support/fixtures";
import { DIST_DIR, ROOT, type RunningServer } from "../support/server";
import { waitUntil } from "../support/wait";
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

/** Everything a scenario starts, killed after it whatever happens. */
const running = trackProcesses({
  serverDefaults: {
    TOKEN_RATE_LIMIT_PER_MINUTE: "0",
    // Every subscriber connects from one loopback address with one token.
    SSE_MAX_STREAMS_PER_CLIENT: "0",
    SSE_MAX_STREAMS_PER_CREDENTIAL: "0",
  },
  stopSignal: "SIGKILL",
});
const server = running.server;

const isRunning = (s: RunningServer) =>
  s.process.exitCode === null && s.process.signalCode === null;

/** Subscribers for each room, spread over the given instances (by a getter: ports outlive PIDs). */
async function subscribe(
  rooms: string[],
  perRoom: number,
  instanceUrl: (i: number) => string,
): Promise<{ subscribers: ResumingSubscriber[]; roomOf: (s: ResumingSubscriber) => string }> {
  const rooms_ = new Map<ResumingSubscriber, string>();
  const subscribers: ResumingSubscriber[] = [];
  for (const room of rooms) {
    const token = await roomToken(room);
    for (let i = 0; i < perRoom; i++) {
      const subscriber = new ResumingSubscriber(() => instanceUrl(i), { room, token });
      rooms_.set(subscriber, room);
      subscribers.push(subscriber);
    }
  }
  await Promise.all(subscribers.map((subscriber) => subscriber.start()));
  return { subscribers, roomOf: (subscriber) => rooms_.get(subscriber)! };
}

describe("faults under running webhooks and streams", () => {
  it("Redis killed mid-traffic: 503 while down, then every 2xx event logged and delivered once", async () => {
    const started = performance.now();
    const redis = await running.redis({ persistent: true });
    // On the first instance streams are short, so its subscribers also reconnect (and are
    // refused) while Redis is down; on the second they stay open throughout, so only its live
    // fan-out (the blocking reader, back after the outage) can bring them the later events.
    const instances = [
      await server({ REDIS_URL: redis.url, SSE_MAX_SECONDS: "2" }),
      await server({ REDIS_URL: redis.url }),
    ];
    const rooms = ["redis-a", "redis-b", "redis-c", "redis-d"];
    const { subscribers, roomOf } = await subscribe(rooms, 2, (i) => instances[i % 2]!.url);

    const traffic = new RoomTraffic({
      rooms,
      url: (_room, n) => `${instances[n % 2]!.url}/api/webhook`,
      gapMs: 20,
    });
    traffic.start();
    await waitUntil(() => traffic.minAccepted() >= 20, "traffic flowing before the fault", 30_000);

    // Several outages: Redis dying at a different moment of the blocking read each time.
    const outages = 5;
    let healthWhileDown = 0;
    for (let outage = 1; outage <= outages; outage++) {
      await redis.stop();
      const downAt503 = traffic.tally.statuses.get(503) ?? 0;
      // Down until each room's sender has been refused a few times (a count, not a duration).
      await waitUntil(
        () => (traffic.tally.statuses.get(503) ?? 0) - downAt503 >= 3 * rooms.length,
        "webhooks refused with 503 while Redis is down",
        30_000,
      );
      healthWhileDown = (await fetch(`${instances[0]!.url}/api/health`)).status;
      const target = traffic.minAccepted() + 10;
      await redis.restart();
      await waitUntil(
        () => traffic.minAccepted() >= target,
        "traffic flowing after Redis is back",
        60_000,
      );
    }
    await traffic.stop();

    const delivery = await settleSubscribers(subscribers, roomOf, traffic.accepted);
    const log = await replayLog(instances[1]!.url, await operatorToken(), traffic.accepted);
    const statuses = traffic.tally.statuses;
    const unexpected5xx = count5xx(statuses, [503]);
    const crashes = instances.filter((instance) => !isRunning(instance)).length;
    recordFigures({
      scenario: "fault: Redis killed and restarted",
      faults: outages,
      ...outcomeFigures(traffic, delivery, log),
      unexpected5xx,
      crashes,
      notes:
        `kill -9 ×${outages}, 2 instances, ${subscribers.length} subscribers (half on streams that stay open); webhook answers ${formatStatuses(statuses)}; ` +
        `${traffic.tally.duplicateAnswers} retries answered as duplicates; ` +
        `subscribers refused ${subscribers.reduce((n, s) => n + s.refusals, 0)}× while down, ` +
        `${subscribers.reduce((n, s) => n + s.connections, 0)} connections; health while down ${healthWhileDown}`,
      seconds: secondsSince(started),
    });

    expect(statuses.get(503)).toBeGreaterThan(0);
    expect(healthWhileDown).toBe(503);
    expect(unexpected5xx).toBe(0);
    expectNothingLost(traffic, delivery, log);
    expect(log.stored).toBe(traffic.totalAccepted());
    expect(crashes).toBe(0);
    for (const instance of instances) {
      expect(credentialLeaks(instance.output(), [TEST_API_SECRET])).toEqual([]);
    }
  });

  it("an instance killed and restarted under its subscribers: they resume by Last-Event-ID, no gap", async () => {
    const started = performance.now();
    const redis = await running.redis({ persistent: true });
    const env = { REDIS_URL: redis.url };
    let instance = await server(env);
    const port = instance.port;
    const url = `http://127.0.0.1:${port}`;
    const rooms = ["restart-a", "restart-b", "restart-c"];
    const { subscribers, roomOf } = await subscribe(rooms, 2, () => url);
    const traffic = new RoomTraffic({ rooms, url: () => `${url}/api/webhook`, gapMs: 20 });
    traffic.start();

    const kills = 2;
    let connectionsBefore = 0;
    for (let kill = 1; kill <= kills; kill++) {
      const target = traffic.minAccepted() + 15;
      await waitUntil(() => traffic.minAccepted() >= target, "traffic flowing", 30_000);
      connectionsBefore = subscribers.reduce((n, s) => n + s.connections, 0);
      await instance.stop("SIGKILL");
      const errorsBefore = traffic.tally.networkErrors;
      // Webhooks fail to connect while it is down: the sender retries, as livekit-server does.
      await waitUntil(() => traffic.tally.networkErrors > errorsBefore, "webhooks refused", 30_000);
      instance = await server(env, port);
      // Every subscriber reconnects to the new process.
      await waitUntil(
        () =>
          subscribers.reduce((n, s) => n + s.connections, 0) >=
          connectionsBefore + subscribers.length,
        "subscribers reconnected",
        30_000,
      );
    }
    const target = traffic.minAccepted() + 15;
    await waitUntil(() => traffic.minAccepted() >= target, "traffic flowing after restart", 30_000);
    await traffic.stop();

    const delivery = await settleSubscribers(subscribers, roomOf, traffic.accepted);
    const log = await replayLog(url, await operatorToken(), traffic.accepted);
    const statuses = traffic.tally.statuses;
    const unexpected5xx = count5xx(statuses);
    recordFigures({
      scenario: "fault: app instance killed and restarted",
      faults: kills,
      ...outcomeFigures(traffic, delivery, log),
      unexpected5xx,
      crashes: isRunning(instance) ? 0 : 1,
      notes:
        `kill -9 ×${kills}; webhook answers ${formatStatuses(statuses)}, ${traffic.tally.networkErrors} refused connections retried, ` +
        `${traffic.tally.duplicateAnswers} retries answered as duplicates; ` +
        `${subscribers.reduce((n, s) => n + s.connections, 0)} subscriber connections for ${subscribers.length} subscribers`,
      seconds: secondsSince(started),
    });

    expect(unexpected5xx).toBe(0);
    expectNothingLost(traffic, delivery, log);
    expect(isRunning(instance)).toBe(true);
    expect(credentialLeaks(instance.output(), [TEST_API_SECRET])).toEqual([]);
  });

  it("the stream ends itself before the function limit and the client resumes without a gap", async () => {
    const started = performance.now();
    // The build declares the route's platform limit (what Vercel reads), and the default cut
    // comes before it.
    const functions = JSON.parse(
      readFileSync(path.join(ROOT, DIST_DIR, "server/functions-config-manifest.json"), "utf8"),
    ) as { functions: Record<string, { maxDuration?: number }> };
    const maxDuration = functions.functions["/api/events"]?.maxDuration;
    expect(maxDuration).toBe(300);
    expect(loadConfig({}).sseMaxSeconds).toBeLessThan(maxDuration!);

    const instance = await server({ SSE_MAX_SECONDS: "1" });
    const rooms = ["cut-a", "cut-b"];
    const { subscribers, roomOf } = await subscribe(rooms, 3, () => instance.url);
    const traffic = new RoomTraffic({ rooms, url: () => `${instance.url}/api/webhook`, gapMs: 15 });
    traffic.start();
    // Several cuts per subscriber while events keep coming.
    const cuts = 5;
    await waitUntil(
      () => subscribers.every((subscriber) => subscriber.connections > cuts),
      `every subscriber cut ${cuts} times`,
      60_000,
    );
    await traffic.stop();

    const delivery = await settleSubscribers(subscribers, roomOf, traffic.accepted);
    const log = await replayLog(instance.url, await operatorToken(), traffic.accepted);
    const connections = subscribers.reduce((n, s) => n + s.connections, 0);
    const unexpected5xx = count5xx(traffic.tally.statuses);
    recordFigures({
      scenario: "fault: stream cut by SSE_MAX_SECONDS",
      faults: connections - subscribers.length,
      ...outcomeFigures(traffic, delivery, log),
      unexpected5xx,
      crashes: isRunning(instance) ? 0 : 1,
      notes: `memory store, SSE_MAX_SECONDS=1: ${connections - subscribers.length} cuts over ${subscribers.length} subscribers, each resumed by Last-Event-ID`,
      seconds: secondsSince(started),
    });

    expect(unexpected5xx).toBe(0);
    expectNothingLost(traffic, delivery, log);
    expect(isRunning(instance)).toBe(true);
  });
});
