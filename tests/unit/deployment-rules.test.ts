import { describe, expect, it } from "vitest";
import { HISTORIC_PATHS } from "@/lib/deployment-rules.cjs";
import { config } from "@/proxy";

/** proxy.ts's matcher must be a literal for Next: it may not add page headers to an API path. */
describe("historic paths", () => {
  it("are all left out of the page proxy's matcher, as /api is", () => {
    const matcher = new RegExp(`^${config.matcher[0]}$`);
    for (const path of [...Object.keys(HISTORIC_PATHS), "/api/token", "/api"]) {
      expect(matcher.test(path), path).toBe(false);
    }
    for (const path of ["/", "/console", "/console/room", "/tokens", "/webhooks"]) {
      expect(matcher.test(path), path).toBe(true);
    }
  });
});
