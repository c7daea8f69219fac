/**
 * Records the webhooks a real livekit-server sends, exactly as it sends them:
 *
 *   npm run record-webhooks [-- --out DIR]
 *
 * Starts the pinned livekit-server (tests/support/livekit-server.ts: loopback ports, the test
 * keys) with its webhooks aimed at a tiny recorder on loopback, drives two real sessions with a
 * real LiveKit client (livekit-client in Debian's Chromium, fake camera and microphone), and writes every webhook's exact body (the bytes it
 * signed, as text) and headers (Authorization included: a JWT signed with the test keys, no
 * other secret) to tests/fixtures/livekit-webhooks/, one file per webhook, in arrival order:
 *
 * - "recorded-room": created by the room API, Alice joins, publishes a microphone and a camera,
 *   unpublishes the microphone and leaves; the room ends when its departure timeout runs out.
 * - "recorded-room-deleted": Bob joins a room that his join creates, publishes nothing, and the
 *   room is deleted by the room API with him in it.
 *
 * package.json runs it through scripts/loopback-only.sh: a network namespace with only `lo`,
 * so the server and the client can reach nothing but 127.0.0.1.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import path from "node:path";
import { AccessToken, RoomServiceClient } from "livekit-server-sdk";
import { TEST_API_KEY, TEST_API_SECRET } from "../tests/support/keys";
import { launchBrowser } from "../tests/support/browser";
import { startLivekitServer } from "../tests/support/livekit-server";
import type { RecordedWebhook } from "../tests/support/recorded-webhooks";
import { ROOT } from "../tests/support/server";
import { parseCliArgs, runCli } from "./cli";

const usage = `usage: npm run record-webhooks [-- --out DIR]
Starts the pinned livekit-server on loopback, drives real sessions in Chromium and
writes every webhook it sends (exact body and headers) to DIR
(default tests/fixtures/livekit-webhooks).`;

/** One webhook as it arrived: what each fixture file holds. */
type Recording = Omit<RecordedWebhook, "file">;

function record(request: IncomingMessage): Promise<Recording> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("error", reject);
    request.on("end", () => {
      const headers: [string, string][] = [];
      for (let i = 0; i < request.rawHeaders.length; i += 2) {
        headers.push([request.rawHeaders[i]!, request.rawHeaders[i + 1]!]);
      }
      resolve({
        method: request.method ?? "",
        path: request.url ?? "",
        headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
    });
  });
}

async function joinToken(room: string, identity: string, name: string): Promise<string> {
  const token = new AccessToken(TEST_API_KEY, TEST_API_SECRET, { identity, name, ttl: 600 });
  token.addGrant({
    roomJoin: true,
    room,
    canPublish: true,
    canSubscribe: true,
    canPublishData: true,
  });
  return token.toJwt();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `done()` holds, or fails after `ms` with what was received. */
async function until(done: () => boolean, ms: number, what: string, got: () => string) {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`no ${what} within ${ms} ms; received: ${got()}`);
    await sleep(100);
  }
}

