import path from "node:path";
import { fileURLToPath } from "node:url";
import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

const root = path.dirname(fileURLToPath(import.meta.url));
const lib = path.join(root, "lib") + path.sep;
const shared = path.join(root, "lib", "shared") + path.sep;

/**
 * What runs in the browser imports of lib/ only lib/shared/ (the browser-safe domain model):
 * everything else in lib/ is server-only. Applies to app/**\/components/** and to every module
 * that starts with "use client", wherever it is (a directive no file pattern can see, hence a
 * rule of our own rather than no-restricted-imports).
 */
const clientImports = {
  meta: {
    type: "problem",
    messages: {
      serverModule:
        "'{{source}}' is a server module: code that runs in the browser may import only lib/shared/ of lib/.",
    },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const inComponents = /(^|[\\/])app[\\/](.+[\\/])?components[\\/]/.test(
      path.relative(root, file),
    );
    const isClient = context.sourceCode.ast.body.some(
      (node) => node.type === "ExpressionStatement" && node.directive === "use client",
    );
    if (!inComponents && !isClient) return {};
    const check = (source) => {
      if (!source || source.type !== "Literal" || typeof source.value !== "string") return;
      const spec = source.value;
      const target = spec.startsWith("@/")
        ? path.join(root, spec.slice(2))
        : spec.startsWith(".")
          ? path.resolve(path.dirname(file), spec)
          : null;
      if (target === null) return;
      const inside = (dir) => (target + path.sep).startsWith(dir);
      if (inside(lib) && !inside(shared)) {
        context.report({ node: source, messageId: "serverModule", data: { source: spec } });
      }
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
    };
  },
};

const config = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    plugins: { project: { rules: { "client-imports": clientImports } } },
    rules: { "project/client-imports": "error" },
  },
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
