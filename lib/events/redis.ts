import "server-only";
import { duplicateRedis, redisCommand, sharedRedis, type RedisConnection } from "../redis";
import { EventHub } from "./hub";
import { roomOfEvent } from "../shared/event-catalogue";
import { storeUnavailable } from "./unavailable";
import type {
  AppendResult,
  EventListener,
  EventStore,
  LogBounds,
  ReadOptions,
  ReadPage,
  StoreHealth,
} from "./types";
import type { StoredEvent, WebhookEventJson } from "../shared/event-model";

export interface RedisEventStoreOptions {
  url: string;
  /** Approximate length the stream is trimmed to (XADD MAXLEN ~). */
  maxLen: number;
  /** Key prefix; the `{…}` hash tag keeps the stream and its dedupe keys in one cluster slot. */
  prefix?: string;
}

/** A retried delivery reaches us within seconds (livekit-server gives up after 30 s). */
const DEDUPE_SECONDS = 60 * 60;
/**
 * How long one blocking read waits for an event: every expiry is a command, and managed Redis
 * bills commands (with subscribers and no webhooks, at most 2 a minute per instance;
 * the month's count is in docs/performance.md). The reader runs only while this instance has
 * subscribers.
 */
export const READ_BLOCK_MS = 40_000;
/**
 * Redis answers a blocking read within READ_BLOCK_MS. One unanswered well after that sits on a
 * connection that died silently (a paused Redis, a peer gone without a reset): without this
 * deadline every later event would miss this instance's subscribers.
 */
const READ_DEADLINE_MS = READ_BLOCK_MS + 5000;
const READ_PAGE = 500;
/**
 * Every read on behalf of a client (history with or without a resume id) pages through the
 * stream SCAN_PAGE entries at a time and stops once it has scanned SCAN_BYTES or spent SCAN_MS:
 * a quiet room's events may lie under megabytes of other rooms' events, and one request must
 * not make Redis send them all (issue 18: a resume once read the whole stream, 22 MB). A resume
 * that stops there says where (`ReadPage.next`), and the stream tells the client to go on.
 */
const SCAN_PAGE = 100;
export const SCAN_BYTES = 1024 * 1024;
export const SCAN_MS = 2000;

/**
 * Stores the event unless its LiveKit id was seen: one script, so two instances receiving the
 * same retried delivery at the same moment store it once. Returns the stream id, or nil.
 */
const APPEND_SCRIPT = `
if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[1]) == false then return false end
return redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'room', ARGV[3], 'event', ARGV[4])
`;

type StreamEntry = [id: string, fields: string[]];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The shared log for many instances: a Redis Stream. Each process holds two connections, the
 * shared one for commands and its own for a single blocking XREAD that fans out, in memory, to every
 * subscriber of this process: browsers never cost a Redis connection each.
 */
