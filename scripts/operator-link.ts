/**
 * Prints a link that opens the operator console with its credential:
 * `<base-url>/console#token=<token>`. The token (OPERATOR_GRANT, lib/rooms/operator: roomList +
 * roomAdmin + roomCreate and no room, the operator credential for every room) is in
 * the fragment, which a browser never sends to a server, so it reaches no server's log; the
 * console moves it to session storage and out of the address bar.
 *
 *   npm run operator-link -- [--base-url http://localhost:6080] [--expires 8h] [--identity operator]
 *
 * Signed with LIVEKIT_API_KEY / LIVEKIT_API_SECRET, read as Next reads them (scripts/cli.ts); the
 * default base URL's port is the server's (PORT, else SERVER_PORT, else 6080).
 */
import { OPERATOR_GRANT } from "../lib/rooms/operator";
import { createOperatorToken } from "../lib/token";
import { loadCliConfig, parseCliArgs, parseDuration, runCli, UsageError } from "./cli";

const usage = `usage: npm run operator-link -- [--base-url <url>] [--expires <duration: 90s, 30m, 8h, 7d>] [--identity <name>]
Prints a link to the operator console with an operator token (read every room, act on any room),
signed with LIVEKIT_API_KEY and LIVEKIT_API_SECRET from the environment or the .env files.
--base-url defaults to http://localhost:<PORT>; --expires to 8h.`;

runCli(usage, async () => {
  const { values } = parseCliArgs({
    options: {
      "base-url": { type: "string" },
      expires: { type: "string", default: "8h" },
      identity: { type: "string", default: "operator" },
    },
  });
  const ttl = parseDuration(values.expires);
  if (ttl === null)
    throw new UsageError(`--expires: not a duration: ${JSON.stringify(values.expires)}`);
  const config = loadCliConfig();
  const baseText = values["base-url"] ?? `http://localhost:${config.port}`;
  let base: URL;
  try {
    base = new URL(baseText);
    if (!/^https?:$/.test(base.protocol)) throw new Error("not http(s)");
  } catch {
    throw new UsageError(`--base-url: not an http(s) URL: ${JSON.stringify(baseText)}`);
  }
  const token = await createOperatorToken(
    OPERATOR_GRANT,
    { identity: values.identity, ttlSeconds: ttl },
    config,
  );
  console.log(`${base.origin}${base.pathname.replace(/\/+$/, "")}/console#token=${token}`);
});
