/**
 * What webhook-handlers.ts imports: defineHandlers and its types. The machinery that runs the
 * handlers (once per event id and handler, with retries, leases and a drain) is in runner.ts.
 */
export { defineHandlers } from "./define";
export type { EventOf, Handler, HandlerContext, HandlerLogger, HandlerMap } from "./define";
