/**
 * Prints a join link for one room: `<base-url>/#invite=<credential>`. The credential sits in the
 * fragment, which browsers never send to a server, so it appears in no request log.
 *
 *   npm run invite -- --room <name> [--expires 24h] [--base-url https://meet.example.com]
 *
 * Signed with LIVEKIT_API_SECRET (read from the environment and the .env files, as Next reads
 * them): run it where the server's secret is set.
 */
import { parseArgs } from "node:util";
import { loadEnvConfig } from "@next/env";
import { loadConfig } from "../lib/config";
import { createInvite, DEFAULT_INVITE_SECONDS } from "../lib/invite";
import { INVITE_FRAGMENT_KEY } from "../lib/shared/limits";

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `90s`, `30m`, `24h`, `7d`, or a number of seconds. */
function parseDuration(text: string): number {
  const match = /^(\d+)\s*([smhd]?)$/.exec(text.trim());
  if (!match) throw new Error(`--expires: expected a duration like 30m, 24h or 7d, got ${text}`);
  return Number(match[1]) * UNITS[match[2] || "s"]!;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      room: { type: "string" },
      expires: { type: "string" },
      "base-url": { type: "string" },
    },
  });
  if (!values.room) {
    throw new Error("--room is required: npm run invite -- --room <name> [--expires 24h]");
  }
  loadEnvConfig(process.cwd(), false, { info: () => {}, error: console.error });
  const config = loadConfig({ ...process.env, NODE_ENV: "development" });
  const seconds = values.expires ? parseDuration(values.expires) : DEFAULT_INVITE_SECONDS;
  const invite = await createInvite(values.room, seconds, config);
  const base = (values["base-url"] ?? `http://localhost:${config.port}`).replace(/\/+$/, "");
  const expires = new Date(Date.now() + seconds * 1000).toISOString();
  console.error(`Invite to room ${JSON.stringify(values.room)}, valid until ${expires}:`);
  console.log(`${base}/#${INVITE_FRAGMENT_KEY}=${invite}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
