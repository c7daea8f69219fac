/**
 * A minimal server-sent events client for tests and benchmarks: reads /api/events over a real
 * HTTP connection, parses `id:`/`data:` frames as EventSource does, and records each message.
 */
import http from "node:http";

export interface SseMessage {
  id: string;
  data: string;
  /** performance.now() when the frame was parsed. */
  receivedAt: number;
}

export interface SseConnectOptions {
  token?: string;
  /** Sent as the `Authorization: Bearer` header instead of the query parameter. */
  bearer?: boolean;
  room?: string;
  lastEventId?: string;
  limit?: number;
  /** Extra query parameters. */
  query?: Record<string, string>;
  /** Extra request headers. */
  headers?: Record<string, string>;
}

export interface SseClient {
  status: number;
  headers: http.IncomingHttpHeaders;
  messages: SseMessage[];
  /** Named events (`event: gap`, `event: end`), apart from the messages. */
  named: { event: string; data: string; receivedAt: number }[];
  /** Comment lines (heartbeats) and `retry:` values seen. */
  comments: string[];
  retry: number | null;
  /** Resolves when the server ends the response. */
  ended: Promise<void>;
  isEnded(): boolean;
  /** The body as text, for non-200 answers. */
  body(): string;
  /** Waits until `predicate` holds over the messages, or rejects after `timeoutMs`. */
  waitFor(predicate: (messages: SseMessage[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): void;
  /** Stops reading: the server's writes back up, as with a client that cannot keep up. */
  pause(): void;
  resume(): void;
}

/** Opens `GET {baseUrl}/api/events` and resolves once the response headers arrived. */
export function connectSse(baseUrl: string, options: SseConnectOptions = {}): Promise<SseClient> {
  const url = new URL("/api/events", baseUrl);
  if (options.room !== undefined) url.searchParams.set("room", options.room);
  if (options.token && !options.bearer) url.searchParams.set("token", options.token);
  if (options.limit !== undefined) url.searchParams.set("limit", String(options.limit));
  for (const [name, value] of Object.entries(options.query ?? {})) {
    url.searchParams.set(name, value);
  }
  const headers: Record<string, string> = { Accept: "text/event-stream", ...options.headers };
  if (options.token && options.bearer) headers.Authorization = `Bearer ${options.token}`;
  if (options.lastEventId) headers["Last-Event-ID"] = options.lastEventId;

  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers, agent: false }, (response) => {
      const messages: SseMessage[] = [];
      const named: SseClient["named"] = [];
      const comments: string[] = [];
      const waiters = new Set<() => void>();
      let raw = "";
      let buffer = "";
      let ended = false;
      let endedResolve: () => void = () => {};
      const endedPromise = new Promise<void>((resolveEnd) => (endedResolve = resolveEnd));
      const client: SseClient = {
        status: response.statusCode ?? 0,
        headers: response.headers,
        messages,
        named,
        comments,
        retry: null,
        ended: endedPromise,
        isEnded: () => ended,
        body: () => raw,
        waitFor(predicate, timeoutMs = 5000) {
          if (predicate(messages)) return Promise.resolve();
          return new Promise<void>((resolveWait, rejectWait) => {
            const check = () => {
              if (predicate(messages)) {
                clearTimeout(timer);
                waiters.delete(check);
                resolveWait();
              }
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              rejectWait(
                new Error(`timed out after ${timeoutMs} ms with ${messages.length} messages`),
              );
            }, timeoutMs);
            waiters.add(check);
          });
        },
        close() {
          response.destroy();
          request.destroy();
        },
        pause: () => response.pause(),
        resume: () => response.resume(),
      };
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        if (client.status !== 200) {
          raw += chunk;
          return;
        }
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let id = "";
          let event = "";
          const data: string[] = [];
          for (const line of frame.split("\n")) {
            if (line.startsWith(":")) comments.push(line.slice(1).trim());
            else if (line.startsWith("id: ")) id = line.slice(4);
            else if (line.startsWith("event: ")) event = line.slice(7);
            else if (line.startsWith("data: ")) data.push(line.slice(6));
            else if (line.startsWith("retry: ")) client.retry = Number(line.slice(7));
          }
          if (event && data.length > 0) {
            named.push({ event, data: data.join("\n"), receivedAt: performance.now() });
          } else if (data.length > 0) {
            messages.push({ id, data: data.join("\n"), receivedAt: performance.now() });
          }
        }
        for (const waiter of [...waiters]) waiter();
      });
      const finish = () => {
        ended = true;
        endedResolve();
      };
      response.on("end", finish);
      response.on("close", finish);
      response.on("error", finish);
      resolve(client);
    });
    request.on("error", reject);
  });
}

/** The parsed `data` of a message: the store id, receive time, room and LiveKit's event. */
export function parseEventMessage(message: SseMessage): {
  id: string;
  receivedAt: number;
  room: string | null;
  event: { event: string; id: string; [field: string]: unknown };
} {
  return JSON.parse(message.data);
}
