/**
 * The real livekit-server in the loop: it runs on loopback only, and its own webhooks (not our
 * simulator's) reach this app's production build, verify, and are stored once.
 */
import { networkInterfaces } from "node:os";
import { RoomServiceClient } from "livekit-server-sdk";
import { describe, expect, it } from "vitest";
import {
  liveStackForFile,
  operatorToken,
  TEST_API_KEY,
  TEST_API_SECRET,
} from "../support/fixtures";
import { connectSse, parseEventMessage } from "../support/sse";

const stack = liveStackForFile();

describe("a real livekit-server", () => {
  it("runs where the only network is loopback", () => {
    const addresses = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
    expect(addresses.length).toBeGreaterThan(0);
    expect(addresses.every((address) => address.internal)).toBe(true);
  });

  it("posts its own room_started and room_finished to /api/webhook, stored once each", async () => {
    const room = `harness-${Date.now()}`;
    const events = await connectSse(stack.server.url, {
      token: await operatorToken(),
      bearer: true,
      room,
    });
    const api = new RoomServiceClient(stack.livekit.httpUrl, TEST_API_KEY, TEST_API_SECRET);
    await api.createRoom({ name: room });
    await api.deleteRoom(room);
    const types = () => events.messages.map((message) => parseEventMessage(message).event.event);
    await events.waitFor(() => types().includes("room_finished"), 20_000);
    events.close();
    expect(types()).toEqual(["room_started", "room_finished"]);
    const started = parseEventMessage(events.messages[0]!).event;
    expect(started.id).toMatch(/^EV_/);
    expect((started.room as { name: string }).name).toBe(room);
  });
});
