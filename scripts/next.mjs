// `npm run dev` and `npm start`: `next dev` / `next start` on the port PORT names (else
// SERVER_PORT, else 6080), read from the shell or from the .env files exactly as Next reads them.
// A `-p ${PORT:-6080}` in package.json would be expanded by the shell before Next reads
// .env.local, so a PORT set there would be ignored (and the CLIs, which read it, would print
// links to a port nobody listens on).
//
//   node scripts/next.mjs dev|start [more next arguments]
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { constants } from "node:os";
import { readEnv } from "./env.mjs";

const require = createRequire(import.meta.url);

const [command, ...rest] = process.argv.slice(2);
if (command !== "dev" && command !== "start") {
  console.error("usage: node scripts/next.mjs dev|start [next arguments]");
  process.exit(2);
}
// Next gets the shell's environment, not the files' values (see env.mjs).
const { shellEnv, port } = readEnv(command === "dev");

const child = spawn(
  process.execPath,
  [require.resolve("next/dist/bin/next"), command, "-p", port, ...rest],
  { stdio: "inherit", env: shellEnv },
);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => child.kill(signal));
}
child.on("exit", (code, signal) => {
  process.exit(signal ? 128 + constants.signals[signal] : (code ?? 1));
});
