import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

const config = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    ignores: [
      // .next and the side builds of NEXT_DIST_DIR (.next-*), all gitignored.
      ".next*/**",
      "node_modules/**",
      "next-env.d.ts",
      "test-results/**",
      "bench-results/**",
    ],
  },
];

export default config;
