/**
 * Webhook simulator: sends one LiveKit webhook, signed exactly as livekit-server signs it.
 *
 *   npm run webhook -- <event-type> [--room R] [--identity I] [--url U] [--spaced] [--id EV_…]
 *
 * The key and secret come from LIVEKIT_API_KEY / LIVEKIT_API_SECRET (default devkey / secret).
 */
import { parseArgs } from "node:util";
import { buildWebhookEvent, encodeWireJson, postWebhook, signWebhook } from "../lib/livekit-wire";
import { EVENT_TYPES, type EventType } from "../lib/shared/event-catalogue";

const usage = `usage: npm run webhook -- <event-type> [--room R] [--identity I] [--url U] [--spaced] [--id EV_...]
event types: ${EVENT_TYPES.join(", ")}`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      room: { type: "string", default: "my-room" },
      identity: { type: "string", default: "alice" },
      url: { type: "string", default: `http://localhost:${process.env.PORT || 6080}/api/webhook` },
      id: { type: "string" },
      spaced: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const type = positionals[0];
  if (values.help || !type || !(EVENT_TYPES as readonly string[]).includes(type)) {
    console.error(type && !values.help ? `unknown event type: ${type}\n${usage}` : usage);
    return values.help ? 0 : 2;
  }
  const event = buildWebhookEvent(type as EventType, {
    room: values.room,
    identity: values.identity,
    id: values.id,
  });
  const body = encodeWireJson(event, values.spaced);
  const apiKey = process.env.LIVEKIT_API_KEY || "devkey";
  const apiSecret = process.env.LIVEKIT_API_SECRET || "secret";
  try {
    const response = await postWebhook(values.url, body, signWebhook(body, apiKey, apiSecret));
    console.log(
      `${type} ${event.id} room=${values.room} -> ${response.status} ${await response.text()}`,
    );
    return response.ok ? 0 : 1;
  } catch (error) {
    console.error(`could not reach ${values.url}: ${(error as Error).message}`);
    return 1;
  }
}

main().then((code) => process.exit(code));
