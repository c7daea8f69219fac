"use client";

import { useEffect, useRef, useState } from "react";
import { mergeEntries, type LogEntry } from "./event-summary";

export type StreamStatus = "connecting" | "live" | "reconnecting" | "offline";

export interface EventStreamState {
  entries: LogEntry[];
  status: StreamStatus;
  /** Why the stream is offline, in the server's words when it gave any. */
  problem: string | null;
}

/** How many rows the page keeps; the server's history sends at most 100 at first. */
export const MAX_ENTRIES = 1000;
const MAX_RETRY_MS = 30_000;

/**
 * One room's webhook events from `/api/events` (`room` null: every room's, with an operator's
 * credential): history first, then live. `getCredential` gives the credential before each open
 * (contract C3). EventSource cannot send headers, so here it still travels as `token`; the
 * stream helper's version of this hook sends it in `Authorization`.
 *
 * EventSource reconnects by itself after a dropped stream, resuming by Last-Event-ID. It gives
 * up for good on an HTTP error (503 while the store is down), so this reopens it with backoff,
 * resuming after the last id seen; 401/403 are final, and their message is shown.
 */
export function useEventStream(
  room: string | null,
  getCredential: () => Promise<string>,
): EventStreamState {
  const [state, setState] = useState<EventStreamState>({
    entries: [],
    status: "connecting",
    problem: null,
  });

  const credential = useRef(getCredential);
  useEffect(() => {
    credential.current = getCredential;
  }, [getCredential]);

  useEffect(() => {
    let source: EventSource | null = null;
    let lastId: string | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let stopped = false;
    const probe = new AbortController();
    const update = (patch: Partial<EventStreamState>) =>
      setState((current) => ({ ...current, ...patch }));

    const url = (token: string) => {
      const params = new URLSearchParams({ token });
      if (room !== null) params.set("room", room);
      if (lastId) params.set("lastEventId", lastId);
      return `/api/events?${params}`;
    };

    /** EventSource hides the HTTP answer of a refused stream; ask once more to learn it. */
    const explain = async (address: string): Promise<{ message: string; final: boolean }> => {
      try {
        const response = await fetch(address, { signal: probe.signal });
        if (response.ok) {
          await response.body?.cancel();
          return { message: "the event stream was interrupted", final: false };
        }
        const body = (await response.json().catch(() => null)) as { errorMessage?: string } | null;
        return {
          message: body?.errorMessage ?? `the server answered HTTP ${response.status}`,
          final: response.status === 401 || response.status === 403,
        };
      } catch {
        return { message: "this app server cannot be reached", final: false };
      }
    };

    const open = async () => {
      if (stopped) return;
      let token: string;
      try {
        token = await credential.current();
      } catch {
        update({ status: "offline", problem: "no credential for the event stream" });
        return;
      }
      if (stopped) return;
      const address = url(token);
      if (failures > 0) update({ status: "reconnecting" });
      const current = new EventSource(address);
      source = current;
      current.onopen = () => {
        failures = 0;
        update({ status: "live", problem: null });
      };
      current.onmessage = (message) => {
        let entry: LogEntry;
        try {
          entry = JSON.parse(message.data) as LogEntry;
        } catch {
          return;
        }
        if (message.lastEventId) lastId = message.lastEventId;
        setState((state) => {
          const entries = mergeEntries(state.entries, [entry], MAX_ENTRIES);
          return entries === state.entries ? state : { ...state, entries };
        });
      };
      current.onerror = () => {
        if (stopped || source !== current) return;
        if (current.readyState === EventSource.CONNECTING) {
          update({ status: "reconnecting" });
          return;
        }
        current.close();
        source = null;
        failures += 1;
        update({ status: "offline" });
        void explain(address).then(({ message, final }) => {
          if (stopped) return;
          if (final) {
            update({ problem: message });
            return;
          }
          const delay = Math.min(MAX_RETRY_MS, 1000 * 2 ** (failures - 1));
          update({ problem: `${message}; retrying in ${Math.round(delay / 1000)} s` });
          retryTimer = setTimeout(() => void open(), delay);
        });
      };
    };

    void open();
    return () => {
      stopped = true;
      probe.abort();
      clearTimeout(retryTimer);
      source?.close();
    };
  }, [room]);

  return state;
}
