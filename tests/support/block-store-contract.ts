/**
 * The BlockStore contract: one suite, run against the memory store (tests/unit/blocks) and the
 * Redis store on a real redis-server (tests/integration/blocks-redis.test.ts).
 */
import { describe, expect, it } from "vitest";
import { matchingBlock, type BlockStore } from "@/lib/blocks/types";

export interface BlockStoreUnderTest {
  store: BlockStore;
  /** A second store on the same backend (another instance), where the implementation has one. */
  peer?: BlockStore;
  close(): Promise<void>;
}

const NAMES = ["..", ".", "a/b", "%2e%2e", "é ü 漢", "x:y", '"quoted"'];

export function describeBlockStoreContract(name: string, open: () => Promise<BlockStoreUnderTest>) {
  describe(`BlockStore contract: ${name}`, () => {
    const withStore = (test: (subject: BlockStoreUnderTest) => Promise<void>) => async () => {
      const subject = await open();
      try {
        await test(subject);
      } finally {
        await subject.close();
      }
    };

    it(
      "adds, lists per room (oldest first), replaces a block of the same identity, lifts",
      withStore(async ({ store, peer }) => {
        const other = peer ?? store;
        await store.add({ room: "r", identity: "bob", blockedAt: 10, by: "ops" });
        await store.add({ room: "r", identity: "guest-1", invite: "jti-1", blockedAt: 20 });
        await store.add({ room: "s", identity: "bob", blockedAt: 30 });
        expect(await other.list("r")).toEqual([
          { room: "r", identity: "bob", blockedAt: 10, by: "ops" },
          { room: "r", identity: "guest-1", invite: "jti-1", blockedAt: 20 },
        ]);
        await other.add({ room: "r", identity: "bob", subject: "bob", blockedAt: 40 });
        expect((await store.list("r")).map((b) => [b.identity, b.blockedAt])).toEqual([
          ["guest-1", 20],
          ["bob", 40],
        ]);
        expect(await other.lift("r", "bob")).toBe(true);
        expect(await store.lift("r", "bob")).toBe(false);
        expect((await store.list("r")).map((b) => b.identity)).toEqual(["guest-1"]);
        expect((await store.list("s")).map((b) => b.identity)).toEqual(["bob"]);
        expect(await store.list("nowhere")).toEqual([]);
      }),
    );

    it(
      "keeps room names and identities as data: `..`, `/`, `%`, quotes and non-ASCII never meet",
      withStore(async ({ store }) => {
        for (const room of NAMES) {
          for (const identity of NAMES) {
            await store.add({ room, identity, blockedAt: 1 });
          }
        }
        for (const room of NAMES) {
          expect((await store.list(room)).map((b) => b.identity).sort()).toEqual([...NAMES].sort());
        }
        expect(await store.lift("..", "a/b")).toBe(true);
        expect((await store.list("..")).map((b) => b.identity)).not.toContain("a/b");
        expect((await store.list(".")).map((b) => b.identity)).toContain("a/b");
      }),
    );

    it(
      "remembers an admission (invite, sub) for its lifetime, seen by every instance",
      withStore(async ({ store, peer }) => {
        await store.recordAdmission({ room: "r", identity: "guest-2", invite: "jti-2" }, 60);
        expect(await (peer ?? store).admission("r", "guest-2")).toEqual({
          room: "r",
          identity: "guest-2",
          invite: "jti-2",
        });
        expect(await store.admission("other", "guest-2")).toBeNull();
        expect(await store.admission("r", "guest-3")).toBeNull();
      }),
    );

    it("matches a candidate by identity, invite or sub, never by an absent field", () => {
      const blocks = [
        { room: "r", identity: "guest-1", invite: "jti-1", blockedAt: 1 },
        { room: "r", identity: "alice", subject: "alice", blockedAt: 2 },
      ];
      expect(matchingBlock(blocks, { identity: "guest-1" })?.identity).toBe("guest-1");
      expect(matchingBlock(blocks, { identity: "guest-9", invite: "jti-1" })?.identity).toBe(
        "guest-1",
      );
      expect(matchingBlock(blocks, { identity: "x", subject: "alice" })?.identity).toBe("alice");
      expect(matchingBlock(blocks, { identity: "guest-9", invite: "jti-2" })).toBeNull();
      expect(matchingBlock(blocks, { identity: "x" })).toBeNull();
    });
  });
}
