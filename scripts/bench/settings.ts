/** How hard and how long `npm run bench` loads the servers; written into the results' JSON. */

export const HTTP = { connections: 50, rounds: 4, seconds: 3, warmupSeconds: 1 };
/**
 * 5 webhooks a second into one room is a busy room (LiveKit sends a room's events one at a
 * time, as people join, publish and leave) and leaves the server time between events, so the
 * figure is the fan-out's latency rather than a queue's; the CPU per delivery says what any
 * other rate would cost. 50 of them: p99 over N subscribers is set by the slowest few events,
 * so fewer would let one stall of the machine decide it.
 */
export const FANOUT = { perSecond: 5, webhooks: 50, subscriberCounts: [100, 200, 1000] };
export const IDLE_CONNECTIONS = 1000;
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
