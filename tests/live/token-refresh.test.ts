/**
 * Token refresh against a real livekit-server: with join tokens of one minute
 * (TOKEN_TTL_SECONDS=60), a participant stays in the room past its token's expiry, because the
 * server hands it a fresh token, and reconnects with that one when its signalling drops; the
 * page's event stream, whose credential expires too, carries on without a gap.
 */
import { decodeJwt } from "jose";
import { RoomServiceClient } from "livekit-server-sdk";
import { afterAll, describe, expect, it } from "vitest";
import {
  browserForFile,
  liveStackForFile,
  operatorToken,
  TEST_API_KEY,
  TEST_API_SECRET,
} from "../support/fixtures";
import {
  dropSignalling,
  joinThroughPage,
  logTypes,
  socketUrls,
  waitConnected,
} from "../support/live-page";
import { connectSse, parseEventMessage } from "../support/sse";
import { waitUntil } from "../support/wait";

const TTL_SECONDS = 60;
const WAIT = 120_000;

const stack = liveStackForFile({ serverEnv: { TOKEN_TTL_SECONDS: String(TTL_SECONDS) } });
const { newPage } = browserForFile({ watchConnections: true });

afterAll(async () => {});

const count = (types: string[], type: string) => types.filter((t) => t === type).length;

describe("a one-minute join token", () => {
  it(
    "keeps its participant in the room past expiry (the server's refreshed token), and the page's log carries on",
    async () => {
      const room = `refresh-${Date.now().toString(36)}`;
      const operator = await connectSse(stack.server.url, {
        token: await operatorToken(),
        bearer: true,
        room,
      });
      const alice = await newPage();
      const streams: string[] = [];
      alice.on("request", (request) => {
        if (new URL(request.url()).pathname === "/api/events") streams.push(request.url());
      });
      await alice.goto(stack.server.url);
      const { token } = await joinThroughPage(alice, room, "Alice");
      await waitConnected(alice);
      const joinClaims = decodeJwt(token);
      expect(joinClaims.exp! - joinClaims.nbf!).toBe(TTL_SECONDS);
      const identity = joinClaims.sub!;
      const api = new RoomServiceClient(stack.livekit.httpUrl, TEST_API_KEY, TEST_API_SECRET);
      const before = await api.getParticipant(room, identity);

      // Past the join token's expiry (and the stream credential's: same lifetime).
      await waitUntil(
        () => Date.now() / 1000 > joinClaims.exp! + 5,
        "the join token expired",
        (TTL_SECONDS + 30) * 1000,
      );
      await waitConnected(alice);

      // Its signalling drops: livekit-client reconnects with the token the server refreshed.
      const opened = (await socketUrls(alice)).length;
      expect(await dropSignalling(alice)).toBeGreaterThan(0);
      let refreshed = "";
      await waitUntil(
        async () => {
          const again = (await socketUrls(alice))
            .slice(opened)
            .map((url) => new URL(url))
            .find((url) => url.pathname.includes("/rtc"));
          refreshed = again?.searchParams.get("access_token") ?? "";
          return refreshed !== "";
        },
        "a new signalling connection (/rtc)",
        WAIT,
      );
      expect(refreshed).not.toBe(token);
      const refreshedClaims = decodeJwt(refreshed);
      expect(refreshedClaims.sub).toBe(identity);
      expect(refreshedClaims.exp!).toBeGreaterThan(joinClaims.exp!);
      // livekit-server's own token (it issues ten minutes), not another of this app's 60 s ones.
      const refreshedLife = refreshedClaims.exp! - (refreshedClaims.nbf ?? refreshedClaims.iat!);
      expect(refreshedLife).toBeGreaterThan(TTL_SECONDS);
      await waitConnected(alice);
      // The same session, resumed: the same participant sid, not a second join.
      const after = await api.getParticipant(room, identity);
      expect(after.sid).toBe(before.sid);

      // The page's log carries on: Bob's join appears after both credentials expired.
      const bob = await newPage();
      await bob.goto(stack.server.url);
      await joinThroughPage(bob, room, "Bob");
      await waitConnected(bob);
      await waitUntil(
        async () => count(await logTypes(alice), "participant_joined") === 2,
        "Bob's participant_joined in Alice's log",
        WAIT,
      );
      // Every event the server stored for the room, and no gap row.
      await waitUntil(
        async () => (await logTypes(alice)).length === operator.messages.length,
        "Alice's log has every event of the room",
        WAIT,
      );
      operator.close();
      const stored = operator.messages.map((message) => parseEventMessage(message).event);
      expect(stored.filter((event) => event.event === "room_started")).toHaveLength(1);
      const aliceJoins = stored.filter(
        (event) =>
          event.event === "participant_joined" &&
          (event.participant as { identity: string }).identity === identity,
      );
      expect(aliceJoins).toHaveLength(1);
      expect(stored.some((event) => event.event === "participant_left")).toBe(false);
      const types = await logTypes(alice);
      expect(count(types, "room_started")).toBe(1);
      await expect(alice.locator(".log-gap").count()).resolves.toBe(0);
      // The stream was renewed when its credential expired, and went on.
      expect(streams.length).toBeGreaterThan(1);
    },
    WAIT * 4,
  );
});
