/**
 * LiveKit's room API for the console's rows of `npm run bench`: the tests' loopback stand-in
 * (tests/support/livekit-room-api.ts) in a process of its own, so its work (it verifies the
 * token of every call, as livekit-server does) is neither on the load generator's event loop
 * nor counted as our server's CPU. Two of them: one answering with the rooms read from stdin
 * (JSON, BenchRoom[] of ../rooms.ts; each participant with a camera track), one failing every
 * call (503: the console's webhook-only mode). Prints one JSON line with their URLs and serves
 * until it is sent SIGTERM. Only the benchmark starts it (../rooms.ts startRoomApiStandIns).
 */
import { startRoomApiStandIn } from "../../../tests/support/livekit-room-api";
import { cameraTrackSid, type BenchRoom } from "../rooms";

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const rooms = JSON.parse(Buffer.concat(chunks).toString()) as BenchRoom[];

  const answering = await startRoomApiStandIn();
  const createdAt = String(Math.floor(Date.now() / 1000) - 600);
  for (const [index, room] of rooms.entries()) {
    answering.rooms.set(room.name, {
      sid: `RM_bench${index}`,
      name: room.name,
      creationTime: createdAt,
      participants: room.identities.map((identity, p) => ({
        sid: `PA_bench${index}x${p}`,
        identity,
        name: identity,
        joinedAt: createdAt,
        tracks: [
          {
            sid: cameraTrackSid(room.name, identity),
            type: "VIDEO",
            source: "CAMERA",
            name: "camera",
          },
        ],
      })),
    });
  }
  // The stand-in records every call; the bench makes hundreds of thousands.
  setInterval(() => (answering.calls.length = 0), 1000).unref();

  const failing = await startRoomApiStandIn();
  failing.mode = "fail";
  setInterval(() => (failing.calls.length = 0), 1000).unref();

  process.stdout.write(`${JSON.stringify({ answering: answering.url, failing: failing.url })}\n`);
  process.once("SIGTERM", () => {
    void Promise.all([answering.close(), failing.close()]).then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
