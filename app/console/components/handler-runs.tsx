"use client";

import { useCallback, useEffect, useState } from "react";
import type { RunRecord } from "@/lib/shared/handler-runs";
import { operatorFetch } from "./operator-api";

const POLL_MS = 5000;

const STATUS_WORDS: Record<RunRecord["status"], string> = {
  pending: "pending",
  running: "running",
  retrying: "retrying",
  ok: "ok",
  failed: "failed",
};

/**
 * The handlers' recent runs (webhook-handlers.ts; GET /api/handlers/runs), refreshed every few
 * seconds: ok, retrying, failed with the error's message, and Retry on a failed one.
 */
export function HandlerRuns({ token }: { token: string }) {
  const [runs, setRuns] = useState<RunRecord[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [retrying, setRetrying] = useState<string | null>(null);

  const load = useCallback(async () => {
    const answer = await operatorFetch<{ runs: RunRecord[] }>("/api/handlers/runs", token);
    if (answer.ok && answer.body) {
      setRuns(answer.body.runs);
      setProblem(null);
    } else setProblem(answer.problem);
  }, [token]);

  useEffect(() => {
    // The first answer, then one every POLL_MS; setState happens after the fetch resolves.
    const first = setTimeout(() => void load(), 0);
    const timer = setInterval(() => void load(), POLL_MS);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [load]);

  const retry = async (run: RunRecord) => {
    const key = `${run.handler} ${run.eventId}`;
    setRetrying(key);
    const answer = await operatorFetch("/api/handlers/runs/retry", token, {
      method: "POST",
      body: JSON.stringify({ eventId: run.eventId, handler: run.handler }),
    });
    if (!answer.ok) setProblem(answer.problem);
    setRetrying(null);
    await load();
  };

  return (
    <section className="console-panel" aria-labelledby="handler-runs-title">
      <header className="console-panel-header">
        <h2 id="handler-runs-title">Handler runs</h2>
        <button type="button" className="button-small" onClick={() => void load()}>
          Refresh
        </button>
      </header>
      {problem && <p role="alert">{problem}</p>}
      {runs && runs.length === 0 && (
        <p className="console-hint">
          No handler runs yet. Your code on events goes in <code>webhook-handlers.ts</code>{" "}
          (docs/reacting-to-events.md).
        </p>
      )}
      {runs && runs.length > 0 && (
        <ul className="handler-runs" aria-label="Recent handler runs">
          {runs.slice(0, 30).map((run) => {
            const key = `${run.handler} ${run.eventId}`;
            return (
              <li key={key} className={`handler-run handler-run-${run.status}`}>
                <span className="handler-run-status">{STATUS_WORDS[run.status]}</span>{" "}
                <strong>{run.handler === "*" ? "* (every type)" : run.handler}</strong>{" "}
                <span className="console-hint">
                  {run.type} {run.eventId} · attempt {run.attempt}
                </span>
                {run.error && <div className="handler-run-error">{run.error}</div>}
                {run.status === "failed" && (
                  <button
                    type="button"
                    className="button-small"
                    disabled={retrying === key}
                    onClick={() => void retry(run)}
                  >
                    {retrying === key ? "Retrying…" : "Retry"}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
