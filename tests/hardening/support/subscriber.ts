/**
 * An SSE subscriber that behaves as a robust browser client must: it resumes with
 * `Last-Event-ID` whenever a stream ends (the server's own cut, a killed instance, a dropped
 * slow client) and retries while the server answers 503 or cannot be reached. It records
 * every delivery so a test can count lost, duplicated and out-of-order events.
 */
import { compareEventIds } from "@/lib/shared/event-ids";
import { connectSse, parseEventMessage, type SseClient } from "../../support/sse";

export interface Delivery {
  /** The store's id (SSE `id:`). */
  storeId: string;
  /** LiveKit's event id (`EV_…`). */
  eventId: string;
  room: string | null;
}

export interface SubscriberOptions {
  /** One room, or every room (the token then needs the roomList grant). */
  room: string | null;
  token: string;
  /** Where to resume from at the first connection; "0-0" is the start of the log. */
  from?: string;
  /** Give up reconnecting after this long without a successful connection. */
  reconnectDeadlineMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class ResumingSubscriber {
  readonly deliveries: Delivery[] = [];
  /** Successful connections (200), the first one included. */
  connections = 0;
  /** Answers other than 200 (503 while the store is down) and refused connections. */
  refusals = 0;
  /** A 4xx other than what an outage causes: a bug, the subscriber stops. */
  fatal: string | null = null;
  /** Store ids that were not strictly after the previous one. */
  idRegressions = 0;
  private lastId: string | null;
  private current: SseClient | null = null;
  private stopped = false;
  private running: Promise<void> | null = null;

  constructor(
    private readonly baseUrl: () => string,
    private readonly options: SubscriberOptions,
  ) {
    this.lastId = options.from ?? "0-0";
  }

  /** Resolves once the first stream is open: from then on no event of the room is missed. */
  async start(): Promise<void> {
    const first = await this.connect();
    if (first.status !== 200) {
      throw new Error(`first connection answered ${first.status}: ${first.body()}`);
    }
    this.running = this.loop(first);
  }

  /** Event ids received, in order. */
  eventIds(): string[] {
    return this.deliveries.map((delivery) => delivery.eventId);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.current?.close();
    await this.running;
  }

  private connect(): Promise<SseClient> {
    return connectSse(this.baseUrl(), {
      room: this.options.room ?? undefined,
      token: this.options.token,
      bearer: true,
      lastEventId: this.lastId ?? undefined,
    });
  }

  private async loop(first: SseClient): Promise<void> {
    let client: SseClient | null = first;
    let backoff = 50;
    let lastSuccess = Date.now();
    const deadline = this.options.reconnectDeadlineMs ?? 60_000;
    while (!this.stopped) {
      if (client && client.status === 200) {
        this.connections += 1;
        lastSuccess = Date.now();
        backoff = 50;
        await this.consume(client);
      } else if (client) {
        this.refusals += 1;
        if (client.status !== 503) {
          this.fatal = `answered ${client.status}: ${client.body()}`;
          return;
        }
      }
      if (this.stopped) return;
      if (Date.now() - lastSuccess > deadline) {
        this.fatal = `no connection for ${deadline} ms`;
        return;
      }
      if (!client || client.status !== 200) {
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 1000);
      }
      try {
        client = await this.connect();
      } catch {
        this.refusals += 1;
        client = null;
      }
    }
  }

  /** Records the stream's messages until it ends (or the subscriber is stopped). */
  private async consume(client: SseClient): Promise<void> {
    this.current = client;
    let seen = 0;
    const drain = () => {
      for (; seen < client.messages.length; seen++) {
        const message = client.messages[seen]!;
        const parsed = parseEventMessage(message);
        if (this.lastId !== null && compareEventIds(message.id, this.lastId) <= 0) {
          this.idRegressions += 1;
        }
        this.lastId = message.id;
        this.deliveries.push({ storeId: message.id, eventId: parsed.event.id, room: parsed.room });
      }
    };
    // Drained as frames arrive (tests wait on the count) and once more when the stream ends.
    const draining = setInterval(drain, 50);
    try {
      await client.ended;
    } finally {
      clearInterval(draining);
    }
    drain();
    if (this.current === client) this.current = null;
  }
}
