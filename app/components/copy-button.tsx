"use client";

import { useEffect, useState } from "react";

/** Copies with the Clipboard API, or by selecting a scratch textarea where that is missing. */
async function copyText(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const scratch = document.createElement("textarea");
  scratch.value = text;
  scratch.setAttribute("readonly", "");
  scratch.style.position = "fixed";
  scratch.style.opacity = "0";
  document.body.append(scratch);
  scratch.select();
  const copied = document.execCommand("copy");
  scratch.remove();
  if (!copied) throw new Error("copy refused");
}

/** A button that copies `text` and says so for a moment, also to screen readers. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [result, setResult] = useState<"copied" | "failed" | null>(null);

  useEffect(() => {
    if (!result) return;
    const timer = setTimeout(() => setResult(null), 2000);
    return () => clearTimeout(timer);
  }, [result]);

  return (
    <span className="copy">
      <button
        type="button"
        className="button-small"
        onClick={() =>
          copyText(text).then(
            () => setResult("copied"),
            () => setResult("failed"),
          )
        }
      >
        {label}
      </button>
      <span className="copy-result" role="status">
        {result === "copied" ? "Copied" : result === "failed" ? "Copy failed: select the text" : ""}
      </span>
    </span>
  );
}
