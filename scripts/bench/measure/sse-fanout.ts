/**
 * Webhook → browser: lightweight SSE clients (raw TCP sockets speaking HTTP/1.1, as many as a
 * room has viewers) on one or more instances, webhooks posted at a fixed rate, and the time from
 * each POST to its arrival at every subscriber.
 *
 * A thousand clients share this one process, so receiving must cost next to nothing or the
 * clients' own work would show up as server latency: a socket's `data` handler only takes a
 * timestamp and keeps the bytes (no HTTP parser, no stream); the chunked encoding and the SSE
 * frames are decoded after the run.
 */
import http from "node:http";
import net from "node:net";
import { performance } from "node:perf_hooks";
import { StringDecoder } from "node:string_decoder";
import { assertLoopback } from "./http-load";
import { probeMemory, type MemoryUsage, type ProbedProcess } from "../../../tests/support/probes";
import { cpuMilliseconds } from "../processes";
import { round, summarize } from "./stats";
import type { SignedWebhook } from "./webhooks";

interface Chunk {
  at: number;
  data: Buffer;
}

export interface Subscriber {
  socket: net.Socket;
  /** Every TCP read since the connection opened, response headers included. */
  chunks: Chunk[];
}

/**
 * A run counts once no stream has received anything for this long after the last POST was
 * answered: far above any delivery time, so a late frame is measured rather than called lost.
 */
const QUIET_MS = 1000;

/** When any subscriber last received anything: a run waits for quiet before it counts. */
const activity = { last: 0 };

const webhookAgent = new http.Agent({ keepAlive: true, maxSockets: 8 });

/**
 * Opens one event stream as a browser's EventSource would (same headers, gzip offered);
 * resolves once its first frame (`retry:`) arrived, i.e. once the server has subscribed it.
 */
function openSubscriber(
  baseUrl: string,
  room: string,
  token: string,
  streamPath: string,
): Promise<Subscriber> {
  const url = new URL(`${baseUrl}${streamPath}?room=${encodeURIComponent(room)}&limit=0`);
  assertLoopback(url.href);
  return new Promise((resolve, reject) => {
    const chunks: Chunk[] = [];
    let opened = false;
    const socket = net.createConnection({ host: url.hostname, port: Number(url.port) });
    socket.setNoDelay(true);
    const fail = (error: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new Error(`${url.pathname} did not open within 30 s`)),
      30_000,
    );
    socket.on("connect", () => {
      socket.write(
        `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n` +
          `Authorization: Bearer ${token}\r\nAccept: text/event-stream\r\n` +
          `Accept-Encoding: gzip, deflate, br\r\nCache-Control: no-cache\r\n\r\n`,
      );
    });
    socket.on("data", (data: Buffer) => {
      const at = performance.now();
      activity.last = at;
      chunks.push({ at, data });
      if (opened) return;
      const head = Buffer.concat(chunks.map((chunk) => chunk.data));
      const headerEnd = head.indexOf("\r\n\r\n");
      if (headerEnd < 0) return;
      const headers = head.toString("latin1", 0, headerEnd);
      if (!headers.startsWith("HTTP/1.1 200")) {
        return fail(new Error(`event stream answered ${headers.split("\r\n")[0]}`));
      }
      if (/^content-encoding:/im.test(headers) || !/^transfer-encoding: chunked/im.test(headers)) {
        return fail(new Error(`event stream is not plain chunked text:\n${headers}`));
      }
      if (head.indexOf("retry:", headerEnd) < 0) return;
      opened = true;
      clearTimeout(timer);
      resolve({ socket, chunks });
    });
    socket.on("error", (error) => {
      if (!opened) fail(error);
    });
  });
}

/**
 * Opens `count` streams spread round-robin over `baseUrls`, 50 at a time. `streamPath` is
 * /api/events but for the framework-floor app's variants.
 */
export async function openSubscribers(
  baseUrls: string[],
  count: number,
  room: string,
  token: string,
  streamPath = "/api/events",
): Promise<Subscriber[]> {
  const concurrency = 50;
  const subscribers: Subscriber[] = [];
  for (let start = 0; start < count; start += concurrency) {
    const batch: Promise<Subscriber>[] = [];
    for (let i = start; i < Math.min(count, start + concurrency); i++) {
      batch.push(openSubscriber(baseUrls[i % baseUrls.length]!, room, token, streamPath));
    }
    subscribers.push(...(await Promise.all(batch)));
  }
  return subscribers;
}

export async function closeSubscribers(subscribers: Subscriber[]): Promise<void> {
  for (const subscriber of subscribers) subscriber.socket.destroy();
  // Lets the servers see the disconnects and drop the subscriptions before the next step.
  await new Promise((resolve) => setTimeout(resolve, 500));
}

