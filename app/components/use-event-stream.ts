"use client";

import { createParser, type EventSourceMessage } from "eventsource-parser";
import { useEffect, useRef, useState } from "react";
import { mergeEntries, type LogEntry } from "./event-summary";

export type StreamStatus = "connecting" | "live" | "reconnecting" | "offline";

export interface EventStreamState {
  entries: LogEntry[];
  status: StreamStatus;
  /** Why the stream is offline, in the server's words when it gave any. */
  problem: string | null;
  /**
   * Where the server said earlier events were no longer kept (an SSE `gap` on resume): the id of
   * the first entry after each gap, or null for a gap with no entry after it yet.
   */
  gaps: (string | null)[];
}

/** How many rows the page keeps; the server's history sends at most 100 at first. */
export const MAX_ENTRIES = 1000;
const MAX_RETRY_MS = 30_000;
/** What the server asks for with `retry:` (lib/events/stream), until it says otherwise. */
const DEFAULT_RECONNECT_MS = 1000;

/**
 * A room's webhook events from `/api/events` (every room's for `room` null, with an operator's
 * credential): history first, then live.
 *
 * The credential travels in the `Authorization` header, never in the URL (proxies and platforms
 * log URLs): the stream is read with fetch and parsed with eventsource-parser, since the
 * browser's EventSource cannot send headers. `getCredential` is asked before every (re)open, so a
 * stream that ends at its credential's expiry (`event: end`) resumes with a fresh one, from the
 * last id seen (`Last-Event-ID`): nothing lost, nothing twice. A refused stream (401/403) stops
 * with the server's message; anything else is retried with backoff.
 */
export function useEventStream(
  room: string | null,
  getCredential: () => Promise<string>,
): EventStreamState {
  const [state, setState] = useState<EventStreamState>({
    entries: [],
    status: "connecting",
    problem: null,
    gaps: [],
  });
  // The latest function, without reopening the stream each time the caller re-renders.
  const credential = useRef(getCredential);
  useEffect(() => {
    credential.current = getCredential;
  }, [getCredential]);

  useEffect(() => {
    const abort = new AbortController();
    const update = (patch: Partial<EventStreamState>) =>
      setState((current) => ({ ...current, ...patch }));
    const wait = (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        abort.signal.addEventListener("abort", () => clearTimeout(timer), { once: true });
      });
    let lastId: string | null = null;
    let gapPending = false;
    let reconnectMs = DEFAULT_RECONNECT_MS;

    const onMessage = (message: EventSourceMessage) => {
      if (message.event === "gap") {
        gapPending = true;
        setState((current) => ({ ...current, gaps: [...current.gaps, null] }));
        return;
      }
      if (message.event !== undefined && message.event !== "message") return;
      let entry: LogEntry;
      try {
        entry = JSON.parse(message.data) as LogEntry;
      } catch {
        return;
      }
      if (message.id) lastId = message.id;
      const closesGap = gapPending;
      gapPending = false;
      setState((current) => {
        const entries = mergeEntries(current.entries, [entry], MAX_ENTRIES);
        const gaps = closesGap ? [...current.gaps.slice(0, -1), entry.id] : current.gaps;
        return entries === current.entries && !closesGap ? current : { ...current, entries, gaps };
      });
    };

    /** One response: resolves with how it ended ("end" = the server ended it and said why). */
    const readOnce = async (token: string): Promise<"end" | "dropped" | Response> => {
      const params = new URLSearchParams();
      if (room !== null) params.set("room", room);
      const headers: Record<string, string> = {
        Accept: "text/event-stream",
        Authorization: `Bearer ${token}`,
      };
      if (lastId) headers["Last-Event-ID"] = lastId;
      const response = await fetch(`/api/events?${params}`, {
        headers,
        cache: "no-store",
        signal: abort.signal,
      });
      if (!response.ok || !response.body) return response;
      update({ status: "live", problem: null });
      let ended = false;
      const parser = createParser({
        onEvent(message) {
          if (message.event === "end") {
            ended = true;
            // `scan-capped`: the server read its bound of the log (other rooms' events) and says
            // where to go on; resuming after it loses nothing of this room (docs/api.md).
            if (message.id) lastId = message.id;
          } else onMessage(message);
        },
        onRetry(ms) {
          reconnectMs = ms;
        },
      });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          parser.feed(value);
        }
      } catch (error) {
        if (abort.signal.aborted) throw error;
      }
      return ended ? "end" : "dropped";
    };

    const run = async () => {
      let failures = 0;
      while (!abort.signal.aborted) {
        let problem: string;
        let final = false;
        let retryAfterMs: number | null = null;
        try {
          const outcome = await readOnce(await credential.current());
          if (outcome === "end") {
            // The server ended the stream on purpose (credential expiry, time limit, a read's
            // bound): resume now.
            failures = 0;
            continue;
          }
          if (outcome === "dropped") {
            failures = 0;
            update({ status: "reconnecting" });
            await wait(reconnectMs);
            continue;
          }
          const body = (await outcome.json().catch(() => null)) as { errorMessage?: string } | null;
          problem = body?.errorMessage ?? `the server answered HTTP ${outcome.status}`;
          final = outcome.status === 401 || outcome.status === 403;
          const retryAfter = Number(outcome.headers.get("retry-after"));
          if (retryAfter > 0) retryAfterMs = retryAfter * 1000;
        } catch {
          if (abort.signal.aborted) return;
          problem = "this app server cannot be reached";
        }
        failures += 1;
        if (final) {
          update({ status: "offline", problem });
          return;
        }
        const delay = retryAfterMs ?? Math.min(MAX_RETRY_MS, 1000 * 2 ** (failures - 1));
        update({
          status: "offline",
          problem: `${problem}; retrying in ${Math.round(delay / 1000)} s`,
        });
        await wait(delay);
        update({ status: "reconnecting" });
      }
    };

    void run();
    return () => abort.abort();
  }, [room]);

  return state;
}
