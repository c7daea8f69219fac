"use client";

import { useEffect, useRef, useState } from "react";

type Phase =
  | { kind: "idle" }
  | { kind: "confirming" }
  | { kind: "busy" }
  | { kind: "done"; ok: boolean; message: string };

/**
 * An action with a confirmation step: the button asks, Confirm runs it, and the answer (LiveKit's
 * words, through our route) stays on screen and is announced.
 */
export function ConfirmAction({
  label,
  question,
  confirmLabel,
  run,
}: {
  label: string;
  question: string;
  confirmLabel: string;
  run: () => Promise<{ ok: boolean; message: string }>;
}) {
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const confirm = useRef<HTMLButtonElement>(null);
  const opener = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (phase.kind === "confirming") confirm.current?.focus();
  }, [phase.kind]);

  const go = async () => {
    setPhase({ kind: "busy" });
    const result = await run();
    setPhase({ kind: "done", ...result });
  };

  return (
    <div className="confirm-action">
      {phase.kind === "confirming" || phase.kind === "busy" ? (
        <div className="confirm-ask" role="group" aria-label={question}>
          <span>{question}</span>
          <button
            ref={confirm}
            type="button"
            className="button-small button-danger"
            onClick={go}
            disabled={phase.kind === "busy"}
          >
            {phase.kind === "busy" ? "Working…" : confirmLabel}
          </button>
          <button
            type="button"
            className="button-small"
            onClick={() => {
              setPhase({ kind: "idle" });
              requestAnimationFrame(() => opener.current?.focus());
            }}
            disabled={phase.kind === "busy"}
          >
            Cancel
          </button>
        </div>
      ) : (
        <button
          ref={opener}
          type="button"
          className="button-small button-danger-outline"
          onClick={() => setPhase({ kind: "confirming" })}
        >
          {label}
        </button>
      )}
      <span
        role="status"
        className={`confirm-result ${phase.kind === "done" && !phase.ok ? "is-error" : ""}`}
      >
        {phase.kind === "done" ? phase.message : ""}
      </span>
    </div>
  );
}
