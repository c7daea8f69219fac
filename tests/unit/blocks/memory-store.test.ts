import { describe, expect, it } from "vitest";
import { MAX_MEMORY_ADMISSIONS, MemoryBlockStore } from "@/lib/blocks/memory";
import { describeBlockStoreContract } from "../../support/block-store-contract";

describeBlockStoreContract("memory", async () => {
  const store = new MemoryBlockStore();
  return { store, close: () => store.close() };
});

describe("MemoryBlockStore", () => {
  it("holds at most MAX_MEMORY_ADMISSIONS admissions, dropping the oldest", async () => {
    const store = new MemoryBlockStore();
    for (let i = 0; i <= MAX_MEMORY_ADMISSIONS; i++) {
      await store.recordAdmission({ room: "r", identity: `g${i}`, invite: `j${i}` }, 60);
    }
    expect(await store.admission("r", "g0")).toBeNull();
    expect((await store.admission("r", `g${MAX_MEMORY_ADMISSIONS}`))?.invite).toBe(
      `j${MAX_MEMORY_ADMISSIONS}`,
    );
  });
});