interface Frame {
  text: string;
  /** When the TCP read that completed the frame arrived. */
  at: number;
}

/**
 * The SSE frames of a recorded response, each with its arrival time: strips the headers,
 * decodes the chunked transfer encoding, splits frames at blank lines.
 */
export function decodeFrames(chunks: Chunk[]): Frame[] {
  const raw = Buffer.concat(chunks.map((chunk) => chunk.data));
  const ends: number[] = [];
  let offset = 0;
  for (const chunk of chunks) ends.push((offset += chunk.data.byteLength));
  const arrival = (rawOffset: number) => {
    let low = 0;
    let high = ends.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (ends[middle]! > rawOffset) high = middle;
      else low = middle + 1;
    }
    return chunks[low]!.at;
  };

  const frames: Frame[] = [];
  const decoder = new StringDecoder("utf8");
  let pending = "";
  let position = raw.indexOf("\r\n\r\n") + 4;
  while (position > 3 && position < raw.length) {
    const lineEnd = raw.indexOf("\r\n", position);
    if (lineEnd < 0) break;
    const size = parseInt(raw.toString("latin1", position, lineEnd), 16);
    const start = lineEnd + 2;
    if (!(size > 0) || start + size > raw.length) break;
    const before = pending.length;
    pending += decoder.write(raw.subarray(start, start + size));
    let end: number;
    while ((end = pending.indexOf("\n\n")) >= 0) {
      // Where the frame's last byte sits in the raw bytes (ASCII framing: 1 char = 1 byte).
      const lastByte = start + Math.max(0, end + 1 - before);
      frames.push({
        text: pending.slice(0, end),
        at: arrival(Math.min(lastByte, start + size - 1)),
      });
      pending = pending.slice(end + 2);
    }
    position = start + size + 2;
  }
  return frames;
}

interface Sent {
  at: number;
  ok: boolean;
}

function postWebhook(url: string, webhook: SignedWebhook, sent: Map<string, Sent>): Promise<void> {
  return new Promise((resolve) => {
    const request = http.request(url, {
      method: "POST",
      agent: webhookAgent,
      headers: {
        Authorization: webhook.authorization,
        "Content-Type": "application/webhook+json",
        "User-Agent": "Go-http-client/1.1",
        "Content-Length": Buffer.byteLength(webhook.body),
      },
    });
    const record: Sent = { at: performance.now(), ok: false };
    sent.set(webhook.eventId, record);
    request.on("response", (response) => {
      record.ok = response.statusCode === 200;
      response.resume();
      response.on("end", () => resolve());
    });
    request.on("error", () => resolve());
    request.end(webhook.body);
  });
}

export interface FanoutOptions {
  /** Where webhooks go, alternately (one URL per instance). */
  webhookUrls: string[];
  subscribers: Subscriber[];
  webhooks: number;
  perSecond: number;
  nextWebhook: () => SignedWebhook;
  /** The server processes, whose CPU time per delivery is measured. */
  pids?: number[];
}

export interface FanoutResult {
  subscribers: number;
  webhooks: number;
  perSecond: number;
  /** Deliveries expected: accepted webhooks × subscribers. */
  expected: number;
  received: number;
  lost: number;
  duplicates: number;
  /** Webhooks not answered 200. */
  refused: number;
  p50: number;
  p99: number;
  max: number;
  /** Server CPU (all instances, webhook POSTs included) per frame delivered, in µs. */
  cpuMicrosPerDelivery: number | null;
  /** The servers' CPU over the run, in ms (null without pids): what the per-delivery figures divide. */
  cpuMillis: number | null;
  /** Webhooks answered 200. */
  accepted: number;
}

/**
 * Posts `webhooks` at a fixed rate (open loop: a slow answer does not delay the next POST),
 * waits until every stream has been quiet for QUIET_MS, then matches every frame to its POST.
 */
