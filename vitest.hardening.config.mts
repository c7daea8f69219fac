import { defineConfig } from "vitest/config";
import { testConfig } from "./vitest.config.mjs";

/** `npm run test:hardening`: bad input, faults, load and security against production builds. */
export default defineConfig(testConfig(["tests/hardening/**/*.test.ts"], 300_000));
