/**
 * Webhook simulator: sends one LiveKit webhook, signed exactly as livekit-server signs it.
 *
 *   npm run webhook -- <event-type> [--room R] [--identity I] [--url U] [--spaced] [--id EV_…]
 *
 * The key and secret are LIVEKIT_API_KEY / LIVEKIT_API_SECRET, read as Next reads them
 * (scripts/cli.ts; default devkey / secret); the default URL's port is the server's.
 */
import { buildWebhookEvent, encodeWireJson, postWebhook, signWebhook } from "../lib/livekit-wire";
import { EVENT_TYPES, type EventType } from "../lib/shared/event-catalogue";
import { loadCliConfig, parseCliArgs, runCli, UsageError } from "./cli";

const usage = `usage: npm run webhook -- <event-type> [--room R] [--identity I] [--url U] [--spaced] [--id EV_...]
Sends one LiveKit webhook, signed with LIVEKIT_API_KEY and LIVEKIT_API_SECRET (from the
environment or the .env files), to --url (default http://localhost:<PORT>/api/webhook).
--room defaults to my-room, --identity to alice; --spaced puts a space after every comma,
as some livekit-server builds write it.
event types: ${EVENT_TYPES.join(", ")}`;

runCli(usage, async () => {
  const { values, positionals } = parseCliArgs({
    allowPositionals: true,
    options: {
      room: { type: "string", default: "my-room" },
      identity: { type: "string", default: "alice" },
      url: { type: "string" },
      id: { type: "string" },
      spaced: { type: "boolean", default: false },
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
  const body = encodeWireJson(event, values.spaced);
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