export async function measureFanout(options: FanoutOptions): Promise<FanoutResult> {
  for (const url of options.webhookUrls) assertLoopback(url);
  const sent = new Map<string, Sent>();
  const interval = 1000 / options.perSecond;
  const pids = options.pids ?? [];
  const cpu = () => pids.reduce((sum, pid) => sum + cpuMilliseconds(pid), 0);
  const cpuBefore = cpu();
  const posts: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < options.webhooks; i++) {
    const wait = start + i * interval - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const url = options.webhookUrls[i % options.webhookUrls.length]!;
    posts.push(postWebhook(url, options.nextWebhook(), sent));
  }
  await Promise.all(posts);
  const deadline = performance.now() + 20_000;
  while (performance.now() - activity.last < QUIET_MS && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  const cpuUsed = cpu() - cpuBefore;
  const accepted = [...sent.values()].filter((record) => record.ok).length;
  const latencies: number[] = [];
  let duplicates = 0;
  let received = 0;
  options.subscribers.forEach((subscriber) => {
    const seen = new Set<string>();
    for (const frame of decodeFrames(subscriber.chunks)) {
      const marker = frame.text.indexOf('"id":"EV_');
      if (marker < 0) continue;
      const eventId = frame.text.slice(marker + 6, frame.text.indexOf('"', marker + 6));
      const record = sent.get(eventId);
      if (!record) continue;
      if (seen.has(eventId)) {
        duplicates += 1;
        continue;
      }
      seen.add(eventId);
      received += 1;
      latencies.push(frame.at - record.at);
    }
  });
  const expected = accepted * options.subscribers.length;
  const latency = summarize(latencies);
  return {
    subscribers: options.subscribers.length,
    webhooks: options.webhooks,
    perSecond: options.perSecond,
    expected,
    received,
    lost: expected - received,
    duplicates,
    refused: options.webhooks - accepted,
    p50: round(latency.p50),
    p99: round(latency.p99),
    max: round(latency.max),
    cpuMicrosPerDelivery: pids.length && received ? round((cpuUsed * 1000) / received, 1) : null,
    cpuMillis: pids.length ? cpuUsed : null,
    accepted,
  };
}

export interface IdleMemory {
  connections: number;
  /** Server memory after a full GC, before the connections opened and with them open. */
  before: MemoryUsage;
  after: MemoryUsage;
  /** Resident memory growth / connections. */
  bytesPerConnection: number;
  heapBytesPerConnection: number;
}

export interface FanoutSeriesOptions {
  /** The instances; subscribers and webhooks are spread over them round-robin. */
  servers: (ProbedProcess & { url: string })[];
  label: string;
  token: string;
  room: string;
  subscriberCounts: number[];
  webhooks: number;
  perSecond: number;
  nextWebhook: () => SignedWebhook;
  /** Measure idle memory per connection on the first server at this many subscribers. */
  idleAt?: number;
  streamPath?: string;
  webhookPath?: string;
  log: (line: string) => void;
}

/**
 * Warms the servers up (route modules loaded, JIT warm), then runs one fan-out per subscriber
 * count, largest first: on a process that has not yet held other connections, the largest set
 * of idle connections shows best what one costs.
 */
export async function runFanoutSeries(
  options: FanoutSeriesOptions,
): Promise<{ results: FanoutResult[]; idle: IdleMemory | null }> {
  const { servers, log } = options;
  const urls = servers.map((server) => server.url);
  const streamPath = options.streamPath ?? "/api/events";
  const webhookUrls = urls.map((url) => `${url}${options.webhookPath ?? "/api/webhook"}`);
  const open = (count: number) =>
    openSubscribers(urls, count, options.room, options.token, streamPath);

  const warm = await open(20);
  await measureFanout({
    webhookUrls,
    subscribers: warm,
    webhooks: 20,
    perSecond: 50,
    nextWebhook: options.nextWebhook,
  });
  await closeSubscribers(warm);

  let idle: IdleMemory | null = null;
  const results: FanoutResult[] = [];
  for (const count of [...options.subscriberCounts].sort((a, b) => b - a)) {
    const before = count === options.idleAt ? await probeMemory(servers[0]!) : null;
    const subscribers = await open(count);
    if (before) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const after = await probeMemory(servers[0]!);
      idle = {
        connections: count,
        before,
        after,
        bytesPerConnection: Math.round((after.rss - before.rss) / count),
        heapBytesPerConnection: Math.round((after.heapUsed - before.heapUsed) / count),
      };
      log(
        `  ${options.label}, ${count} idle SSE connections: ` +
          `${round(idle.bytesPerConnection / 1024, 1)} KB each (JS heap ${round(idle.heapBytesPerConnection / 1024, 1)} KB)`,
      );
    }
    const result = await measureFanout({
      webhookUrls,
      pids: servers.map((server) => server.process.pid!),
      subscribers,
      webhooks: options.webhooks,
      perSecond: options.perSecond,
      nextWebhook: options.nextWebhook,
    });
    await closeSubscribers(subscribers);
    log(
      `  ${options.label}, ${count} subscribers: p50 ${result.p50} ms, p99 ${result.p99} ms, ` +
        `max ${result.max} ms, lost ${result.lost}, server CPU ${result.cpuMicrosPerDelivery} µs per delivery`,
    );
    results.push(result);
  }
  return { results: results.sort((a, b) => a.subscribers - b.subscribers), idle };
}
