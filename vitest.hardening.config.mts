import { defineConfig } from "vitest/config";
import { testConfig } from "./vitest.config.mjs";

const config = testConfig(["tests/hardening/**/*.test.ts"], 300_000);

/**
 * `npm run test:hardening`: bad input, faults, load and security against production builds.
 * The global setup prints the summary table and writes test-results/hardening.json.
 */
export default defineConfig({
  ...config,
  test: { ...config.test, globalSetup: ["tests/hardening/support/summary.ts"] },
});
