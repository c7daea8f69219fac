"use client";

import { useEffect, useRef, useState } from "react";

type Phase = { kind: "idle" } | { kind: "confirming" } | { kind: "busy" };

/**
 * An action with a confirmation step: the button asks, Confirm runs it. The answer is shown by
 * the caller, outside this control: a successful action often removes what it acted on (the
 * participant's row, the live room's controls), and the answer must outlive it.
 */
export function ConfirmAction({
  label,
  question,
  confirmLabel,
  run,
  plain = false,
  disabled = false,
}: {
  label: string;
  question: string;
  confirmLabel: string;
  run: () => Promise<void>;
  /** Not destructive: drawn as an ordinary button (mute, save, create). */
  plain?: boolean;
  disabled?: boolean;
}) {
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const confirm = useRef<HTMLButtonElement>(null);
  const opener = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (phase.kind === "confirming") confirm.current?.focus();
  }, [phase.kind]);

  const go = async () => {
    setPhase({ kind: "busy" });
    await run();
    setPhase({ kind: "idle" });
  };

  return (
    <div className="confirm-action">
      {phase.kind === "confirming" || phase.kind === "busy" ? (
        <div className="confirm-ask" role="group" aria-label={question}>
          <span>{question}</span>
          <button
            ref={confirm}
            type="button"
            className={plain ? "button-small button-primary" : "button-small button-danger"}
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
          className={plain ? "button-small" : "button-small button-danger-outline"}
          disabled={disabled}
          onClick={() => setPhase({ kind: "confirming" })}
        >
          {label}
        </button>
      )}
    </div>
  );
}
