/**
 * Security, against the production build: no secret in the browser bundle or any response,
 * production refuses the dev keys, no credential in a log line, security headers on the page
 * with a CSP that still lets the room connect to LIVEKIT_URL (checked in chromium), and the
 * per-client rate limit on /api/token, in memory and shared through Redis.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_TOKEN_RATE_LIMIT_PER_MINUTE, DEV_API_KEY, DEV_API_SECRET } from "@/lib/config";
import { launchBrowser } from "../support/browser";
import { operatorToken, roomToken, TEST_API_SECRET, trackProcesses } from "../support/fixtures";
import { DIST_DIR, ROOT, runServerExpectingExit } from "../support/server";
import { sendWebhook } from "../support/webhooks";
import { startSignalListener, type SignalListener } from "../support/signal-listener";
import { recordFigures, secondsSince } from "./support/figures";
import { credentialLeaks } from "./support/leaks";
import { count5xx } from "./support/sender";

/**
 * Strings that exist only on the server: the secret the servers run with, the build
 * environment's secret if it had one, and text that only server modules contain (the SDK's
 * verifier classes, lib/config's production guard, lib/redis's timeout). Variable names are
 * no secret: the page may tell its user to set LIVEKIT_API_SECRET.
 */
function serverOnlyMarkers(): string[] {
  const markers = [
    TEST_API_SECRET,
    "WebhookReceiver",
    "TokenVerifier",
    "production refuses the well-known development key",
    "Redis did not answer in time",
  ];
  const buildSecret = process.env.LIVEKIT_API_SECRET;
  if (buildSecret && buildSecret !== DEV_API_SECRET && buildSecret.length >= 8) {
    markers.push(buildSecret);
  }
  return markers;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? filesUnder(file) : [file];
  });
}

/** Everything a test starts, stopped after it whatever happens. */
const running = trackProcesses();
const server = running.server;

