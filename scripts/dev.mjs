// `npm run dev`: `next dev` (scripts/next.mjs, on PORT) and, beside it, the pinned livekit-server
// (scripts/livekit-server.sh, built into .runtime/ on the first run when Go >= 1.26 is there):
// this app's keys, loopback only, its webhooks sent to this app's /api/webhook, its log in this
// terminal prefixed `[livekit] `. Ctrl-C (or SIGTERM) stops both. Without a livekit-server, Next
// runs alone, as before, and the page's Join says how to get one.
//
// Settings (shell or .env files, read as Next reads them):
//   LIVEKIT_DEV_SERVER=off         do not start one (say, you run your own)
//   LIVEKIT_DEV_PORT               its HTTP/WebSocket port (default: LIVEKIT_URL's port, else 7880)
//   LIVEKIT_DEV_RTC_TCP_PORT       its ICE/TCP port (default 7881)
//   LIVEKIT_DEV_RTC_UDP_PORT       its ICE/UDP port (default 7882)
// A LIVEKIT_URL that is not on this machine (LiveKit Cloud, say) starts none either.
import { spawn } from "node:child_process";
import { connect } from "node:net";
import { constants } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { readEnv } from "./env.mjs";
import { livekitServerConfig } from "./livekit-config.mjs";

const scripts = path.dirname(fileURLToPath(import.meta.url));
const { shellEnv, combinedEnv, port } = readEnv(true);
const setting = (name) => combinedEnv[name]?.trim() || "";
const say = (line) => console.log(`[livekit] ${line}`);

/** Each line a child prints, prefixed, on our stdout. */
function prefixLines(stream) {
  createInterface({ input: stream }).on("line", (line) => say(line));
}

/** Whether something already listens on 127.0.0.1:port. */
function listening(portNumber) {
  return new Promise((resolve) => {
    const socket = connect(portNumber, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** The livekit-server to start, or why none: LIVEKIT_DEV_SERVER, and a LIVEKIT_URL elsewhere. */
function livekitPlan() {
  if (["off", "false", "0", "no"].includes(setting("LIVEKIT_DEV_SERVER").toLowerCase())) {
    return { skip: "LIVEKIT_DEV_SERVER=off: not starting a livekit-server" };
  }
  const configured = setting("LIVEKIT_URL");
  let urlPort = "";
  if (configured) {
    let url;
    try {
      url = new URL(configured);
    } catch {
      return { skip: `LIVEKIT_URL=${configured} is not a URL: not starting a livekit-server` };
    }
    if (!["localhost", "127.0.0.1", "[::1]"].includes(url.hostname)) {
      return {
        skip: `LIVEKIT_URL is ${configured}, not this machine: not starting a livekit-server`,
      };
    }
    urlPort = url.port;
  }
  const ports = {
    http: Number(setting("LIVEKIT_DEV_PORT") || urlPort || 7880),
    rtcTcp: Number(setting("LIVEKIT_DEV_RTC_TCP_PORT") || 7881),
    rtcUdp: Number(setting("LIVEKIT_DEV_RTC_UDP_PORT") || 7882),
  };
  for (const [name, value] of Object.entries(ports)) {
    if (!Number.isInteger(value) || value < 1 || value > 65535) {
      return {
        skip: `port ${name} is not a port number (${value}): not starting a livekit-server`,
      };
    }
  }
  const apiKey = setting("LIVEKIT_API_KEY") || "devkey";
  const apiSecret = setting("LIVEKIT_API_SECRET") || "secret";
  const config = livekitServerConfig(ports, {
    keys: { [apiKey]: apiSecret },
    webhookUrls: [`http://127.0.0.1:${port}/api/webhook`],
    development: true,
  });
  return { ports, config, url: `ws://127.0.0.1:${ports.http}` };
}

const plan = livekitPlan();
/** @type {import("node:child_process").ChildProcess | null} */
let livekit = null;
/** @type {import("node:child_process").ChildProcess | null} */
let finding = null;
let stopping = false;

// Next starts at once; the livekit-server comes beside it (the first run builds it, minutes).
const next = spawn(process.execPath, [path.join(scripts, "next.mjs"), "dev"], {
  stdio: "inherit",
  // The page and the console connect to the dev server: 127.0.0.1, where it listens.
  env: plan.url ? { ...shellEnv, LIVEKIT_URL: plan.url } : shellEnv,
});

async function startLivekit() {
  if (plan.skip) return say(plan.skip);
  if (await listening(plan.ports.http)) {
    return say(
      `something already listens on 127.0.0.1:${plan.ports.http} (a livekit-server of yours?): ` +
        "not starting one (LIVEKIT_DEV_PORT picks another port, LIVEKIT_DEV_SERVER=off none)",
    );
  }
  const started = Date.now();
  const find = spawn("bash", [path.join(scripts, "livekit-server.sh")], {
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group: stopping npm run dev mid-build stops `go install` too.
    detached: true,
  });
  finding = find;
  prefixLines(find.stderr);
  let binary = "";
  find.stdout.on("data", (chunk) => (binary += chunk));
  const found = await new Promise((resolve) => find.once("exit", (code) => resolve(code === 0)));
  finding = null;
  if (stopping) return;
  if (!found) {
    return say(
      "npm run dev goes on without a LiveKit server: Join will say it cannot connect. " +
        "Get one with `npm run livekit-server`, then restart npm run dev.",
    );
  }
  const seconds = (Date.now() - started) / 1000;
  if (seconds > 5) say(`livekit-server ready after ${seconds.toFixed(0)} s`);
  livekit = spawn(binary.trim(), ["--config-body", JSON.stringify(plan.config)], {
    // Only what it needs: LIVEKIT_KEYS, NODE_IP and the like in the shell would override the config.
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  prefixLines(livekit.stdout);
  prefixLines(livekit.stderr);
  say(
    `${plan.url} (rtc tcp ${plan.ports.rtcTcp}, udp ${plan.ports.rtcUdp}), webhooks to ` +
      `http://127.0.0.1:${port}/api/webhook`,
  );
  livekit.once("exit", (code, signal) => {
    if (!stopping) say(`livekit-server exited (${signal ?? code}); Next goes on without it`);
  });
}

function stop(signal) {
  if (stopping) return;
  stopping = true;
  if (finding?.pid) process.kill(-finding.pid, "SIGTERM");
  livekit?.kill("SIGTERM");
  next.kill(signal);
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => stop(signal));
// npm runs this under `sh -c`, and a SIGTERM to npm ends that shell without passing it on (Ctrl-C
// reaches every process of the terminal's group, this one too): when the parent goes, so do we.
const parent = process.ppid;
setInterval(() => process.ppid !== parent && stop("SIGTERM"), 500).unref();

next.on("exit", (code, signal) => {
  stopping = true;
  const exit = () => process.exit(signal ? 128 + constants.signals[signal] : (code ?? 1));
  if (!livekit || livekit.exitCode !== null || livekit.signalCode !== null) return exit();
  // livekit-server drains its rooms on SIGTERM; past a few seconds, kill it.
  const force = setTimeout(() => livekit?.kill("SIGKILL"), 5000);
  livekit.once("exit", () => {
    clearTimeout(force);
    exit();
  });
  livekit.kill("SIGTERM");
});

startLivekit().catch((error) => say(`could not start livekit-server: ${error.message}`));
