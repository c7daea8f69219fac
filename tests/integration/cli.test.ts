/** The two CLIs users run by hand: the webhook simulator and the operator token. */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { TEST_API_KEY, TEST_API_SECRET, serverForFile } from "../support/fixtures";
import { ROOT } from "../support/server";
import { connectSse, parseEventMessage } from "../support/sse";

const run = promisify(execFile);
const tsx = path.join(ROOT, "node_modules/.bin/tsx");
const env = { ...process.env, LIVEKIT_API_KEY: TEST_API_KEY, LIVEKIT_API_SECRET: TEST_API_SECRET };

const server = serverForFile();

describe("npm run operator-token and npm run webhook", () => {
  it("an operator token reads every room, and the simulator's events arrive signed and stored", async () => {
    const { stdout: token } = await run(
      tsx,
      ["--conditions=react-server", "scripts/operator-token.ts", "--identity", "ops"],
      { cwd: ROOT, env },
    );
    const client = await connectSse(server.url, { token: token.trim() });
    expect(client.status).toBe(200);

    const sent: string[] = [];
    for (const [type, room] of [
      ["participant_joined", "cli-a"],
      ["egress_started", "cli-b"],
    ]) {
      const { stdout } = await run(
        tsx,
        [
          "scripts/webhook.ts",
          type!,
          "--room",
          room!,
          "--spaced",
          "--url",
          `${server.url}/livekit/webhook`,
        ],
        { cwd: ROOT, env },
      );
      expect(stdout).toMatch(new RegExp(`^${type} EV_\\w{12} room=${room} -> 200 `));
      sent.push(/EV_\w{12}/.exec(stdout)![0]);
    }
    await client.waitFor((messages) => messages.length === 2);
    client.close();
    expect(client.messages.map((m) => parseEventMessage(m).event.id)).toEqual(sent);
  });

  it("the simulator says what is wrong with its arguments and exits non-zero", async () => {
    await expect(
      run(tsx, ["--conditions=react-server", "scripts/webhook.ts", "room_exploded"], {
        cwd: ROOT,
        env,
      }),
    ).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/unknown event type: room_exploded/),
    });
  });
});
