/**
 * Your code on LiveKit's events: one handler per event type (and "*" for all of them), run after
 * the webhook is stored and answered, once per event id and handler even with many instances,
 * retried with backoff when it throws. The guide: docs/reacting-to-events.md.
 */
import { defineHandlers } from "@/lib/handlers";

export default defineHandlers({
  // room_started: async (event, ctx) => {
  //   ctx.log.info(`room ${event.room?.name} started (attempt ${ctx.attempt})`);
  // },
});
