/**
 * Prints a link that opens the operator console with its credential:
 * `<base-url>/console#token=<token>`. The token (OPERATOR_GRANT, lib/rooms/operator: roomList +
 * roomAdmin + roomCreate and no room, the operator credential for every room) is in
 * the fragment, which a browser never sends to a server, so it reaches no server's log; the
 * console moves it to session storage and out of the address bar.
 *
 *   npm run operator-link -- [--base-url http://localhost:6080] [--expires 8h] [--identity operator]
 */
import { parseArgs } from "node:util";
import { loadConfig } from "../lib/config";
import { OPERATOR_GRANT } from "../lib/rooms/operator";
import { createOperatorToken } from "../lib/token";

const usage =
  "usage: npm run operator-link -- [--base-url <url>] [--expires <duration: 90s, 30m, 8h, 7d>] [--identity <name>]";

/** "90s", "30m", "8h", "7d" or plain seconds → seconds. */
function durationSeconds(text: string): number | null {
  const match = /^(\d+)\s*([smhd]?)$/.exec(text.trim());
  if (!match) return null;
  const unit = { "": 1, s: 1, m: 60, h: 3600, d: 86400 }[match[2] as "" | "s" | "m" | "h" | "d"];
  const seconds = Number(match[1]) * unit;
  return seconds > 0 ? seconds : null;
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        "base-url": { type: "string", default: `http://localhost:${process.env.PORT || 6080}` },
        expires: { type: "string", default: "8h" },
        identity: { type: "string", default: "operator" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const ttl = durationSeconds(values.expires);
  if (ttl === null) {
    console.error(`--expires: not a duration: ${JSON.stringify(values.expires)}\n${usage}`);
    return 2;
  }
  let base: URL;
  try {
    base = new URL(values["base-url"]);
    if (!/^https?:$/.test(base.protocol)) throw new Error("not http(s)");
  } catch {
    console.error(
      `--base-url: not an http(s) URL: ${JSON.stringify(values["base-url"])}\n${usage}`,
    );
    return 2;
  }
  const config = loadConfig({ ...process.env, NODE_ENV: "development" });
  const token = await createOperatorToken(
    OPERATOR_GRANT,
    { identity: values.identity, ttlSeconds: ttl },
    config,
  );
  console.log(`${base.origin}${base.pathname.replace(/\/+$/, "")}/console#token=${token}`);
  return 0;
}

main().then((code) => process.exit(code));
