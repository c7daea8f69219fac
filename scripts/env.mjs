// The environment `npm run dev` and `npm start` run with: the shell's, and the .env files read
// exactly as Next reads them (@next/env), for scripts/next.mjs and scripts/dev.mjs.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { loadEnvConfig } = require("@next/env");

/**
 * `shellEnv`: the shell's own variables, what Next itself gets (it loads the files itself, and in
 * dev reloads them when they change, which it would not do for values it found already set).
 * `combinedEnv`: the shell's and the files' values together. `port`: PORT, else SERVER_PORT,
 * else 6080.
 *
 * @param {boolean} dev
 */
export function readEnv(dev) {
  const shellEnv = { ...process.env };
  const { combinedEnv } = loadEnvConfig(process.cwd(), dev, {
    info: () => {},
    error: console.error,
  });
  const port = combinedEnv.PORT?.trim() || combinedEnv.SERVER_PORT?.trim() || "6080";
  return { shellEnv, combinedEnv, port };
}
