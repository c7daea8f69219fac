import type { EventType } from "../shared/event-catalogue";
import type { WebhookEventJson } from "../shared/event-model";

/** The event as the store keeps it (LiveKit's JSON as sent), its `event` narrowed to the type. */
export type EventOf<T extends string> = WebhookEventJson & { event: T };

export interface HandlerLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** What a handler is told about its run. */
export interface HandlerContext {
  /** 1 on the first run; a retry after a throw (or after a dead instance's lease) is 2, 3, … */
  attempt: number;
  /** The attempt past which a throw records the run as failed (HANDLER_MAX_ATTEMPTS). */
  maxAttempts: number;
  /** Which handler this is: the event type, or "*". */
  handler: string;
  /** Lines prefixed with the handler and the event id. */
  log: HandlerLogger;
}

export type Handler<T extends string> = (event: EventOf<T>, ctx: HandlerContext) => Promise<void>;

/** One handler per LiveKit event type, and "*" for every type (both run, each once per event). */
export type HandlerMap = { [T in EventType]?: Handler<T> } & { "*"?: Handler<string> };

/** A webhook-handlers.ts's default export: the map, typed by event type. */
export function defineHandlers(handlers: HandlerMap): HandlerMap {
  return handlers;
}

/** The handler names that run for an event of `type`: its own, then "*". */
export function handlersFor(handlers: HandlerMap, type: string): string[] {
  const names: string[] = [];
  if (type !== "*" && typeof (handlers as Record<string, unknown>)[type] === "function") {
    names.push(type);
  }
  if (typeof handlers["*"] === "function") names.push("*");
  return names;
}

export function handlerNamed(handlers: HandlerMap, name: string): Handler<string> | null {
  const handler = (handlers as Record<string, unknown>)[name];
  return typeof handler === "function" ? (handler as Handler<string>) : null;
}
