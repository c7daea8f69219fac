import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type ViteUserConfig } from "vitest/config";

const root = path.dirname(fileURLToPath(import.meta.url));

/** Shared by `npm test` (this file) and `npm run test:hardening` (vitest.hardening.config.mts). */
export function testConfig(include: string[], testTimeout = 30_000): ViteUserConfig {
  return {
    resolve: {
      alias: {
        "@": root,
        "@webhook-handlers": path.join(root, "webhook-handlers.ts"),
        // `server-only` throws outside React's server bundle; tests run lib/ in plain Node.
        "server-only": path.join(root, "node_modules/server-only/empty.js"),
      },
    },
    test: {
      include,
      testTimeout,
      hookTimeout: 120_000,
      // The integration suites start production servers and Redis: one file at a time on 2 cores.
      fileParallelism: false,
    },
  };
}

export default defineConfig(testConfig(["tests/{unit,integration,e2e,live}/**/*.test.ts"]));
