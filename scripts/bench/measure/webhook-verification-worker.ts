/**
 * The webhook verification micro-benchmark's own process (measure/webhook-verification.ts starts
 * it): the same signed bodies verified, in turn, by livekit-server-sdk's
 * `WebhookReceiver.receive` (what the webhook route called before issue 10: it decodes the event
 * to protobuf and back) and by the project's `verifyWebhook` from lib/webhook.ts. Run with
 * `--conditions=react-server`, as the project's CLIs are, so lib/'s `server-only` marker loads.
 * Prints one JSON line (WebhookVerificationFigures) and exits.
 */
import { WebhookReceiver } from "livekit-server-sdk";
import { performance } from "node:perf_hooks";
import { verifyWebhook } from "../../../lib/webhook";
import { TEST_API_KEY, TEST_API_SECRET } from "../../../tests/support/keys";
import { ROOM, WEBHOOK_VERIFICATION } from "../settings";
import { median, round } from "./stats";
import type { VerificationResult, WebhookVerificationFigures } from "./webhook-verification";
import { signedWebhooks } from "./webhooks";

interface Candidate {
  key: string;
  label: string;
  /** Verifies body `index`; resolves with the event id it read. */
  verify(index: number): Promise<string | undefined>;
}

async function main(): Promise<void> {
  const { bodies: count, rounds } = WEBHOOK_VERIFICATION;
  const next = signedWebhooks(ROOM, TEST_API_KEY, TEST_API_SECRET);
  const signed = Array.from({ length: count }, () => next());
  // Each gets the body as its API takes it (the route reads bytes), made before the clock starts.
  const bytes = signed.map(({ body }) => new TextEncoder().encode(body));
  // One receiver for all, as the webhook route kept one before issue 10.
  const receiver = new WebhookReceiver(TEST_API_KEY, TEST_API_SECRET);
  const config = { apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET };

  const candidates: Candidate[] = [
    {
      key: "sdk",
      label: "before: livekit-server-sdk WebhookReceiver.receive(body, authorization)",
      verify: async (index) =>
        (await receiver.receive(signed[index]!.body, signed[index]!.authorization)).id,
    },
    {
      key: "ours",
      label: "after: verifyWebhook(bytes, authorization) of lib/webhook.ts",
      verify: async (index) =>
        (await verifyWebhook(bytes[index]!, signed[index]!.authorization, config)).id,
    },
  ];

  // Both read the events they were given: a verification that skipped its work would not.
  for (const candidate of candidates) {
    for (let index = 0; index < count; index++) {
      const id = await candidate.verify(index);
      if (id !== signed[index]!.eventId) {
        throw new Error(`${candidate.key} read event ${id}, expected ${signed[index]!.eventId}`);
      }
    }
  }

  const wall = new Map<string, number[]>(candidates.map((c) => [c.key, []]));
  const cpu = new Map<string, number[]>(candidates.map((c) => [c.key, []]));
  for (let roundIndex = 0; roundIndex < rounds; roundIndex++) {
    const order = roundIndex % 2 === 0 ? candidates : [...candidates].reverse();
    for (const candidate of order) {
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      for (let index = 0; index < count; index++) await candidate.verify(index);
      const elapsed = performance.now() - started;
      const used = process.cpuUsage(cpuBefore);
      wall.get(candidate.key)!.push((elapsed * 1000) / count);
      cpu.get(candidate.key)!.push((used.user + used.system) / count);
    }
  }

  const results: VerificationResult[] = candidates.map((candidate) => ({
    key: candidate.key,
    label: candidate.label,
    microsPerVerification: round(median(wall.get(candidate.key)!), 1),
    cpuMicrosPerVerification: round(median(cpu.get(candidate.key)!), 1),
    roundsMicrosPerVerification: wall.get(candidate.key)!.map((value) => round(value, 1)),
  }));
  const figures: WebhookVerificationFigures = { bodies: count, rounds, results };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
