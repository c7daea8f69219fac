/**
 * Webhook signing keys over HTTP against the production build: a LiveKit key rotation done as
 * docs/security.md says (add the new pair to LIVEKIT_WEBHOOK_KEYS, switch LiveKit to it, make it
 * the token-signing pair and drop the old one), each step a deployment of its own, with the
 * deliveries LiveKit could send at that step (its retries of a body signed with the old key
 * among them) all accepted, and the removed key refused at the end.
 */
import { describe, expect, it } from "vitest";
import { buildWebhookEvent, encodeWireJson, postWebhook, signWebhook } from "@/lib/livekit-wire";
import { TEST_API_KEY, TEST_API_SECRET, trackProcesses } from "../support/fixtures";
import { runServerExpectingExit } from "../support/server";

const OLD = { key: TEST_API_KEY, secret: TEST_API_SECRET };
const NEW = { key: "APInewkey", secret: "n3w-webhook-s3cr3t-5d0e1b7c9a2f4e8d" };

const processes = trackProcesses();

interface Delivery {
  body: string;
  authorization: string;
}

function delivery(signer: { key: string; secret: string }, room = "rotation"): Delivery {
  const body = encodeWireJson(buildWebhookEvent("participant_joined", { room }));
  return { body, authorization: signWebhook(body, signer.key, signer.secret) };
}

async function post(url: string, { body, authorization }: Delivery) {
  const response = await postWebhook(`${url}/api/webhook`, body, authorization);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("webhook signing keys", () => {
  it("rotates LiveKit's key with no webhook refused, and refuses the removed key after", async () => {
    // Redis, so that a delivery stored before a redeploy is known after it.
    const redis = await processes.redis();
    const deploy = (env: Record<string, string>) =>
      processes.server({ REDIS_URL: redis.url, ...env });
    // Step 0: the app knows the old key only; LiveKit signs with it.
    const before = await deploy({});
    const inFlight = delivery(OLD);
    expect((await post(before.url, inFlight)).status).toBe(200);
    await before.stop();

    // Step 1: the new pair added. LiveKit still signs with the old key, and a retry of the
    // delivery above (same body, same JWT) is a duplicate, not a refusal.
    const added = await deploy({ LIVEKIT_WEBHOOK_KEYS: `${NEW.key}: ${NEW.secret}` });
    expect((await post(added.url, delivery(OLD))).status).toBe(200);
    expect(await post(added.url, inFlight)).toEqual({ status: 200, body: { duplicate: true } });
    // Step 2: LiveKit switched to the new key; anything it still retries from before is the old.
    const switched = delivery(NEW);
    expect((await post(added.url, switched)).status).toBe(200);
    expect((await post(added.url, delivery(OLD))).status).toBe(200);
    await added.stop();

    // Step 3: the new pair is the token-signing pair; the old one is gone.
    const rotated = await deploy({
      LIVEKIT_API_KEY: NEW.key,
      LIVEKIT_API_SECRET: NEW.secret,
    });
    expect((await post(rotated.url, delivery(NEW))).status).toBe(200);
    const refused = await post(rotated.url, delivery(OLD));
    expect(refused.status).toBe(401);
    expect(refused.body.errorMessage).toMatch(/API key \(iss\) is not one this server knows/);
    expect(rotated.output()).toContain(OLD.key);
    expect(rotated.output()).toContain("is neither LIVEKIT_API_KEY nor in LIVEKIT_WEBHOOK_KEYS");
  });

  it("picks the secret by the JWT's iss: a pair's key with another pair's secret is refused", async () => {
    const server = await processes.server({ LIVEKIT_WEBHOOK_KEYS: `${NEW.key}: ${NEW.secret}` });
    expect((await post(server.url, delivery(NEW))).status).toBe(200);
    expect((await post(server.url, delivery(OLD))).status).toBe(200);
    const crossed = await post(server.url, delivery({ key: NEW.key, secret: OLD.secret }));
    expect(crossed.status).toBe(401);
    expect(crossed.body.errorMessage).toMatch(/signature does not match/);
    const unknown = await post(server.url, delivery({ key: "APIother", secret: NEW.secret }));
    expect(unknown.status).toBe(401);
  });

  it("refuses to start with a key named twice, naming the variable", async () => {
    const { code, output } = await runServerExpectingExit({
      LIVEKIT_API_KEY: OLD.key,
      LIVEKIT_API_SECRET: OLD.secret,
      LIVEKIT_WEBHOOK_KEYS: `${OLD.key}: ${NEW.secret}`,
    });
    expect(code).not.toBe(0);
    expect(output).toContain("LIVEKIT_WEBHOOK_KEYS");
    expect(output).not.toContain(NEW.secret);
  });
});