describe("security", () => {
  it("keeps every secret out of the browser bundle and out of every response", async () => {
    const started = performance.now();
    const markers = serverOnlyMarkers();
    // The build on disk: everything the browser can ever download lives in <dist>/static.
    const staticFiles = filesUnder(path.join(ROOT, DIST_DIR, "static"));
    let staticBytes = 0;
    const inBundle: string[] = [];
    for (const file of staticFiles) {
      const text = readFileSync(file, "latin1");
      staticBytes += text.length;
      for (const marker of markers)
        if (text.includes(marker)) inBundle.push(`${marker} in ${path.relative(ROOT, file)}`);
    }

    // What a running server actually sends: the page, each asset it references, and the API.
    const instance = await server({ TOKEN_RATE_LIMIT_PER_MINUTE: "0" });
    const responses: { what: string; text: string }[] = [];
    const get = async (what: string, url: string, init?: RequestInit) => {
      const response = await fetch(url, init);
      const headers = [...response.headers].map(([name, value]) => `${name}: ${value}`).join("\n");
      responses.push({ what, text: `${headers}\n\n${await response.text()}` });
      return responses.at(-1)!.text;
    };
    const page = await get("page", `${instance.url}/`);
    const assets = [...new Set([...page.matchAll(/\/_next\/static\/[^"'\s)]+/g)].map((m) => m[0]))];
    for (const asset of assets) await get(asset, `${instance.url}${asset}`);
    await get("404 page", `${instance.url}/no-such-page`);
    const tokenBody = JSON.stringify({ roomName: "r", participantName: "p" });
    await get("token", `${instance.url}/api/token`, { method: "POST", body: tokenBody });
    await get("token refusal", `${instance.url}/token`, { method: "POST", body: "{" });
    await get("webhook refusal", `${instance.url}/api/webhook`, {
      method: "POST",
      body: "{}",
      headers: { Authorization: "x.y.z" },
    });
    await get("events refusal", `${instance.url}/api/events?room=r&token=bad`);
    await get("health", `${instance.url}/api/health`);
    const inResponses = responses.flatMap(({ what, text }) =>
      markers
        .filter((marker) => marker !== "apiSecret" && text.includes(marker))
        .map((marker) => `${marker} in ${what}`),
    );

    recordFigures({
      scenario: "security: secrets in bundle and responses",
      inputs: staticFiles.length + responses.length,
      notes: `${staticFiles.length} files (${Math.round(staticBytes / 1024)} KB) in ${DIST_DIR}/static and ${responses.length} responses (${assets.length} assets) searched for ${markers.length} server-only strings: ${inBundle.length + inResponses.length} found`,
      seconds: secondsSince(started),
    });
    expect(staticFiles.length).toBeGreaterThan(0);
    expect(assets.length).toBeGreaterThan(0);
    expect(inBundle).toEqual([]);
    expect(inResponses).toEqual([]);
  });

  it("refuses to start in production with the dev keys, without printing the secret", async () => {
    const started = performance.now();
    const cases = [
      { LIVEKIT_API_KEY: DEV_API_KEY, LIVEKIT_API_SECRET: DEV_API_SECRET },
      { LIVEKIT_API_KEY: "my-key", LIVEKIT_API_SECRET: DEV_API_SECRET },
      { LIVEKIT_API_KEY: DEV_API_KEY, LIVEKIT_API_SECRET: "a-real-secret-1234567890" },
    ];
    const results = [];
    for (const env of cases)
      results.push(
        await runServerExpectingExit({ ...env, LIVEKIT_URL: "wss://example.livekit.cloud" }),
      );
    recordFigures({
      scenario: "security: production refuses dev keys",
      inputs: cases.length,
      notes: `exit codes ${results.map((r) => r.code).join(", ")}; each names LIVEKIT_API_KEY and prints no secret`,
      seconds: secondsSince(started),
    });
    for (const { code, output } of results) {
      expect(code).not.toBe(0);
      expect(output).toContain("LIVEKIT_API_KEY");
      expect(output).not.toContain("a-real-secret-1234567890");
    }
  });

  it("writes no token, JWT, secret or Redis password to the log", async () => {
    const started = performance.now();
    // A Redis URL with a password, pointing where nothing listens: its errors get logged.
    const redisPassword = "redis-password-7c1d9e";
    const instance = await server({
      TOKEN_RATE_LIMIT_PER_MINUTE: "0",
      REDIS_URL: `redis://default:${redisPassword}@127.0.0.1:1`,
    });
    const memory = await server({ TOKEN_RATE_LIMIT_PER_MINUTE: "0" });
    const credentials: string[] = [TEST_API_SECRET, redisPassword];
    let requests = 0;
    for (const target of [instance, memory]) {
      for (let i = 0; i < 5; i++) {
        const response = await fetch(`${target.url}/api/token`, {
          method: "POST",
          body: JSON.stringify({ roomName: `room-${i}`, participantName: `p${i}`, metadata: "m" }),
        });
        requests += 1;
        const { token } = (await response.json()) as { token: string };
        credentials.push(token);
        // The token as an SSE credential, in the header and in the query string.
        await fetch(`${target.url}/api/events?room=other&token=${token}`).then((r) => r.text());
        await fetch(`${target.url}/api/events?room=other`, {
          headers: { Authorization: `Bearer ${token}` },
        }).then((r) => r.text());
        requests += 2;
      }
      // Webhooks (stored, duplicate, forged) to the memory instance: with Redis unreachable
      // each would only wait out the command timeout for its 503.
      if (target === memory) {
        for (const options of [{}, { room: "x" }]) {
          const sent = await sendWebhook(target.url, "participant_joined", options);
          credentials.push(sent.authorization);
          const again = { method: "POST", headers: { Authorization: sent.authorization } };
          await fetch(`${target.url}/api/webhook`, { ...again, body: sent.rawBody });
          await fetch(`${target.url}/api/webhook`, { ...again, body: `${sent.rawBody} ` });
          requests += 3;
        }
      }
      const operator = await operatorToken({ identity: "ops", ttlSeconds: 60 });
      credentials.push(operator);
      await fetch(`${target.url}/api/events?token=${operator}&lastEventId=nope`).then((r) =>
        r.text(),
      );
      requests += 1;
    }
    // Let the Redis connection errors reach the log.
    await fetch(`${instance.url}/api/health`);
    const output = instance.output() + memory.output();
    const leaks = credentialLeaks(output, credentials);
    recordFigures({
      scenario: "security: credentials in logs",
      inputs: requests,
      notes: `${output.split("\n").length} log lines from ${requests} requests carrying ${credentials.length} credentials: ${leaks.length} leaked`,
      seconds: secondsSince(started),
    });
    expect(output).toContain("webhook accepted");
    expect(output).toContain("redis");
    expect(leaks).toEqual([]);
  });

  describe("security headers and the page's CSP", () => {
    let browser: Browser | undefined;
    const fakes: SignalListener[] = [];
    afterAll(async () => {
      await browser?.close();
      await Promise.all(fakes.map((fake) => fake.close()));
    });

    it("sends them on the page and the API, and the CSP follows LIVEKIT_URL", async () => {
      const instance = await server({ LIVEKIT_URL: "wss://my-project.livekit.cloud" });
      const first = await fetch(`${instance.url}/`);
      const html = await first.text();
      const second = await fetch(`${instance.url}/`);
      const csp = first.headers.get("content-security-policy") ?? "";
      const directives = new Map(
        csp
          .split(";")
          .map((d) => d.trim().split(/\s+/))
          .map(([name, ...values]) => [name!, values]),
      );
      expect(directives.get("connect-src")).toEqual(
        expect.arrayContaining([
          "'self'",
          "wss://my-project.livekit.cloud",
          "https://my-project.livekit.cloud",
          "wss://*.livekit.cloud",
          "https://*.livekit.cloud",
        ]),
      );
      const scriptSrc = directives.get("script-src") ?? [];
      expect(scriptSrc).not.toContain("'unsafe-inline'");
      expect(scriptSrc).not.toContain("'unsafe-eval'");
      const nonce = scriptSrc.find((v) => v.startsWith("'nonce-"))?.slice(7, -1);
      expect(nonce).toMatch(/^[A-Za-z0-9+/=]{16,}$/);
      // Fresh per response, and on every script Next rendered.
      expect(second.headers.get("content-security-policy")).not.toContain(`'nonce-${nonce}'`);
      const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      expect(scripts.length).toBeGreaterThan(0);
      for (const script of scripts) expect(script).toContain(`nonce="${nonce}"`);
      expect(directives.get("object-src")).toEqual(["'none'"]);
      expect(directives.get("frame-ancestors")).toEqual(["'none'"]);
      expect(first.headers.get("x-content-type-options")).toBe("nosniff");
      expect(first.headers.get("x-frame-options")).toBe("DENY");
      expect(first.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
      expect(first.headers.get("permissions-policy")).toContain("camera=(self)");
      expect(first.headers.get("permissions-policy")).toContain("microphone=(self)");
      expect(first.headers.get("cross-origin-opener-policy")).toBe("same-origin");

      const api = [
        await fetch(`${instance.url}/api/token`, { method: "POST", body: "{}" }),
        await fetch(`${instance.url}/token`, { method: "POST", body: "{}" }),
        await fetch(`${instance.url}/api/webhook`, { method: "POST", body: "{}" }),
        await fetch(`${instance.url}/livekit/webhook`, { method: "POST", body: "{}" }),
        await fetch(`${instance.url}/api/events?room=r`),
        await fetch(`${instance.url}/api/health`),
      ];
      for (const response of api) {
        expect(response.headers.get("content-security-policy")).toBe(
          "default-src 'none'; frame-ancestors 'none'",
        );
        expect(response.headers.get("x-content-type-options")).toBe("nosniff");
        await response.body?.cancel();
      }
    });

    it("lets the page run, connect to LIVEKIT_URL and stream events in chromium, and blocks the rest", async () => {
      const started = performance.now();
      const livekit = await startSignalListener({ answer: true });
      const elsewhere = await startSignalListener({ answer: true });
      fakes.push(livekit, elsewhere);
      const instance = await server({ LIVEKIT_URL: livekit.url });
      browser = await launchBrowser();
      const page = await browser.newPage();
      const consoleCsp: string[] = [];
      page.on("console", (message) => {
        if (/Content.Security.Policy/i.test(message.text())) consoleCsp.push(message.text());
      });
      await page.addInitScript(() => {
        const violations: { directive: string; blocked: string }[] = [];
        (window as unknown as { __violations: typeof violations }).__violations = violations;
        document.addEventListener("securitypolicyviolation", (event) =>
          violations.push({ directive: event.effectiveDirective, blocked: event.blockedURI }),
        );
      });
      const violations = () =>
        page.evaluate(
          () =>
            (window as unknown as { __violations: { directive: string; blocked: string }[] })
              .__violations,
        );

      const response = await page.goto(instance.url, { waitUntil: "load" });
      expect(response?.status()).toBe(200);
      // Next's inline scripts (the RSC payload) and its chunks ran: the page hydrated.
      await page.waitForFunction(
        () => Array.isArray((self as unknown as { __next_f?: unknown[] }).__next_f),
        null,
        { timeout: 15_000 },
      );
      await page.waitForLoadState("networkidle");
      const landing = await violations();
      const landingConsole = consoleCsp.length;

      // What the room does: signalling WebSocket and /rtc/validate at LIVEKIT_URL, and the
      // event stream from this origin.
      const room = "csp-room";
      const token = await roomToken(room, { identity: "viewer" });
      const connected = await page.evaluate(
        async ({ port, token }) => {
          const ws = await new Promise<string>((resolve) => {
            const socket = new WebSocket(`ws://127.0.0.1:${port}/rtc?access_token=${token}`);
            socket.onopen = () => {
              socket.close();
              resolve("open");
            };
            socket.onerror = () => resolve("error");
          });
          const validate = await fetch(
            `http://127.0.0.1:${port}/rtc/validate?access_token=${token}`,
          ).then(
            (r) => r.status,
            () => 0,
          );
          return { ws, validate };
        },
        { port: livekit.port, token },
      );
      // The event stream, opened before the webhook is sent (limit=0: no history).
      await page.evaluate(
        ({ room, token }) =>
          new Promise<void>((resolve, reject) => {
            const source = new EventSource(`/api/events?room=${room}&token=${token}&limit=0`);
            const state = window as unknown as { __firstEvent: Promise<string> };
            state.__firstEvent = new Promise<string>((resolveEvent) => {
              source.onmessage = (message) => {
                source.close();
                resolveEvent((JSON.parse(message.data) as { event: { id: string } }).event.id);
              };
            });
            source.onopen = () => resolve();
            source.onerror = () => reject(new Error("the event stream did not open"));
          }),
        { room, token },
      );
      const sent = await sendWebhook(instance.url, "participant_joined", { room });
      expect(sent.status).toBe(200);
      const receivedId = await page.evaluate(
        () => (window as unknown as { __firstEvent: Promise<string> }).__firstEvent,
      );
      const allowed = await violations();

      // An XSS payload and a connection elsewhere are refused, and reported.
      const blocked = await page.evaluate(async (port) => {
        const div = document.createElement("div");
        div.innerHTML = '<img src="data:," onerror="window.__pwned = true">';
        document.body.appendChild(div);
        let ws = "constructed";
        try {
          const socket = new WebSocket(`ws://127.0.0.1:${port}/rtc`);
          ws = await new Promise<string>((resolve) => {
            socket.onopen = () => resolve("open");
            socket.onerror = () => resolve("error");
          });
        } catch {
          ws = "thrown";
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
        return { pwned: (window as unknown as { __pwned?: boolean }).__pwned === true, ws };
      }, elsewhere.port);
      const after = await violations();
      const refused = after.slice(allowed.length);

      recordFigures({
        scenario: "security: headers and CSP in chromium",
        inputs: 5,
        notes:
          `landing page: ${landing.length} CSP violations, ${landingConsole} CSP console errors; ` +
          `WebSocket to LIVEKIT_URL ${connected.ws}, /rtc/validate ${connected.validate}, same-origin SSE delivered the webhook; ` +
          `inline handler and other origin: ${refused.length} violations (${refused.map((v) => v.directive).join(", ")})`,
        seconds: secondsSince(started),
      });

      expect(landing).toEqual([]);
      expect(landingConsole).toBe(0);
      expect(connected).toEqual({ ws: "open", validate: 200 });
      expect(livekit.upgrades.some((a) => a.url.startsWith("/rtc?access_token="))).toBe(true);
      expect(livekit.requests.some((a) => a.url.startsWith("/rtc/validate"))).toBe(true);
      expect(receivedId).toBe(sent.eventId);
      expect(allowed).toEqual([]);
      expect(blocked.pwned).toBe(false);
      expect(blocked.ws).not.toBe("open");
      expect(elsewhere.upgrades).toEqual([]);
      expect(refused.map((v) => v.directive).sort()).toEqual(["connect-src", "script-src-attr"]);
    });
  });

  it("limits /api/token per client: 429 with Retry-After, shared through Redis, open when Redis is down", async () => {
    const started = performance.now();
    const ask = (url: string, address: string, path = "/api/token") =>
      fetch(`${url}${path}`, {
        method: "POST",
        // As a proxy in front appends the peer it saw: the rightmost entry is the client.
        headers: { "X-Forwarded-For": address },
        body: JSON.stringify({ roomName: "r", participantName: "p" }),
      });
    let requests = 0;
    const statuses = new Map<number, number>();
    const count = async (response: Response) => {
      requests += 1;
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      return response;
    };

    // In memory, with the default limit, behind one proxy of the deployment's (its
    // X-Forwarded-For entry is trusted; a bare server keys on the socket instead).
    const behindProxy = { TRUSTED_PROXY_HOPS: "1" };
    const single = await server(behindProxy);
    for (let i = 0; i < DEFAULT_TOKEN_RATE_LIMIT_PER_MINUTE; i++) {
      const response = await count(
        await ask(single.url, "203.0.113.1", i % 2 ? "/token" : "/api/token"),
      );
      expect(response.status).toBe(200);
    }
    const limited = await count(await ask(single.url, "203.0.113.1"));
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    expect(((await limited.json()) as { errorMessage: string }).errorMessage).toMatch(/too many/);
    // A forged left part of X-Forwarded-For does not make a new client; another address is one.
    expect((await count(await ask(single.url, "198.51.100.9, 203.0.113.1"))).status).toBe(429);
    expect((await count(await ask(single.url, "203.0.113.2"))).status).toBe(200);

    // Shared through Redis: two instances count one window.
    const redis = await running.redis();
    const env = { ...behindProxy, REDIS_URL: redis.url, TOKEN_RATE_LIMIT_PER_MINUTE: "6" };
    const [a, b] = [await server(env), await server(env)];
    for (let i = 0; i < 6; i++)
      expect((await count(await ask(i % 2 ? b.url : a.url, "203.0.113.3"))).status).toBe(200);
    expect((await count(await ask(a.url, "203.0.113.3"))).status).toBe(429);
    expect((await count(await ask(b.url, "203.0.113.3"))).status).toBe(429);

    // Redis down: tokens are still issued (no 5xx), each instance counting alone.
    await redis.stop();
    const outage: number[] = [];
    for (let i = 0; i < 8; i++) outage.push((await count(await ask(a.url, "203.0.113.4"))).status);
    recordFigures({
      scenario: "security: token rate limit",
      inputs: requests,
      faults: 1,
      unexpected5xx: count5xx(statuses),
      notes: `default ${DEFAULT_TOKEN_RATE_LIMIT_PER_MINUTE}/min: 429 on request ${DEFAULT_TOKEN_RATE_LIMIT_PER_MINUTE + 1}, Retry-After ${retryAfter} s; 6/min over 2 instances via Redis: 429 on the 7th; Redis down: ${outage.join(" ")} (fail-open to the instance's own window)`,
      seconds: secondsSince(started),
    });
    expect(outage).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
    expect(a.output()).toContain("token rate limit: Redis unavailable");
  });
});
