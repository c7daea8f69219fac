import path from "node:path";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");

/** The project's lint (eslint.config.mjs) on a fixture placed at `file`: its rule ids. */
let eslint: ESLint;
async function ruleIds(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result!.messages.map((message) => message.ruleId ?? message.message);
}

describe("the lint rule: browser code imports only lib/shared/ of lib/", () => {
  beforeAll(() => {
    eslint = new ESLint({ cwd: ROOT });
  });

  it("fails a component that imports a server module, by alias or relative path", async () => {
    const wrong = [
      'import { getConfig } from "@/lib/config";',
      'import type { EventStore } from "../../../lib/events/types";',
      'export { roomsOverview } from "@/lib/rooms/overview";',
      "export const load = () => getConfig() && import('@/lib/token');",
    ].join("\n");
    const ids = await ruleIds("app/console/components/wrong.ts", wrong);
    expect(ids.filter((id) => id === "project/client-imports")).toHaveLength(4);
  });

  it("fails any 'use client' module outside components", async () => {
    const wrong =
      '"use client";\nimport { getEventStore } from "../lib/events";\nexport const s = getEventStore;\n';
    expect(await ruleIds("app/wrong-client.ts", wrong)).toContain("project/client-imports");
  });

  it("passes lib/shared/ in the browser, and any lib/ module on the server", async () => {
    const shared =
      '"use client";\nimport { EVENT_TYPES } from "@/lib/shared/event-catalogue";\nexport const t = EVENT_TYPES;\n';
    expect(await ruleIds("app/components/fine.ts", shared)).toEqual([]);
    const server = 'import { getConfig } from "@/lib/config";\nexport const c = getConfig;\n';
    expect(await ruleIds("app/api/fine/route.ts", server)).toEqual([]);
  });
});
