/**
 * Prints an operator token: the roomList grant, which may read every room's event stream
 * (`GET /api/events` without `room`) and the rooms routes, like `lk token create --list`.
 * For the console (which also acts on rooms) use `npm run operator-link`.
 *
 *   npm run operator-token -- [--identity operator] [--expires 1h]
 *
 * Signed with LIVEKIT_API_KEY / LIVEKIT_API_SECRET, read as Next reads them (scripts/cli.ts).
 */
import { createOperatorToken } from "../lib/token";
import { loadCliConfig, parseCliArgs, parseDuration, runCli, UsageError } from "./cli";

const usage = `usage: npm run operator-token -- [--identity <name>] [--expires <duration: 90s, 30m, 1h, 7d>]
Prints a LiveKit token with the roomList grant (read every room), signed with LIVEKIT_API_KEY and
LIVEKIT_API_SECRET from the environment or the .env files.`;

runCli(usage, async () => {
  const { values } = parseCliArgs({
    options: {
      identity: { type: "string", default: "operator" },
      expires: { type: "string", default: "1h" },
      // The old name, in seconds: kept so scripts written against it still work.
      ttl: { type: "string" },
    },
  });
  const expires = values.ttl ?? values.expires;
  const seconds = parseDuration(expires);
  if (seconds === null)
    throw new UsageError(`--expires: not a duration: ${JSON.stringify(expires)}`);
  const config = loadCliConfig();
  console.log(
    await createOperatorToken(
      { roomList: true },
      { identity: values.identity, ttlSeconds: seconds },
      config,
    ),
  );
});
