// `npm run dev` and `npm start` work on any Node.js >= 20.9, but production (Vercel) and every
// test run on the major that engines.node pins: say so when this Node is another one.
import { readFileSync } from "node:fs";

const pinned = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).engines
  .node;
if (process.versions.node.split(".")[0] !== pinned.split(".")[0]) {
  console.warn(
    `\n  Warning: this is Node.js ${process.version}; production (Vercel) and the tests run Node.js ${pinned}.\n` +
      `  Run on it with: source scripts/node24.sh (or any Node.js ${pinned} install)\n`,
  );
}
