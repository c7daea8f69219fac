/**
 * The README's and docs' promise that their commands work as written from a fresh clone, kept as
 * a checklist: every `npm run` names a script of package.json, every file a command runs exists,
 * every option given to one of this project's CLIs is one its --help names, and every link to a
 * file of the repository (and its #anchor) leads somewhere. What the commands then do is each
 * CLI's and route's own tests' business (tests/integration/cli.test.ts and the rest).
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ROOT } from "../support/server";

const run = promisify(execFile);
const DOCS = [
  "README.md",
  ...readdirSync(path.join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];
const scripts = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts as Record<
  string,
  string
>;
/** The project's CLIs whose options the docs use: each answers --help with its usage. */
const CLIS: Record<string, string> = {
  webhook: "scripts/webhook.ts",
  invite: "scripts/invite.ts",
  "operator-link": "scripts/operator-link.ts",
  "operator-token": "scripts/operator-token.ts",
};

/** Each shell command line of the fenced sh/bash blocks, comments and continuations joined. */
function shellLines(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), "utf8");
  const lines: string[] = [];
  for (const block of text.matchAll(/^\s*```(?:sh|bash|shell)\n([\s\S]*?)^\s*```/gm)) {
    const joined = block[1]!.replace(/\\\n/g, " ");
    for (const raw of joined.split("\n")) {
      const line = raw.replace(/\s#.*$/, "").trim();
      if (line && !line.startsWith("#")) lines.push(line);
    }
  }
  return lines;
}

/** The commands of a line: split at &&, ||, ; and |, environment assignments dropped. */
function commandsOf(line: string): string[][] {
  return line
    .split(/&&|\|\||;|\|/)
    .map((part) => part.trim().split(/\s+/).filter(Boolean))
    .map((words) => {
      while (words[0] && /^[A-Z_][A-Z0-9_]*=/.test(words[0])) words.shift();
      return words;
    })
    .filter((words) => words.length > 0);
}

/** GitHub's anchor of a heading: lower case, punctuation but - and _ dropped, spaces as -. */
const slug = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[`*]/g, "")
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");

describe("the README's and docs' commands and links", () => {
  const uses = DOCS.flatMap((file) =>
    shellLines(file).flatMap((line) => commandsOf(line).map((words) => ({ file, line, words }))),
  );

  it("find shell commands to check (the check itself can fail)", () => {
    expect(uses.filter((u) => u.words[0] === "npm").length).toBeGreaterThan(10);
  });

  it("every npm run names a script, every file a command runs exists", () => {
    const problems: string[] = [];
    for (const { file, line, words } of uses) {
      if (words[0] === "npm" && words[1] === "run" && !(words[2]! in scripts)) {
        problems.push(`${file}: ${line}: no script ${words[2]}`);
      }
      const runner = words[0]!.replace(/^"\$\(/, "");
      if (
        ["bash", "node", "source", "tsx"].includes(runner) &&
        words[1] &&
        !words[1].startsWith("-")
      ) {
        const target = words[1].replace(/\)"?$/, "");
        if (!existsSync(path.join(ROOT, target)))
          problems.push(`${file}: ${line}: no file ${target}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("every option given to a CLI of this project is one its --help names", async () => {
    const problems: string[] = [];
    for (const [name, script] of Object.entries(CLIS)) {
      const { stdout } = await run(
        path.join(ROOT, "node_modules/.bin/tsx"),
        ["--conditions=react-server", script, "--help"],
        { cwd: ROOT },
      );
      for (const { file, line, words } of uses) {
        if (words[0] !== "npm" || words[1] !== "run" || words[2] !== name) continue;
        for (const option of words.filter((w) => /^--[a-z]/.test(w))) {
          if (!stdout.includes(option)) problems.push(`${file}: ${line}: ${name} has no ${option}`);
        }
      }
    }
    expect(problems).toEqual([]);
  }, 60_000);

  it("every link to a file of the repository, and its #anchor, leads somewhere", () => {
    const problems: string[] = [];
    for (const file of DOCS) {
      const text = readFileSync(path.join(ROOT, file), "utf8");
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^(https?:|mailto:)/.test(target!)) continue;
        const [where, anchor] = target!.split("#");
        const resolved = where
          ? path.join(path.dirname(path.join(ROOT, file)), where)
          : path.join(ROOT, file);
        if (!existsSync(resolved)) {
          problems.push(`${file}: ${target}: no such file`);
          continue;
        }
        if (anchor && resolved.endsWith(".md")) {
          const headings = [...readFileSync(resolved, "utf8").matchAll(/^#+ (.+)$/gm)].map((m) =>
            slug(m[1]!),
          );
          if (!headings.includes(anchor))
            problems.push(`${file}: ${target}: no heading #${anchor}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
