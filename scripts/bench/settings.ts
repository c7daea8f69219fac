/** How hard and how long `npm run bench` loads the servers; written into the results' JSON. */

export const HTTP = { connections: 50, rounds: 4, seconds: 3, warmupSeconds: 1 };
/**
 * 5 webhooks a second into one room is a busy room (LiveKit sends a room's events one at a
 * time, as people join, publish and leave) and leaves the server time between events, so the
 * figure is the fan-out's latency rather than a queue's; the CPU per delivery says what any
 * other rate would cost. 50 of them: p99 over N subscribers is set by the slowest few events,
 * so fewer would let one stall of the machine decide it. Even so one stall decides a round:
 * hence `rounds` rounds per count, interleaved with the empty Pages-route floor's (fanout.ts),
 * and the median and spread of each.
 */
export const FANOUT = {
  perSecond: 5,
  webhooks: 50,
  subscriberCounts: [200, 1000],
  rounds: 3,
  /**
   * What a webhook costs with no subscriber, measured `rounds` times per setup before the
   * fan-out: taken out of the fan-out's CPU, it leaves the delivery's own. Faster than the
   * fan-out's rate (a webhook's cost does not depend on it, and the server idles in between),
   * and enough webhooks that /proc's 10 ms CPU ticks are a few percent of the total.
   */
  webhookOnly: { webhooks: 100, perSecond: 25 },
};
export const IDLE_CONNECTIONS = 1000;
/**
 * The console's rooms route is loaded twice: with LiveKit's room API (the loopback stand-in)
 * holding `rooms` live rooms of `participantsPerRoom` participants (and their webhooks in the
 * log), and in webhook-only mode (the room API failing) over `webhookOnlyEvents` stored events,
 * the most it projects (HISTORY_LIMIT in lib/rooms/overview.ts).
 *
 * An operator's page asks it once per load and per reconnect: a handful of clients, not the
 * token route's crowd. Each request makes a call to the room API per live room, so at HTTP's 50
 * connections most of a request's time is the queue, and on a busy machine a 3 s round can end
 * before any answer; so it gets `connections`.
 */
export const CONSOLE = {
  rooms: 20,
  participantsPerRoom: 5,
  webhookOnlyEvents: 1000,
  connections: 10,
  /** A route this much slower than the token's is still cold after HTTP's 1 s warm-up. */
  warmupSeconds: 3,
};
/**
 * The webhook verification micro-benchmark: this many signed bodies (each its own event id),
 * verified by each candidate in turn, `rounds` times; the median round is reported.
 */
export const WEBHOOK_VERIFICATION = { bodies: 2000, rounds: 7 };
export const ROOM = "bench-room";
/**
 * Every server runs with the limiter on (it costs what it costs) but far above the bench's rate;
 * no stream cap, since every subscriber connects from one loopback address with one token.
 */
export const SERVER_ENV = {
  TOKEN_RATE_LIMIT_PER_MINUTE: "1000000",
  SSE_MAX_STREAMS_PER_CLIENT: "0",
  SSE_MAX_STREAMS_PER_CREDENTIAL: "0",
};
/**
 * The `live` section (a real livekit-server, sections/live.ts): `joins` Chromium pages join one
 * room one after another through our page while an observer page watches its log; then a burst
 * of `burst.participants` (audio only, in pages of `perPage` participants each, subscribing to
 * nothing) join one room at once with `burst.subscribers` event-log streams open on it.
 * `idleSeconds`: the app's CPU with the streams open and no event, measured before the burst.
 * `departureTimeout`: seconds livekit-server keeps an emptied room (its room_finished ends the
 * burst).
 */
export const LIVE = {
  joins: 20,
  burst: { participants: 50, perPage: 10, subscribers: 200, idleSeconds: 5 },
  departureTimeout: 2,
};
