/**
 * A real LiveKit agent worker (@livekit/agents for Node), run as its own process by
 * tests/live/agent-dispatch.test.ts:
 *
 *   node tests/support/agent-worker.mjs   (LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET,
 *                                          AGENT_NAME, AGENT_HTTP_PORT in the environment)
 *
 * It registers with the livekit-server under AGENT_NAME (explicit dispatch only) and prints one
 * JSON line per thing the test waits for: `{"registered":…}` once the server accepted it,
 * `{"jobRequest":{…}}` for each job the server offers (accepted), `{"jobEntered":{…}}` from the
 * job's own process when the framework runs the agent, then `{"jobConnected":{…}}` or
 * `{"jobConnectFailed":{…}}` for its connection to the room as the agent participant. This file is
 * also the agent: the framework imports it in each job process for its default export.
 */
import { fileURLToPath } from "node:url";
import { AgentServer, ServerOptions, defineAgent, initializeLogger } from "@livekit/agents";

const say = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

export default defineAgent({
  entry: async (ctx) => {
    const job = { id: ctx.job.id, room: ctx.job.room?.name, metadata: ctx.job.metadata };
    say({ jobEntered: job });
    try {
      await ctx.connect();
      say({ jobConnected: { ...job, identity: ctx.room.localParticipant?.identity } });
    } catch (error) {
      // @livekit/rtc-node's WebRTC (libwebrtc) ignores loopback interfaces: in a namespace with
      // only `lo` its media connection cannot be made (wait_pc_connection timed out).
      say({ jobConnectFailed: { ...job, error: String(error?.message ?? error) } });
      ctx.shutdown?.("media connection failed");
    }
  },
});

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  initializeLogger({ pretty: false, level: "warn" });
  const server = new AgentServer(
    new ServerOptions({
      agent: fileURLToPath(import.meta.url),
      agentName: process.env.AGENT_NAME,
      wsURL: process.env.LIVEKIT_URL,
      apiKey: process.env.LIVEKIT_API_KEY,
      apiSecret: process.env.LIVEKIT_API_SECRET,
      host: "127.0.0.1",
      port: Number(process.env.AGENT_HTTP_PORT),
      numIdleProcesses: 1,
      // Always available: the default load measure (this machine's CPU) marks a worker on a
      // busy test machine full, and the server then finds "no servers available".
      loadFunc: async () => 0,
      loadThreshold: 1,
      production: false,
      requestFunc: async (request) => {
        say({
          jobRequest: {
            id: request.id,
            room: request.room?.name,
            agentName: request.agentName,
            dispatchId: request.job.dispatchId,
            metadata: request.job.metadata,
          },
        });
        await request.accept();
      },
    }),
  );
  server.event.on("worker_registered", (id) => say({ registered: id }));
  process.on("SIGTERM", () => {
    server.close().finally(() => process.exit(0));
  });
  server.run().catch((error) => {
    console.error("agent worker failed:", error);
    process.exit(1);
  });
}
