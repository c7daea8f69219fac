/**
 * Prints a join link for one room: `<base-url>/#invite=<credential>`. The credential sits in the
 * fragment, which browsers never send to a server, so it appears in no request log.
 *
 *   npm run invite -- --room <name> [--expires 24h] [--base-url https://meet.example.com]
 *
 * Signed with LIVEKIT_API_SECRET (read from the environment and the .env files, as Next reads
 * them: scripts/cli.ts): run it where the server's secret is set.
 */
import { createInvite, DEFAULT_INVITE_SECONDS } from "../lib/invite";
import { INVITE_FRAGMENT_KEY } from "../lib/shared/limits";
import { loadCliConfig, parseCliArgs, parseDuration, runCli, UsageError } from "./cli";

const usage = `usage: npm run invite -- --room <name> [--expires <duration: 90s, 30m, 24h, 7d>] [--base-url <url>]
Prints a join link for one room, for a server in TOKEN_ACCESS=protected mode, signed with a key
derived from LIVEKIT_API_SECRET (from the environment or the .env files).
--expires defaults to 24h; --base-url to http://localhost:<PORT>.`;

runCli(usage, async () => {
  const { values } = parseCliArgs({
    options: {
      room: { type: "string" },
      expires: { type: "string" },
      "base-url": { type: "string" },
    },
  });
  if (!values.room) throw new UsageError("--room is required");
  const seconds = values.expires ? parseDuration(values.expires) : DEFAULT_INVITE_SECONDS;
  if (seconds === null) {
    throw new UsageError(
      `--expires: expected a duration like 30m, 24h or 7d, got ${values.expires}`,
    );
  }
  const config = loadCliConfig();
  const invite = await createInvite(values.room, seconds, config);
  const base = (values["base-url"] ?? `http://localhost:${config.port}`).replace(/\/+$/, "");
  const expires = new Date(Date.now() + seconds * 1000).toISOString();
  console.error(`Invite to room ${JSON.stringify(values.room)}, valid until ${expires}:`);
  console.log(`${base}/#${INVITE_FRAGMENT_KEY}=${invite}`);
});
