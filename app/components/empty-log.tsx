"use client";

import { CopyButton } from "./copy-button";
import { DevTestEventButton } from "./dev-test-event";

/** No event yet: how to point LiveKit at this server, or send a test event. */
export function EmptyLog({ room }: { room: string }) {
  const origin = window.location.origin;
  const webhookUrl = `${origin}/livekit/webhook`;
  const yaml = `webhook:\n  api_key: <your LIVEKIT_API_KEY>\n  urls:\n    - ${webhookUrl}`;
  const simulator = `npm run webhook -- room_started --room ${shellQuote(room)} --url ${origin}/api/webhook`;
  return (
    <div className="log-empty">
      <p className="log-empty-title">No webhook events for this room yet.</p>
      <p>Point LiveKit&rsquo;s webhooks at this URL:</p>
      <div className="snippet">
        <code>{webhookUrl}</code>
        <CopyButton text={webhookUrl} label="Copy URL" />
      </div>
      <p>
        In <code>livekit.yaml</code> (<code>livekit-server --dev --config livekit.yaml</code>):
      </p>
      <pre className="snippet-block" tabIndex={0} aria-label="livekit.yaml webhook settings">
        {yaml}
      </pre>
      {process.env.NODE_ENV === "development" && (
        <>
          <p>Development server: send this room a signed test event through the webhook path.</p>
          <DevTestEventButton room={room} />
        </>
      )}
      <p>Or send a signed test event with the simulator, from this project&rsquo;s folder:</p>
      <div className="snippet">
        <code>{simulator}</code>
        <CopyButton text={simulator} label="Copy command" />
      </div>
      <p className="log-empty-note">
        The simulator signs with <code>LIVEKIT_API_KEY</code> and <code>LIVEKIT_API_SECRET</code>{" "}
        from its environment (default devkey / secret): use the same keys as this server.
      </p>
    </div>
  );
}

/** The room name as one shell word. */
function shellQuote(value: string): string {
  return /^[\w.@%+=:,/-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
