"use client";

import { useEffect, useRef } from "react";
import type { Problem } from "./problems";

/** Why the room ended for this attempt: a failed connection, or a disconnect not asked for. */
export type Ending =
  { kind: "error"; problem: Problem } | { kind: "disconnected"; message: string };

/** The room's end: what happened, the hint, and Try again / Back to the form. */
export function EndingPanel({
  ending,
  onRetry,
  onLeave,
}: {
  ending: Ending;
  onRetry: () => void;
  onLeave: () => void;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <div className="ending" role="alert">
      <h2 ref={heading} tabIndex={-1}>
        {ending.kind === "error" ? ending.problem.title : ending.message}
      </h2>
      {ending.kind === "error" && (
        <>
          <p className="ending-hint">{withCode(ending.problem.hint)}</p>
          {ending.problem.detail && (
            <p className="ending-detail">
              LiveKit said: <code>{ending.problem.detail}</code>
            </p>
          )}
        </>
      )}
      <div className="ending-actions">
        <button type="button" className="button-primary" onClick={onRetry}>
          {ending.kind === "error" ? "Try again" : "Rejoin"}
        </button>
        <button type="button" className="button-secondary" onClick={onLeave}>
          Back to the form
        </button>
      </div>
    </div>
  );
}

/** Text with `backticked` parts shown as code. */
function withCode(text: string) {
  return text
    .split("`")
    .map((part, index) => (index % 2 === 1 ? <code key={index}>{part}</code> : part));
}
