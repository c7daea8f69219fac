/** The CLIs users run by hand: the webhook simulator, operator token and link, invites. */
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { decodeJwt } from "jose";
import { afterAll, describe, expect, it } from "vitest";
import { verifyInvite } from "@/lib/invite";
import {
  roomToken,
  serverForFile,
  TEST_API_KEY,
  TEST_API_SECRET,
  TEST_KEYS,
} from "../support/fixtures";
import { DIST_DIR, freePort, ROOT } from "../support/server";
import { connectSse, parseEventMessage } from "../support/sse";
import { waitUntil } from "../support/wait";

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
    for (const [type, room, ...extra] of [
      ["participant_joined", "cli-a", "--kind", "agent"],
      ["egress_started", "cli-b"],
      ["agent_job_started", "cli-c", "--agent", "cli-agent"],
    ]) {
      const { stdout } = await run(
        tsx,
        [
          "--conditions=react-server",
          "scripts/webhook.ts",
          type!,
          "--room",
          room!,
          ...extra,
          "--spaced",
          "--url",
          `${server.url}/livekit/webhook`,
        ],
        { cwd: ROOT, env },
      );
      expect(stdout).toMatch(new RegExp(`^${type} EV_\\w{12} room=${room} -> 200 `));
      sent.push(/EV_\w{12}/.exec(stdout)![0]);
    }
    await client.waitFor((messages) => messages.length === 3);
    client.close();
    const events = client.messages.map((m) => parseEventMessage(m));
    expect(events.map((m) => m.event.id)).toEqual(sent);
    // --kind and --agent in LiveKit's wire shape; the job's room is job.room, and it is filed there.
    expect((events[0]!.event.participant as { kind?: string }).kind).toBe("AGENT");
    expect(events[2]!.room).toBe("cli-c");
    expect((events[2]!.event.job as { agentName?: string }).agentName).toBe("cli-agent");
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

/** The environment of a shell where none of the server's settings is exported. */
function bareEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    // NODE_ENV too: vitest sets it to test, and Next (so the CLIs) skips .env.local under test.
    if (/^(LIVEKIT_|TOKEN_|PORT$|SERVER_PORT$|NODE_ENV$)/.test(name)) delete env[name];
  }
  return env;
}

const script = (name: string) => path.join(ROOT, "scripts", name);
const cli = (dir: string, name: string, args: string[] = []) =>
  run(tsx, ["--conditions=react-server", script(name), ...args], { cwd: dir, env: bareEnv() });

