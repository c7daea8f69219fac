/**
 * What the console's rows load: LiveKit's room API (the tests' loopback stand-in, in a process of
 * its own: baselines/room-api-stand-in.ts) holding live rooms, and webhook logs, sent to a
 * server through its real webhook route, signed as livekit-server signs them.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import {
  buildWebhookEvent,
  encodeWireJson,
  postWebhook,
  signWebhook,
  stableLivekitId,
} from "../../lib/livekit-wire";
import type { EventType } from "../../lib/shared/event-catalogue";
import { TEST_API_KEY, TEST_API_SECRET } from "../../tests/support/keys";
import { ROOT } from "../../tests/support/server";
import { assertLoopback } from "./measure/http-load";

const run = promisify(execFile);

/** A live room as the bench fills it: its name and its participants' identities. */
export interface BenchRoom {
  name: string;
  identities: string[];
}

/** `rooms` live rooms of `participants` participants each (each publishes a camera track). */
export function benchRooms(rooms: number, participants: number): BenchRoom[] {
  return Array.from({ length: rooms }, (_, room) => ({
    name: `console-room-${room + 1}`,
    identities: Array.from({ length: participants }, (_, p) => `participant-${p + 1}`),
  }));
}

/** The sid the simulator gives a participant's camera track (lib/livekit-wire.ts). */
export const cameraTrackSid = (room: string, identity: string) =>
  stableLivekitId("TR_", `${room}\u0000${identity}\u0000camera`);

export interface WebhookToSend {
  type: EventType;
  room: string;
  identity?: string;
}

/** The webhooks LiveKit would have sent for `rooms`: each room started, each participant joined and published. */
export function liveRoomsHistory(rooms: BenchRoom[]): WebhookToSend[] {
  return rooms.flatMap(({ name, identities }) => [
    { type: "room_started" as const, room: name },
    ...identities.flatMap((identity) => [
      { type: "participant_joined" as const, room: name, identity },
      { type: "track_published" as const, room: name, identity },
    ]),
  ]);
}

/**
 * `count` webhooks of a busy server's day, for the webhook-only mode (where the rooms are the
 * projection of the log): rooms of six participants who join and publish, half of whom leave;
 * every third room records (egress), every fourth has finished.
 */
export function busyHistory(count: number): WebhookToSend[] {
  const events: WebhookToSend[] = [];
  for (let index = 1; events.length < count; index++) {
    const room = `history-room-${index}`;
    const identities = Array.from({ length: 6 }, (_, p) => `participant-${p + 1}`);
    events.push({ type: "room_started", room });
    for (const identity of identities) {
      events.push({ type: "participant_joined", room, identity });
      events.push({ type: "track_published", room, identity });
    }
    if (index % 3 === 0) events.push({ type: "egress_started", room });
    for (const identity of identities.slice(0, 3)) {
      events.push({ type: "participant_left", room, identity });
    }
    if (index % 4 === 0) events.push({ type: "room_finished", room });
  }
  return events.slice(0, count);
}

/**
 * Posts `events` to `baseUrl`'s webhook route, signed with the test keys, a few at a time. Each
 * is dated one second after the one before (ending now), so the projection's order is theirs
 * whatever order they arrive in. Throws on any answer other than 200.
 */
export async function sendWebhooks(baseUrl: string, events: WebhookToSend[]): Promise<void> {
  assertLoopback(baseUrl);
  const start = Math.floor(Date.now() / 1000) - events.length;
  let next = 0;
  const worker = async () => {
    while (next < events.length) {
      const index = next++;
      const { type, room, identity } = events[index]!;
      const body = encodeWireJson(buildWebhookEvent(type, { room, identity, now: start + index }));
      const response = await postWebhook(
        `${baseUrl}/api/webhook`,
        body,
        signWebhook(body, TEST_API_KEY, TEST_API_SECRET),
      );
      const text = await response.text();
      if (response.status !== 200) {
        throw new Error(`webhook ${type} for ${room}: ${response.status} ${text.slice(0, 200)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/** The stand-ins' process: one answering with the rooms, one failing every call. */
export interface RoomApiStandIns {
  /** ws:// URLs for LIVEKIT_URL. */
  answering: string;
  failing: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts baselines/room-api-stand-in.ts holding `rooms`; resolves once it printed its URLs. */
export async function startRoomApiStandIns(rooms: BenchRoom[]): Promise<RoomApiStandIns> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(__dirname, "baselines/room-api-stand-in.ts")],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "/tmp",
        NODE_ENV: "production",
      },
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
  let errors = "";
  child.stderr.on("data", (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-4096)));
  child.stdin.end(JSON.stringify(rooms));
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    child.once("exit", (code) =>
      reject(new Error(`the room API stand-in exited (${code}):\n${errors}`)),
    );
  });
  const urls = JSON.parse(first) as { answering: string; failing: string };
  return {
    ...urls,
    process: child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/**
 * The console link `npm run operator-link` prints for `baseUrl` (the real script, run as npm
 * runs it, with the test keys): `<baseUrl>/console#token=<operator token>`.
 */
export async function operatorLink(baseUrl: string): Promise<{ link: string; token: string }> {
  const { stdout } = await run(
    process.execPath,
    [
      "--import",
      "tsx",
      "--conditions=react-server",
      path.join(ROOT, "scripts/operator-link.ts"),
      "--base-url",
      baseUrl,
    ],
    {
      cwd: ROOT,
      env: { ...process.env, LIVEKIT_API_KEY: TEST_API_KEY, LIVEKIT_API_SECRET: TEST_API_SECRET },
    },
  );
  const link = stdout.trim();
  const token = /#token=([\w-]+\.[\w-]+\.[\w-]+)$/.exec(link)?.[1];
  if (!token) throw new Error(`operator-link printed no console link: ${link}`);
  return { link, token };
}
