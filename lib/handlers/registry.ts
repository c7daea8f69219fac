import "server-only";
// The developer's handlers: webhook-handlers.ts at the project root. `@webhook-handlers` is a
// tsconfig path to it; a build with WEBHOOK_HANDLERS_MODULE set (the tests' own build, see
// next.config.js) points it at another module instead.
import handlers from "@webhook-handlers";
import type { HandlerMap } from "./define";

export const webhookHandlers: HandlerMap = handlers;
