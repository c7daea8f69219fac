import { describe, expect, it } from "vitest";
import {
  formatTime,
  matchesFilter,
  mergeEntries,
  timeOf,
  type LogEntry,
} from "@/app/components/event-summary";
import type { WebhookEventJson as LogEvent } from "@/lib/shared/event-model";
import { buildWebhookEvent } from "@/lib/livekit-wire";

const entry = (id: string, event: LogEvent, receivedAt = 1_761_100_000_000): LogEntry => ({
  id,
  receivedAt,
  room: event.room?.name ?? null,
  event,
});
const wire = (...args: Parameters<typeof buildWebhookEvent>) =>
  buildWebhookEvent(...args) as unknown as LogEvent;

describe("timeOf", () => {
  it("uses LiveKit's createdAt (Unix seconds, a string), else the time the server stored it", () => {
    expect(
      timeOf(entry("1-0", { event: "room_started", id: "EV_1", createdAt: "1761100000" })),
    ).toEqual(new Date(1_761_100_000_000));
    expect(timeOf(entry("1-0", { event: "room_started", id: "EV_1" }, 1234))).toEqual(
      new Date(1234),
    );
  });

  it("formats as 24-hour HH:MM:SS", () => {
    expect(formatTime(new Date(2026, 0, 1, 13, 5, 9))).toMatch(/^13.05.09$/);
  });
});

describe("matchesFilter", () => {
  const joined = entry("1-0", wire("participant_joined"));
  it("filters by family and by type", () => {
    expect(matchesFilter(joined, "all")).toBe(true);
    expect(matchesFilter(joined, "family:participant")).toBe(true);
    expect(matchesFilter(joined, "family:track")).toBe(false);
    expect(matchesFilter(joined, "type:participant_joined")).toBe(true);
    expect(matchesFilter(joined, "type:participant_left")).toBe(false);
  });
});

describe("mergeEntries", () => {
  const a = entry("100-0", wire("room_started"));
  const b = entry("100-1", wire("participant_joined"));
  const c = entry("101-0", wire("participant_left"));

  it("keeps store order, once per id", () => {
    const log = mergeEntries([a, c], [b, a], 10);
    expect(log.map((item) => item.id)).toEqual(["100-0", "100-1", "101-0"]);
  });

  it("returns the same array when nothing is new (React skips the render)", () => {
    const log = [a, b];
    expect(mergeEntries(log, [a], 10)).toBe(log);
  });

  it("keeps the newest `max`", () => {
    expect(mergeEntries([a, b], [c], 2).map((item) => item.id)).toEqual(["100-1", "101-0"]);
  });
});