runCli(usage, async () => {
  const { values } = parseCliArgs({ options: { out: { type: "string" } } });
  const out = path.resolve(values.out ?? path.join(ROOT, "tests/fixtures/livekit-webhooks"));

  const received: Recording[] = [];
  const client = readFileSync(
    path.join(ROOT, "node_modules/livekit-client/dist/livekit-client.umd.js"),
  );
  const recorder = createServer((request, response) => {
    if (request.method === "GET") {
      if (request.url === "/livekit-client.umd.js") {
        response.writeHead(200, { "Content-Type": "text/javascript" }).end(client);
      } else {
        response
          .writeHead(200, { "Content-Type": "text/html" })
          .end("<!doctype html><title>recorder</title>");
      }
      return;
    }
    record(request).then(
      (webhook) => {
        received.push(webhook);
        response.writeHead(200, { "Content-Type": "application/json" }).end("{}");
      },
      () => response.writeHead(400).end(),
    );
  });
  await new Promise<void>((resolve) => recorder.listen(0, "127.0.0.1", resolve));
  const address = recorder.address();
  const recorderPort = typeof address === "object" && address ? address.port : 0;

  const livekit = await startLivekitServer({
    webhookUrls: [`http://127.0.0.1:${recorderPort}/api/webhook`],
    departureTimeout: 1,
    emptyTimeout: 5,
  });
  const types = () =>
    received.map((webhook) => (JSON.parse(webhook.body) as { event: string }).event);
  const count = (type: string) => types().filter((t) => t === type).length;
  const got = () => types().join(", ");
  try {
    const api = new RoomServiceClient(livekit.httpUrl, TEST_API_KEY, TEST_API_SECRET);

    const browser = await launchBrowser();
    try {
      // One page per participant, served by the recorder (a secure context: 127.0.0.1), with
      // livekit-client's UMD build as the global LivekitClient.
      const page = async () => {
        const tab = await browser.newPage();
        await tab.goto(`http://127.0.0.1:${recorderPort}/`);
        await tab.addScriptTag({ url: "/livekit-client.umd.js" });
        return tab;
      };
      const join = (tab: Awaited<ReturnType<typeof page>>, token: string) =>
        tab.evaluate(
          async ([url, jwt]) => {
            const client = (window as unknown as { LivekitClient: typeof import("livekit-client") })
              .LivekitClient;
            const room = new client.Room();
            (window as unknown as { room: typeof room }).room = room;
            await room.connect(url!, jwt!, { rtcConfig: { iceServers: [] } });
          },
          [livekit.url, token],
        );
      type InPage = { room: import("livekit-client").Room };

      // Session 1: a room made by the API; a join, two publications, an unpublish, a leave.
      await api.createRoom({ name: "recorded-room" });
      await until(() => count("room_started") === 1, 10_000, "room_started", got);
      const alice = await page();
      await join(alice, await joinToken("recorded-room", "alice", "Alice"));
      await until(() => count("participant_joined") === 1, 15_000, "participant_joined", got);
      await alice.evaluate(async () => {
        const { room } = window as unknown as InPage;
        await room.localParticipant.setMicrophoneEnabled(true);
        await room.localParticipant.setCameraEnabled(true);
      });
      await until(() => count("track_published") === 2, 15_000, "two track_published", got);
      await alice.evaluate(async () => {
        const { room } = window as unknown as InPage;
        const microphone = [...room.localParticipant.audioTrackPublications.values()][0];
        if (microphone?.track) await room.localParticipant.unpublishTrack(microphone.track);
      });
      await until(() => count("track_unpublished") === 1, 15_000, "track_unpublished", got);
      await alice.evaluate(() => (window as unknown as InPage).room.disconnect());
      await until(() => count("participant_left") === 1, 15_000, "participant_left", got);
      await until(() => count("room_finished") === 1, 20_000, "room_finished", got);

      // Session 2: a room made by a join, deleted by the API with its participant in it.
      const bob = await page();
      await join(bob, await joinToken("recorded-room-deleted", "bob", "Bob"));
      await until(() => count("participant_joined") === 2, 15_000, "Bob's participant_joined", got);
      await api.deleteRoom("recorded-room-deleted");
      await until(() => count("room_finished") === 2, 20_000, "the second room_finished", got);
      await until(() => count("participant_left") === 2, 15_000, "Bob's participant_left", got);
      // Anything late (a retry, a straggler) is recorded too.
      await sleep(1500);
    } finally {
      await browser.close();
    }
  } finally {
    await livekit.stop();
    recorder.close();
  }

  mkdirSync(out, { recursive: true });
  for (const file of readdirSync(out)) {
    if (file.endsWith(".json")) rmSync(path.join(out, file));
  }
  received.forEach((webhook, index) => {
    const type = (JSON.parse(webhook.body) as { event: string }).event;
    const file = `${String(index + 1).padStart(2, "0")}-${type}.json`;
    writeFileSync(path.join(out, file), `${JSON.stringify(webhook, null, 2)}\n`);
  });
  console.log(`recorded ${received.length} webhooks to ${path.relative(ROOT, out)}: ${got()}`);
  return 0;
});