describe("the CLIs read the .env files as Next does", () => {
  // A fresh clone's first hour: the keys and the port are in .env.local, nothing is exported.
  const dir = mkdtempSync(path.join(os.tmpdir(), "cli-env-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const writeEnvLocal = () =>
    writeFileSync(
      path.join(dir, ".env.local"),
      `LIVEKIT_API_KEY=${TEST_API_KEY}\nLIVEKIT_API_SECRET=${TEST_API_SECRET}\nPORT=${server.port}\n`,
    );

  it("npm run webhook signs with .env.local's keys and posts to its PORT", async () => {
    writeEnvLocal();
    const client = await connectSse(server.url, {
      room: "env-local",
      token: await roomToken("env-local"),
    });
    const { stdout } = await cli(dir, "webhook.ts", ["participant_joined", "--room", "env-local"]);
    expect(stdout).toMatch(/^participant_joined EV_\w{12} room=env-local -> 200 /);
    await client.waitFor((messages) => messages.length === 1);
    client.close();
  });

  it("npm run operator-token and operator-link sign with .env.local's keys; the server takes both", async () => {
    writeEnvLocal();
    const { stdout: token } = await cli(dir, "operator-token.ts");
    expect(decodeJwt(token.trim()).iss).toBe(TEST_API_KEY);
    const stream = await connectSse(server.url, { token: token.trim() });
    expect(stream.status).toBe(200);
    stream.close();

    const { stdout: link } = await cli(dir, "operator-link.ts");
    const url = new URL(link.trim());
    expect(`${url.origin}${url.pathname}`).toBe(`http://localhost:${server.port}/console`);
    const consoleToken = new URLSearchParams(url.hash.slice(1)).get("token")!;
    expect(decodeJwt(consoleToken).iss).toBe(TEST_API_KEY);
    const rooms = await fetch(`${server.url}/api/rooms`, {
      headers: { Authorization: `Bearer ${consoleToken}` },
    });
    expect(rooms.status).toBe(200);
  });

  it("npm run invite signs with .env.local's secret and links to its PORT", async () => {
    writeEnvLocal();
    const { stdout } = await cli(dir, "invite.ts", ["--room", "board"]);
    const url = new URL(stdout.trim());
    expect(url.origin).toBe(`http://localhost:${server.port}`);
    const invite = new URLSearchParams(url.hash.slice(1)).get("invite")!;
    await expect(verifyInvite(invite, TEST_KEYS)).resolves.toMatchObject({ room: "board" });
  });

  it("the shell's environment wins over .env.local, as in Next", async () => {
    writeEnvLocal();
    const { stdout } = await run(tsx, ["--conditions=react-server", script("operator-token.ts")], {
      cwd: dir,
      env: { ...bareEnv(), LIVEKIT_API_KEY: "shell-key", LIVEKIT_API_SECRET: TEST_API_SECRET },
    });
    expect(decodeJwt(stdout.trim()).iss).toBe("shell-key");
  });
});

describe("--help", () => {
  for (const [name, file] of [
    ["webhook", "webhook.ts"],
    ["invite", "invite.ts"],
    ["operator-token", "operator-token.ts"],
    ["operator-link", "operator-link.ts"],
  ] as const) {
    it(`npm run ${name} -- --help prints its usage and exits 0`, async () => {
      const { stdout } = await cli(ROOT, file, ["--help"]);
      expect(stdout).toMatch(new RegExp(`^usage: npm run ${name} -- `));
    });
  }

  it("a wrong argument gets the message and the usage, exit 2", async () => {
    await expect(cli(ROOT, "invite.ts", ["--expires", "soon"])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--room is required\nusage: npm run invite -- /),
    });
    await expect(cli(ROOT, "operator-link.ts", ["--nope"])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(
        /Unknown option '--nope'[\s\S]*usage: npm run operator-link -- /,
      ),
    });
  });
});

describe("npm start", () => {
  it("listens on the PORT of .env.local (the shell expanding -p never sees that file)", async () => {
    // A project folder whose only own file is .env.local: the build and the rest are this one's.
    const project = mkdtempSync(path.join(os.tmpdir(), "start-env-"));
    for (const name of [DIST_DIR, "node_modules", "package.json", "next.config.js"]) {
      symlinkSync(path.join(ROOT, name), path.join(project, name));
    }
    const port = await freePort();
    writeFileSync(
      path.join(project, ".env.local"),
      `PORT=${port}\nTOKEN_ACCESS=open\nLIVEKIT_API_KEY=${TEST_API_KEY}\nLIVEKIT_API_SECRET=${TEST_API_SECRET}\n`,
    );
    const scripts = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts;
    expect([scripts.dev, scripts.start]).toEqual([
      "node scripts/dev.mjs",
      "node scripts/next.mjs start",
    ]);
    // What `npm start` runs, with an extra Next argument passed through: loopback only.
    const child = spawn(process.execPath, [script("next.mjs"), "start", "-H", "127.0.0.1"], {
      cwd: project,
      env: { ...bareEnv(), NEXT_TELEMETRY_DISABLED: "1", NEXT_DIST_DIR: DIST_DIR },
      stdio: "ignore",
    });
    try {
      const health = () =>
        fetch(`http://127.0.0.1:${port}/api/health`).then(
          (response) => response.status === 200,
          () => false,
        );
      await waitUntil(health, `npm start on .env.local's PORT ${port}`, 30_000);
    } finally {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
      rmSync(project, { recursive: true, force: true });
    }
  });
});
