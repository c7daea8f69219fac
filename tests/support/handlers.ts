/**
 * The build the handler tests run: the production build compiled with
 * tests/support/webhook-handlers.ts in place of the project's webhook-handlers.ts, into its own
 * dist dir so the main build (.next, the shipped file's harmless example) is untouched.
 * `npm test` builds it; by hand:
 *   WEBHOOK_HANDLERS_MODULE=./tests/support/webhook-handlers.ts NEXT_DIST_DIR=.next-handlers \
 *     TOKEN_ACCESS=open npx next build
 * A server of it needs NEXT_DIST_DIR in its env (`handlersBuildEnv`).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "./server";

export const HANDLERS_DIST_DIR = ".next-handlers";

export interface HandlerLine {
  phase: "start" | "end";
  handler: string;
  id: string;
  attempt: number;
  pid: number;
  /** participant_joined's own handler: the identity it read off the typed event. */
  identity?: string;
}

/** The env a server of the handlers build needs, with the file its handlers write to. */
export function handlersBuildEnv(logFile: string): Record<string, string> {
  if (!existsSync(path.join(ROOT, HANDLERS_DIST_DIR, "BUILD_ID"))) {
    throw new Error(
      `no handlers build in ${HANDLERS_DIST_DIR}: run \`npm test\`, or the build command in tests/support/handlers.ts`,
    );
  }
  return { NEXT_DIST_DIR: HANDLERS_DIST_DIR, TEST_HANDLER_LOG: logFile };
}

export function handlerLines(logFile: string): HandlerLine[] {
  if (!existsSync(logFile)) return [];
  return readFileSync(logFile, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as HandlerLine);
}
