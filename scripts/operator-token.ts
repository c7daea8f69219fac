/**
 * Prints an operator token: the roomList grant, which may read every room's event stream
 * (`GET /api/events` without `room`), like `lk token create --list`.
 *
 *   npm run operator-token -- [--identity operator] [--ttl 3600]
 */
import { parseArgs } from "node:util";
import { loadConfig } from "../lib/config";
import { createOperatorToken } from "../lib/token";

const { values } = parseArgs({
  options: {
    identity: { type: "string", default: "operator" },
    ttl: { type: "string", default: "3600" },
  },
});
const config = loadConfig({ ...process.env, NODE_ENV: "development" });
createOperatorToken(
  { roomList: true },
  { identity: values.identity, ttlSeconds: Number(values.ttl) },
  config,
).then((token) => console.log(token));
