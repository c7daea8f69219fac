"use client";

import { useState } from "react";

/**
 * Development only (`npm run dev`): sends the room a signed test event through the real webhook
 * intake (`POST /api/dev/test-event`), so a first event shows with one click. A production build
 * leaves this out (NODE_ENV is fixed at build) and its route answers 404.
 */
export function DevTestEventButton({ room }: { room: string }) {
  const [state, setState] = useState<{ busy: boolean; message: string | null }>({
    busy: false,
    message: null,
  });
  const send = async () => {
    setState({ busy: true, message: null });
    try {
      const response = await fetch("/api/dev/test-event", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ room, type: "room_started" }),
      });
      const body = (await response.json().catch(() => ({}))) as { errorMessage?: string };
      setState({
        busy: false,
        message: response.ok
          ? "Sent: it arrives in this log like any webhook."
          : `Not sent: ${body.errorMessage ?? `HTTP ${response.status}`}`,
      });
    } catch {
      setState({ busy: false, message: "Not sent: this app server cannot be reached." });
    }
  };
  return (
    <div className="dev-test-event">
      <button type="button" className="button-small" onClick={send} disabled={state.busy}>
        Send a test event
      </button>
      <span role="status" className="dev-test-event-result">
        {state.message}
      </span>
    </div>
  );
}
