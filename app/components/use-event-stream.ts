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
/** Until the server's `retry:` says otherwise, as EventSource's default. */
const DEFAULT_RECONNECT_MS = 1000;

/**
 * Webhook events from `/api/events` (`room` null: every room's, with an operator's credential):
 * history first, then live (contract C3). `getCredential` gives the credential before each
 * open, and it travels only in `Authorization`, never in the URL: the stream is read with fetch,
 * because EventSource cannot send headers. (Console's minimal version of the C3 hook; the
 * stream helper's version replaces it at merge.)
 *
 * A stream the server ends (its duration limit) reopens after `retry:` ms, resuming after the
 * last id with Last-Event-ID; a failure (503 while the store is down, network) reopens with
 * backoff; 401/403 are final, and their message is shown.
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
    let lastId: string | null = null;
    let reconnectMs = DEFAULT_RECONNECT_MS;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let stopped = false;
    const abort = new AbortController();
    const update = (patch: Partial<EventStreamState>) =>
      setState((current) => ({ ...current, ...patch }));

    const onFrame = (frame: string) => {
      let id: string | null = null;
      const data: string[] = [];
      for (const line of frame.split(/\r?\n/)) {
        if (line === "" || line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "id") id = value;
        else if (field === "data") data.push(value);
        else if (field === "retry" && /^\d+$/.test(value)) reconnectMs = Number(value);
      }
      if (id) lastId = id;
      if (data.length === 0) return;
      let entry: LogEntry;
      try {
        entry = JSON.parse(data.join("\n")) as LogEntry;
      } catch {
        return;
      }
      setState((current) => {
        const entries = mergeEntries(current.entries, [entry], MAX_ENTRIES);
        return entries === current.entries ? current : { ...current, entries };
      });
    };

    const retryLater = (message: string) => {
      failures += 1;
      const delay = Math.min(MAX_RETRY_MS, 1000 * 2 ** (failures - 1));
      update({
        status: "offline",
        problem: `${message}; retrying in ${Math.round(delay / 1000)} s`,
      });
      retryTimer = setTimeout(() => void open(), delay);
    };

    const open = async (): Promise<void> => {
      if (stopped) return;
      if (failures > 0) update({ status: "reconnecting" });
      let token: string;
      try {
        token = await credential.current();
      } catch {
        return retryLater("no credential for the event stream");
      }
      const params = new URLSearchParams();
      if (room !== null) params.set("room", room);
      const headers: Record<string, string> = {
        Accept: "text/event-stream",
        Authorization: `Bearer ${token}`,
      };
      if (lastId) headers["Last-Event-ID"] = lastId;
      let response: Response;
      try {
        response = await fetch(`/api/events?${params}`, {
          headers,
          cache: "no-store",
          signal: abort.signal,
        });
      } catch {
        if (!stopped) retryLater("this app server cannot be reached");
        return;
      }
      if (!response.ok || !response.body) {
        const body = (await response.json().catch(() => null)) as { errorMessage?: string } | null;
        const message = body?.errorMessage ?? `the server answered HTTP ${response.status}`;
        if (response.status === 401 || response.status === 403) {
          update({ status: "offline", problem: message });
          return;
        }
        return retryLater(message);
      }
      failures = 0;
      update({ status: "live", problem: null });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          buffer += value;
          const frames = buffer.split(/\r?\n\r?\n/);
          buffer = frames.pop() ?? "";
          frames.forEach(onFrame);
        }
      } catch {
        if (stopped) return;
        return retryLater("the event stream was interrupted");
      }
      if (stopped) return;
      // The server ended the stream (its duration limit): resume after the last id.
      update({ status: "reconnecting" });
      retryTimer = setTimeout(() => void open(), reconnectMs);
    };

    void open();
    return () => {
      stopped = true;
      abort.abort();
      clearTimeout(retryTimer);
    };
  }, [room]);

  return state;
}