export class RedisEventStore implements EventStore {
  readonly kind = "redis" as const;
  private readonly hub = new EventHub();
  private readonly streamKey: string;
  private readonly dedupePrefix: string;
  /** Replaced when a blocking read gets stuck (see READ_DEADLINE_MS). */
  private reader: RedisConnection;
  /** The id after which the reader fetches next; null until the reader has found its start. */
  private readerPosition: string | null = null;
  private readerStarted: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly options: RedisEventStoreOptions) {
    const prefix = options.prefix ?? "livekit:{events}";
    this.streamKey = `${prefix}:stream`;
    this.dedupePrefix = `${prefix}:seen:`;
    this.reader = duplicateRedis(this.commands);
  }

  /** The shared command connection, asked for each time: a wedged one gets replaced. */
  private get commands(): RedisConnection {
    return sharedRedis(this.options.url);
  }

  async append(event: WebhookEventJson): Promise<AppendResult> {
    const id = await this.command([
      "EVAL",
      APPEND_SCRIPT,
      "2",
      this.streamKey,
      this.dedupePrefix + event.id,
      String(DEDUPE_SECONDS),
      String(this.options.maxLen),
      roomOfEvent(event) ?? "",
      JSON.stringify(event),
    ]);
    return typeof id === "string" ? { stored: true, id } : { stored: false, duplicate: true };
  }

  async bounds(): Promise<LogBounds> {
    const ends = (command: "XRANGE" | "XREVRANGE", from: string, to: string) =>
      this.command([command, this.streamKey, from, to, "COUNT", "1"]) as Promise<StreamEntry[]>;
    const [[first], [last]] = await Promise.all([
      ends("XRANGE", "-", "+"),
      ends("XREVRANGE", "+", "-"),
    ]);
    return { oldest: first?.[0] ?? null, newest: last?.[0] ?? null };
  }

  async readSince(afterId: string, { room, limit }: ReadOptions): Promise<ReadPage> {
    return this.scan("XRANGE", `(${afterId}`, "+", room, limit);
  }

  async readLatest({ room, limit }: ReadOptions): Promise<StoredEvent[]> {
    const { events } = await this.scan("XREVRANGE", "+", "-", room, limit);
    return events.reverse();
  }

  /**
   * Pages through the stream from `from` towards `to`, keeping `room`'s events, up to `limit`,
   * and stops after a page that brings the bytes scanned past SCAN_BYTES, or once SCAN_MS have
   * passed. `next` is the last id scanned when it stopped before `to`.
   */
  private async scan(
    command: "XRANGE" | "XREVRANGE",
    from: string,
    to: string,
    room: string | null,
    limit: number,
  ): Promise<ReadPage> {
    const events: StoredEvent[] = [];
    const deadline = Date.now() + SCAN_MS;
    let cursor = from;
    let last: string | null = null;
    let scanned = 0;
    for (;;) {
      if (events.length >= limit || scanned >= SCAN_BYTES || Date.now() >= deadline) {
        return { events, next: last ?? from.replace(/^\(/, "") };
      }
      const count = Math.min(SCAN_PAGE, room === null ? limit - events.length : SCAN_PAGE);
      const page = (await this.command([
        command,
        this.streamKey,
        cursor,
        to,
        "COUNT",
        String(count),
      ])) as StreamEntry[];
      for (const entry of page) {
        if (events.length >= limit) return { events, next: last };
        last = entry[0];
        scanned += entrySize(entry);
        const stored = parseEntry(entry, (entryRoom) => room === null || entryRoom === room);
        if (stored) events.push(stored);
      }
      if (page.length < count) return { events, next: null };
      cursor = `(${last}`;
    }
  }

  async subscribe(room: string | null, listener: EventListener): Promise<() => void> {
    // Counted before the reader is awaited: a reader that sees no subscriber stops.
    const unsubscribe = this.hub.add(room, listener);
    try {
      await this.startReader();
    } catch (error) {
      unsubscribe();
      throw error;
    }
    return unsubscribe;
  }

  async health(): Promise<StoreHealth> {
    const base = { kind: this.kind, subscribers: this.hub.size };
    try {
      const events = Number(await this.command(["XLEN", this.streamKey]));
      return { ...base, ok: true, events };
    } catch (error) {
      return { ...base, ok: false, events: 0, detail: (error as Error).message };
    }
  }

  /** Stops the reader (tests, graceful shutdown); the shared command connection stays. */
  async close(): Promise<void> {
    this.closed = true;
    // destroy, not close: close would wait for the pending XREAD BLOCK to time out.
    this.reader.destroy();
  }

  /**
   * Starts the process's one blocking reader unless it runs. It resolves once the reader knows
   * where the stream ends: from then on every appended event reaches the hub, so a subscriber
   * that registers now and then reads history misses nothing. The reader stops once the hub
   * has no subscriber (an idle instance sends Redis nothing); the next subscriber starts it
   * again from the stream's end, since no one here waits for what came between.
   */
  private startReader(): Promise<void> {
    this.readerStarted ??= (async () => {
      const [newest] = (await this.command([
        "XREVRANGE",
        this.streamKey,
        "+",
        "-",
        "COUNT",
        "1",
      ])) as StreamEntry[] | [];
      this.readerPosition = newest?.[0] ?? "0-0";
      void this.readWhileSubscribed();
    })().catch((error: unknown) => {
      this.readerStarted = null;
      throw error;
    });
    return this.readerStarted;
  }

  private async readWhileSubscribed(): Promise<void> {
    let backoff = 100;
    while (!this.closed) {
      // Checked and cleared in one step (no await between): a subscriber added from here on
      // finds no reader and starts one.
      if (this.hub.size === 0) {
        this.readerStarted = null;
        this.readerPosition = null;
        return;
      }
      try {
        const reply = (await withDeadline(
          this.reader.sendCommand([
            "XREAD",
            "COUNT",
            String(READ_PAGE),
            "BLOCK",
            String(READ_BLOCK_MS),
            "STREAMS",
            this.streamKey,
            this.readerPosition!,
          ]),
          READ_DEADLINE_MS,
        )) as [key: string, entries: StreamEntry[]][] | null;
        backoff = 100;
        for (const [, entries] of reply ?? []) {
          for (const entry of entries) {
            this.readerPosition = entry[0];
            // Parsed only if a subscriber of this instance wants its room: with many instances,
            // most events are for rooms watched elsewhere.
            const stored = parseEntry(entry, (room) => this.hub.wants(room));
            if (stored) this.hub.publish(stored);
          }
        }
      } catch (error) {
        // Redis went away: the client reconnects by itself; resume from the last position.
        if (this.closed) {
          this.readerStarted = null;
          return;
        }
        if (error instanceof ReadStuckError) {
          this.reader.destroy();
          this.reader = duplicateRedis(this.commands);
        }
        await this.readerReadyOr(backoff);
        backoff = Math.min(backoff * 2, 2000);
      }
    }
  }

  /**
   * Waits `ms`, or less if the reader reconnects first: events stored the moment Redis is back
   * reach this instance's subscribers without waiting out the backoff.
   */
  private async readerReadyOr(ms: number): Promise<void> {
    const reader = this.reader;
    let onReady = () => {};
    await Promise.race([
      sleep(ms),
      new Promise<void>((resolve) => {
        onReady = resolve;
        reader.once("ready", onReady);
      }),
    ]);
    reader.off("ready", onReady);
  }

  /** One command on the command connection, as a 503 (`storeUnavailable`) when Redis is not there. */
  private async command(args: string[]): Promise<unknown> {
    try {
      return await redisCommand(this.commands, args);
    } catch (error) {
      throw storeUnavailable(`Redis: ${(error as Error).message}`);
    }
  }
}

class ReadStuckError extends Error {}

/** The read's answer, or a ReadStuckError once `ms` have passed without one. */
async function withDeadline<T>(read: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      read,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ReadStuckError("blocking read unanswered")), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The bytes an entry costs Redis to send, near enough (its id and field strings). */
function entrySize([id, fields]: StreamEntry): number {
  let size = id.length;
  for (const field of fields) size += field.length;
  return size;
}

/** The entry as a StoredEvent, if `keep` wants its room (checked before the JSON is parsed). */
function parseEntry(
  [id, fields]: StreamEntry,
  keep: (room: string | null) => boolean,
): StoredEvent | null {
  let entryRoom = "";
  let eventText: string | undefined;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === "room") entryRoom = fields[i + 1]!;
    else if (fields[i] === "event") eventText = fields[i + 1];
  }
  const room = entryRoom || null;
  if (!keep(room) || eventText === undefined) return null;
  return {
    id,
    receivedAt: Number(id.slice(0, id.indexOf("-"))),
    room,
    event: JSON.parse(eventText) as WebhookEventJson,
  };
}
