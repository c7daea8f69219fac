/**
 * What an unverified or slow webhook upload may cost (issue 18, item 3), over HTTP against the
 * production build: the JWT is judged before a byte of the body is read, a body that takes too
 * long is cut off with a 408, and uploads in flight are capped with a 503 (no Retry-After: LiveKit's own backoff waits longer).
 */
import { describe, expect, it } from "vitest";
import { buildWebhookEvent, encodeWireJson, signWebhook } from "@/lib/livekit-wire";
import { MAX_WEBHOOK_UPLOADS_IN_FLIGHT } from "@/lib/webhook";
import { serverForFile, TEST_API_KEY, TEST_API_SECRET } from "../support/fixtures";
import { holdRequest, type HeldRequest } from "../support/held-request";
import { sendWebhook } from "../support/webhooks";
import { waitUntil } from "../support/wait";

/** Bodies here may take a minute: any answer before then was given without waiting for one. */
const patient = serverForFile({ WEBHOOK_BODY_TIMEOUT_MS: "60000" });
/** Bodies here must arrive within 1 s. */
const hasty = serverForFile({ WEBHOOK_BODY_TIMEOUT_MS: "1000" });

const body = () => encodeWireJson(buildWebhookEvent("participant_joined", { room: "bounds" }));

/** Headers sent, the body owed and never sent. */
function stalled(url: string, authorization: string | null, length = 1000): HeldRequest {
  return holdRequest(`${url}/api/webhook`, {
    headers: {
      "Content-Type": "application/webhook+json",
      ...(authorization === null ? {} : { Authorization: authorization }),
    },
    declaredLength: length,
  });
}

const errorMessage = (text: string) => (JSON.parse(text) as { errorMessage: string }).errorMessage;

describe("a webhook's JWT is judged before its body is read", () => {
  const past = () => Math.floor(Date.now() / 1000) - 3600;
  const cases: [string, () => string | null, RegExp][] = [
    ["no Authorization", () => null, /missing/],
    [
      "an unsigned JWT",
      () => signWebhook(body(), TEST_API_KEY, TEST_API_SECRET).replace(/\.[^.]*$/, ".AAAA"),
      /signature|not a valid JWT/,
    ],
    [
      "a JWT signed with another secret",
      () => signWebhook(body(), TEST_API_KEY, "x".repeat(40)),
      /signature/,
    ],
    [
      "a JWT of another API key",
      () => signWebhook(body(), "another-key", TEST_API_SECRET),
      /refused|iss/,
    ],
    [
      "an expired JWT",
      () => signWebhook(body(), TEST_API_KEY, TEST_API_SECRET, { now: past() }),
      /expired/,
    ],
  ];

  it.each(cases)("%s: 401 while the body is still owed", async (_, authorization, message) => {
    const request = stalled(patient.url, authorization());
    try {
      // The server waits up to 60 s for a body; this answer comes without one.
      const answer = await request.answer;
      expect(answer.status).toBe(401);
      expect(answer.headers["content-type"]).toMatch(/^application\/json/);
      expect(errorMessage(answer.body)).toMatch(message);
    } finally {
      request.destroy();
    }
  });
});

describe("a verified upload's body is bounded in time", () => {
  it("a body that stalls gets a 408 after WEBHOOK_BODY_TIMEOUT_MS and its connection closed; nothing is stored", async () => {
    const raw = body();
    const request = stalled(hasty.url, signWebhook(raw, TEST_API_KEY, TEST_API_SECRET), raw.length);
    try {
      request.write(raw.slice(0, 10));
      const answer = await request.answer;
      expect(answer.status).toBe(408);
      expect(errorMessage(answer.body)).toMatch(/longer than 1000 ms/);
      // The server hangs up rather than wait for the rest (Node's own limit is 300 s).
      await request.closed;
    } finally {
      request.destroy();
    }
    // The same delivery sent whole afterwards is new to the store: the stalled one left nothing.
    const whole = await fetch(`${hasty.url}/api/webhook`, {
      method: "POST",
      headers: {
        "Content-Type": "application/webhook+json",
        Authorization: signWebhook(raw, TEST_API_KEY, TEST_API_SECRET),
      },
      body: raw,
    });
    expect(whole.status).toBe(200);
    expect(((await whole.json()) as { duplicate?: boolean }).duplicate).toBeUndefined();
  });
});

describe("uploads in flight are capped", () => {
  it(`past ${MAX_WEBHOOK_UPLOADS_IN_FLIGHT} verified uploads at once: 503 without Retry-After, and the slots come back`, async () => {
    const held: HeldRequest[] = [];
    try {
      for (let i = 0; i < MAX_WEBHOOK_UPLOADS_IN_FLIGHT; i += 1) {
        const raw = body();
        held.push(
          stalled(patient.url, signWebhook(raw, TEST_API_KEY, TEST_API_SECRET), raw.length),
        );
      }
      // Once every held upload has reached the handler, one more is turned away.
      let refused: Awaited<HeldRequest["answer"]> | undefined;
      await waitUntil(
        async () => {
          const raw = body();
          const extra = stalled(
            patient.url,
            signWebhook(raw, TEST_API_KEY, TEST_API_SECRET),
            raw.length,
          );
          const race = await Promise.race([
            extra.answer,
            new Promise<null>((resolve) => setTimeout(() => resolve(null), 500)),
          ]);
          extra.destroy();
          if (race?.status === 503) refused = race;
          return refused !== undefined;
        },
        "a 503 past the cap",
        20_000,
      );
      // No Retry-After: livekit-server would wait that long before every retry, not 1, 2, 4, 8 s.
      expect(refused!.headers["retry-after"]).toBeUndefined();
      expect(refused!.headers["content-type"]).toMatch(/^application\/json/);
      expect(errorMessage(refused!.body)).toMatch(/too many webhook uploads/);
    } finally {
      for (const request of held) request.destroy();
    }
    // The abandoned uploads free their slots: a whole delivery is stored again.
    await waitUntil(
      async () =>
        (await sendWebhook(patient.url, "room_started", { room: "bounds" })).status === 200,
      "a delivery stored once the held uploads are gone",
      20_000,
    );
    expect(patient.output()).toMatch(/too many webhook uploads|uploads in flight/);
  });
});
