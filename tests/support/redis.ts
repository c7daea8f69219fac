/**
 * A real redis-server of the test's own on a free loopback port, never a shared one; with
 * `tls`, serving TLS only, with a certificate made for it. Missing redis-server (or openssl,
 * for TLS) fails the test: nothing is skipped.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createConnection, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { connect as connectTls } from "node:tls";
import { freePort } from "./server";

export interface RunningRedis {
  /** redis://127.0.0.1:port, or rediss://127.0.0.1:port with `tls`. */
  url: string;
  port: number;
  /** With `tls`: the PEM file of the CA that signed the server's certificate; else null. */
  caFile: string | null;
  stop(): Promise<void>;
  /** Starts it again on the same port (after stop): empty, or as it was if `persistent`. */
  restart(): Promise<void>;
}

export interface RedisOptions {
  /**
   * Append-only file fsynced on every write, as a production Redis holding the event log is
   * configured: whatever it acknowledged survives a kill -9 and a restart.
   */
  persistent?: boolean;
  /**
   * TLS only (`--port 0 --tls-port`), as a managed Redis serves it: a throwaway CA and a
   * certificate it signed for 127.0.0.1 are made with openssl; clients present none.
   */
  tls?: boolean;
}

interface Certificates {
  ca: string;
  cert: string;
  key: string;
}

/** A CA and a server certificate for IP 127.0.0.1 signed by it, as PEM files in `dir`. */
function makeCertificates(dir: string): Certificates {
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
  const key = ["-newkey", "rsa:2048", "-nodes"];
  openssl(
    "req",
    "-x509",
    ...key,
    "-days",
    "1",
    "-subj",
    "/CN=test redis CA",
    "-keyout",
    file("ca.key"),
    "-out",
    file("ca.pem"),
  );
  openssl(
    "req",
    ...key,
    "-subj",
    "/CN=127.0.0.1",
    "-keyout",
    file("server.key"),
    "-out",
    file("server.csr"),
  );
  writeFileSync(file("san.ext"), "subjectAltName=IP:127.0.0.1\n");
  openssl(
    "x509",
    "-req",
    "-in",
    file("server.csr"),
    "-CA",
    file("ca.pem"),
    "-CAkey",
    file("ca.key"),
    "-CAcreateserial",
    "-days",
    "1",
    "-extfile",
    file("san.ext"),
    "-out",
    file("server.pem"),
  );
  return { ca: file("ca.pem"), cert: file("server.pem"), key: file("server.key") };
}

function ping(port: number, tls: Certificates | null): Promise<boolean> {
  return new Promise((resolve) => {
    const onConnect = () => socket.write("PING\r\n");
    const socket: Socket = tls
      ? connectTls({ host: "127.0.0.1", port, ca: readFileSync(tls.ca) }, onConnect)
      : createConnection({ host: "127.0.0.1", port }, onConnect);
    socket.once("data", (data) => {
      socket.destroy();
      resolve(data.toString().startsWith("+PONG"));
    });
    socket.once("error", () => resolve(false));
  });
}

export async function startRedis(options: RedisOptions = {}): Promise<RunningRedis> {
  if (spawnSync("redis-server", ["--version"]).error) {
    throw new Error("redis-server is not installed: `apt-get install redis-server` (.ci/run does)");
  }
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), "redis-test-"));
  const tls = options.tls ? makeCertificates(dir) : null;
  let child: ChildProcess | null = null;

  const start = async () => {
    child = spawn(
      "redis-server",
      [
        ...(tls
          ? [
              "--port",
              "0",
              "--tls-port",
              String(port),
              "--tls-cert-file",
              tls.cert,
              "--tls-key-file",
              tls.key,
              "--tls-ca-cert-file",
              tls.ca,
              "--tls-auth-clients",
              "no",
            ]
          : ["--port", String(port)]),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        ...(options.persistent
          ? ["--appendonly", "yes", "--appendfsync", "always"]
          : ["--appendonly", "no"]),
        "--dir",
        dir,
      ],
      { stdio: "ignore" },
    );
    const deadline = Date.now() + 10_000;
    while (!(await ping(port, tls))) {
      if (Date.now() > deadline) throw new Error(`redis-server did not start on port ${port}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const stop = () =>
    new Promise<void>((resolve) => {
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return resolve();
      running.once("exit", () => resolve());
      running.kill("SIGKILL");
    });

  await start();
  return {
    url: `${tls ? "rediss" : "redis"}://127.0.0.1:${port}`,
    port,
    caFile: tls?.ca ?? null,
    stop,
    restart: start,
  };
}
