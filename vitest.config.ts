import path from "node:path";
import { defineConfig, type ViteUserConfig } from "vitest/config";

/** Shared by `npm test` (this file) and `npm run test:hardening` (vitest.hardening.config.ts). */
export function testConfig(include: string[], testTimeout = 30_000): ViteUserConfig {
  return {
    resolve: {
      alias: {
        "@": path.resolve(__dirname),
        // `server-only` throws outside React's server bundle; tests run lib/ in plain Node.
        "server-only": path.resolve(__dirname, "node_modules/server-only/empty.js"),
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

export default defineConfig(testConfig(["tests/{unit,integration,e2e}/**/*.test.ts"]));
