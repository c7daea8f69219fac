/**
 * The operator console (issue 11), `--only console` (or `console-page`, `rooms` for one part):
 * its first-load JS in Chromium, opened from `npm run operator-link`'s link until it shows
 * "Live", and `GET /api/rooms` with the operator's Bearer token under autocannon, (a) with
 * LiveKit's room API (the loopback stand-in, its own process) answering for CONSOLE.rooms live
 * rooms, and (b) in webhook-only mode (the room API failing every call), where the answer is the
 * projection of CONSOLE.webhookOnlyEvents stored events. Both servers use the memory store.
 */
import { startServer, type RunningServer } from "../../../tests/support/server";
import { bearerGetTarget } from "../load-targets";
import { measureConsoleWeight } from "../measure/console-weight";
import { CONNECTION_RAMP_MS, measureAlternating } from "../measure/http-load";
import { kb } from "../measure/stats";
import { cpu, ms, table } from "../report";
import {
  benchRooms,
  busyHistory,
  liveRoomsHistory,
  operatorLink,
  sendWebhooks,
  startRoomApiStandIns,
} from "../rooms";
import type { Figures, Section, TargetRule } from "../section";
import { CONSOLE, HTTP } from "../settings";
import { failedAnswers, GOALS } from "../targets";

/** What `GET /api/rooms` must answer before it is loaded: the mode the row is named for. */
async function expectRooms(
  server: RunningServer,
  token: string,
  source: "livekit" | "webhooks",
  atLeastRooms: number,
): Promise<void> {
  const response = await fetch(`${server.url}/api/rooms`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  const text = await response.text();
  const answer = JSON.parse(text) as { source?: string; rooms?: unknown[]; reason?: string };
  if (response.status !== 200 || answer.source !== source) {
    throw new Error(
      `GET /api/rooms: expected 200 from ${source}, got ${response.status}: ${text.slice(0, 300)}`,
    );
  }
  if ((answer.rooms?.length ?? 0) < atLeastRooms) {
    throw new Error(
      `GET /api/rooms (${source}): ${answer.rooms?.length ?? 0} rooms, expected ${atLeastRooms}`,
    );
  }
}

function render({ console: figures }: Figures): string | null {
  if (!figures) return null;
  const parts: string[] = [];
  const page = figures.page;
  if (page) {
    parts.push(
      `\nOperator console: first-load JS of /console (opened from npm run operator-link's link) until it shows "Live" ` +
        `(KB = 1024 B; gzip level 6 as next start sends it); LiveKit's code loaded: ${page.livekitMarks.length ? page.livekitMarks.join(", ") : "none"}:\n` +
        table(
          ["page", "scripts", "KB", "KB gzip"],
          [
            [
              "/console",
              String(page.scripts.length),
              kb(page.bytes).toFixed(1),
              kb(page.gzipBytes).toFixed(1),
            ],
          ],
        ),
    );
  }
  const rooms = figures.rooms;
  if (rooms) {
    const rows = ["livekit", "webhooks"]
      .filter((key) => rooms[key])
      .map((key) => {
        const result = rooms[key]!;
        return [
          result.label,
          String(result.requestsPerSecond),
          ms(result.p50),
          ms(result.p99),
          cpu(result),
        ];
      });
    parts.push(
      `\nGET /api/rooms with an operator token (roomList), ${CONSOLE.connections} connections (autocannon), mean of ` +
        `${HTTP.rounds} alternating ${HTTP.seconds} s rounds, latency after the first ${CONNECTION_RAMP_MS} ms; ` +
        `server CPU is our server's only (the room API stand-in runs in its own process):\n` +
        table(["route", "req/s", "p50 ms", "p99 ms", "server CPU ms/req"], rows),
    );
  }
  return parts.length ? parts.join("\n") : null;
}

const consoleTargets: TargetRule = ({ console: figures }) => [
  ...(figures?.page
    ? [
        {
          name: "console loads LiveKit's code",
          goal: "none",
          measured: figures.page.livekitMarks.length
            ? figures.page.livekitMarks.join(", ")
            : "none",
          met: figures.page.livekitMarks.length <= GOALS.consoleLivekitMarks.atMost,
        },
        {
          name: "console page JS (gzip)",
          goal: `≤ ${GOALS.consolePageGzipKB.atMost} KB`,
          measured: `${kb(figures.page.gzipBytes)} KB`,
          met: figures.page.gzipBytes <= GOALS.consolePageGzipKB.atMost * 1024,
        },
      ]
    : []),
  ...(figures?.rooms ? failedAnswers(figures.rooms) : []),
];

export const consoleSection: Section = {
  name: "console",
  selectors: ["console", "console-page", "rooms"],
  byDefault: true,
  async run({ selected, figures, log, serverEnv }) {
    const wantPage = selected.has("console") || selected.has("console-page");
    const wantRooms = selected.has("console") || selected.has("rooms");
    log(
      `\n# Operator console: ${[wantPage && "first-load JS", wantRooms && "GET /api/rooms"].filter(Boolean).join(", ")}`,
    );
    const rooms = benchRooms(CONSOLE.rooms, CONSOLE.participantsPerRoom);
    const standIns = await startRoomApiStandIns(rooms);
    // A room API slowed by the load must not turn row (a) into webhook-only mode.
    const live = await startServer(
      serverEnv({ LIVEKIT_URL: standIns.answering, ROOM_API_TIMEOUT_MS: "60000" }),
    );
    const webhookOnly = wantRooms
      ? await startServer(serverEnv({ LIVEKIT_URL: standIns.failing }))
      : null;
    try {
      const liveHistory = liveRoomsHistory(rooms);
      await sendWebhooks(live.url, liveHistory);
      const { link, token } = await operatorLink(live.url);
      const results: NonNullable<Figures["console"]> = {};
      figures.console = results;
      if (wantPage) {
        results.page = await measureConsoleWeight(link);
        log(
          `  /console: ${results.page.scripts.length} scripts, ${kb(results.page.gzipBytes)} KB gzip`,
        );
      }
      if (webhookOnly) {
        const history = busyHistory(CONSOLE.webhookOnlyEvents);
        await sendWebhooks(webhookOnly.url, history);
        await expectRooms(live, token, "livekit", CONSOLE.rooms);
        await expectRooms(webhookOnly, token, "webhooks", 1);
        const measured = await measureAlternating(
          [
            bearerGetTarget(
              live,
              "livekit",
              `GET /api/rooms, room API: ${CONSOLE.rooms} rooms × ${CONSOLE.participantsPerRoom} participants (${liveHistory.length} events stored)`,
              "/api/rooms",
              token,
            ),
            bearerGetTarget(
              webhookOnly,
              "webhooks",
              `GET /api/rooms, webhook-only (room API failing), ${history.length} events stored`,
              "/api/rooms",
              token,
            ),
          ],
          { ...HTTP, connections: CONSOLE.connections, warmupSeconds: CONSOLE.warmupSeconds },
          log,
        );
        // Still the mode it is named for after the load (no fallback to the log on a slow API).
        await expectRooms(live, token, "livekit", CONSOLE.rooms);
        results.rooms = Object.fromEntries(measured);
        results.roomsSetup = {
          liveRooms: CONSOLE.rooms,
          participantsPerRoom: CONSOLE.participantsPerRoom,
          livekitStoredEvents: liveHistory.length,
          webhookOnlyStoredEvents: history.length,
        };
      }
    } finally {
      await Promise.all([live.stop(), webhookOnly?.stop(), standIns.stop()]);
    }
  },
  render,
  targets: [consoleTargets],
};
