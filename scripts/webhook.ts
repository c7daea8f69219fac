/**
 * Webhook simulator: sends one LiveKit webhook, signed exactly as livekit-server signs it.
 *
 *   npm run webhook -- <event-type> [--room R] [--identity I] [--url U] [--compact] [--id EV_…]
 *
 * The key and secret are LIVEKIT_API_KEY / LIVEKIT_API_SECRET, read as Next reads them
 * (scripts/cli.ts; default devkey / secret); the default URL's port is the server's.
 */
import { buildWebhookEvent, encodeWireJson, postWebhook, signWebhook } from "../lib/livekit-wire";
import { EVENT_TYPES, type EventType } from "../lib/shared/event-catalogue";
import { loadCliConfig, parseCliArgs, runCli, UsageError } from "./cli";

const usage = `usage: npm run webhook -- <event-type> [--room R] [--identity I] [--url U] [--compact] [--id EV_...]
Sends one LiveKit webhook, signed with LIVEKIT_API_KEY and LIVEKIT_API_SECRET (from the
environment or the .env files), to --url (default http://localhost:<PORT>/api/webhook), in the
shape and with the headers the pinned livekit-server sends (docs/live-webhooks.md).
--room defaults to my-room, --identity to alice. The body has a space after every comma, as
livekit-server 1.13.5 writes it; --compact writes it without (--spaced, the default, is kept).
event types: ${EVENT_TYPES.join(", ")}`;

runCli(usage, async () => {
  const { values, positionals } = parseCliArgs({
    allowPositionals: true,
    options: {
      room: { type: "string", default: "my-room" },
      identity: { type: "string", default: "alice" },
      url: { type: "string" },
      id: { type: "string" },
      spaced: { type: "boolean", default: true },
      compact: { type: "boolean", default: false },
    },
  });
  const type = positionals[0];
  if (!type) throw new UsageError("an event type is required");
  if (!(EVENT_TYPES as readonly string[]).includes(type)) {
    throw new UsageError(`unknown event type: ${type}`);
  }
  const config = loadCliConfig();
  const url = values.url ?? `http://localhost:${config.port}/api/webhook`;
  const event = buildWebhookEvent(type as EventType, {
    room: values.room,
    identity: values.identity,
    id: values.id,
  });
  const body = encodeWireJson(event, !values.compact);
  try {
    const response = await postWebhook(
      url,
      body,
      signWebhook(body, config.apiKey, config.apiSecret),
    );
    console.log(
      `${type} ${event.id} room=${values.room} -> ${response.status} ${await response.text()}`,
    );
    return response.ok ? 0 : 1;
  } catch (error) {
    console.error(`could not reach ${url}: ${(error as Error).message}`);
    return 1;
  }
});
