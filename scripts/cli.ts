/**
 * What every CLI here shares: the settings read exactly as the server reads them, durations,
 * and one way to say usage, --help and errors.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { loadEnvConfig } from "@next/env";
import { loadConfig, type Config } from "../lib/config";

/**
 * The server's settings as `next dev` sees them: the shell's environment first, then the `.env*`
 * files of the current directory, loaded by Next's own loader (`.env.development.local`,
 * `.env.local`, `.env.development`, `.env`; the production files when NODE_ENV=production). So a
 * key in `.env.local` signs what the server started by `npm run dev` verifies.
 */
export function loadCliConfig(): Config {
  loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production", {
    info: () => {},
    error: console.error,
  });
  // The CLIs sign and print; the production guards (TOKEN_ACCESS, dev keys) are the server's.
  return loadConfig({ ...process.env, NODE_ENV: "development" });
}

const UNITS: Record<string, number> = { "": 1, s: 1, m: 60, h: 3600, d: 86400 };

/** `90s`, `30m`, `24h`, `7d`, or a number of seconds; null for anything else, or zero. */
export function parseDuration(text: string): number | null {
  const match = /^(\d+)\s*([smhd]?)$/.exec(text.trim());
  if (!match) return null;
  const seconds = Number(match[1]) * UNITS[match[2]!]!;
  return seconds > 0 ? seconds : null;
}

/** A wrong argument: printed with the usage, exit code 2. */
export class UsageError extends Error {}

/** parseArgs, its refusals turned into UsageErrors (printed with the usage). */
export function parseCliArgs<T extends ParseArgsConfig>(
  config: T,
): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/**
 * Runs a CLI: `--help` or `-h` prints the usage (exit 0); a UsageError prints its message and the
 * usage (exit 2); any other error its message (exit 1); otherwise it exits with what `main`
 * returns.
 */
export function runCli(usage: string, main: () => Promise<number | void>): void {
  if (process.argv.slice(2).some((arg) => arg === "--help" || arg === "-h")) {
    console.log(usage);
    process.exit(0);
  }
  main().then(
    (code) => process.exit(code ?? 0),
    (error: unknown) => {
      if (error instanceof UsageError) {
        console.error(`${error.message}\n${usage}`);
        process.exit(2);
      }
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
