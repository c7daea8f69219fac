/**
 * The tests' webhook-handlers.ts, compiled into a build of its own (NEXT_DIST_DIR=.next-handlers,
 * WEBHOOK_HANDLERS_MODULE pointing here; see handlers.ts): the real runner, ledger and routes,
 * with handlers whose behaviour the test picks by the event's room name, each writing a line per
 * attempt's start and end to the file TEST_HANDLER_LOG names (appends of one short line each, so
 * two instances' lines never interleave); without TEST_HANDLER_LOG (the bench) they do nothing.
 *   flaky-…: throws on its first two attempts; failing-…: always throws; slow-…: 3 s per attempt.
 */
import { appendFileSync } from "node:fs";
import { defineHandlers, type HandlerContext } from "@/lib/handlers";
import type { WebhookEventJson } from "@/lib/shared/event-model";

function record(
  phase: "start" | "end",
  event: WebhookEventJson,
  ctx: HandlerContext,
  identity?: string,
): void {
  const file = process.env.TEST_HANDLER_LOG;
  if (!file) return;
  const line = {
    phase,
    handler: ctx.handler,
    id: event.id,
    attempt: ctx.attempt,
    pid: process.pid,
    ...(identity === undefined ? {} : { identity }),
  };
  appendFileSync(file, `${JSON.stringify(line)}\n`);
}

async function behave(
  event: WebhookEventJson,
  ctx: HandlerContext,
  identity?: string,
): Promise<void> {
  record("start", event, ctx, identity);
  const room = event.room?.name ?? "";
  if (room.startsWith("slow")) await new Promise((resolve) => setTimeout(resolve, 3000));
  if (room.startsWith("failing")) throw new Error(`failing on purpose (attempt ${ctx.attempt})`);
  if (room.startsWith("flaky") && ctx.attempt < 3) throw new Error(`flaky attempt ${ctx.attempt}`);
  record("end", event, ctx, identity);
}

export default defineHandlers({
  participant_joined: async (event, ctx) => {
    // Typed by event type: a participant_joined's participant is there to read.
    await behave(event, ctx, event.participant?.identity ?? "?");
  },
  "*": (event, ctx) => behave(event, ctx),
});
