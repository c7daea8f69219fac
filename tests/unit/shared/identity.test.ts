import { describe, expect, it } from "vitest";
import { newIdentity } from "@/lib/shared/identity";

describe("newIdentity", () => {
  it("keeps the typed name and adds a random suffix, so two tabs never share an identity", () => {
    const identities = new Set(Array.from({ length: 50 }, () => newIdentity("Sam")));
    expect(identities.size).toBe(50);
    for (const identity of identities) expect(identity).toMatch(/^Sam-[0-9a-f]{8}$/);
  });

  it("stays within the server's 128 characters", () => {
    const identity = newIdentity("x".repeat(200), () => "abcd1234");
    expect(identity).toHaveLength(128);
    expect(identity.endsWith("-abcd1234")).toBe(true);
  });
});
