import { describe, expect, it } from "vitest";
import { MAX_REMEMBERED_IDS, REPLAY_WINDOW_SECONDS } from "@/lib/events/memory";
import { SeenIds } from "@/lib/events/seen-ids";

describe("SeenIds: delivered ids remembered for a time, bounded", () => {
  it("remembers an id for its window, then forgets it", () => {
    const seen = new SeenIds(1000, 10);
    seen.add("EV_a", 0);
    expect(seen.has("EV_a", 999)).toBe(true);
    expect(seen.has("EV_a", 1000)).toBe(false);
    seen.add("EV_b", 2000);
    expect(seen.size).toBe(1);
  });

  it("keeps at most its cap under a flood, forgetting the oldest first", () => {
    const seen = new SeenIds(60_000, 100);
    for (let i = 0; i < 1000; i++) seen.add(`EV_${i}`, i);
    expect(seen.size).toBe(100);
    expect(seen.has("EV_999", 1000)).toBe(true);
    expect(seen.has("EV_0", 1000)).toBe(false);
  });

  it("outlasts a webhook JWT (5 min, plus tolerance); its full cap costs a bounded heap", () => {
    expect(REPLAY_WINDOW_SECONDS).toBeGreaterThanOrEqual(5 * 60 + 10);
    const before = process.memoryUsage().heapUsed;
    const seen = new SeenIds(REPLAY_WINDOW_SECONDS * 1000, MAX_REMEMBERED_IDS);
    // LiveKit's ids: EV_ and 12 characters.
    for (let i = 0; i < MAX_REMEMBERED_IDS; i++) seen.add(`EV_${String(i).padStart(12, "x")}`, 0);
    const grown = process.memoryUsage().heapUsed - before;
    console.log(
      `SeenIds at its cap of ${MAX_REMEMBERED_IDS}: ${(grown / 1024 / 1024).toFixed(1)} MB heap`,
    );
    expect(seen.size).toBe(MAX_REMEMBERED_IDS);
    expect(grown).toBeLessThan(32 * 1024 * 1024);
  });
});
