/**
 * `--only webhook-verify`: webhook verification in-process, before and after issue 10 (the SDK's
 * `WebhookReceiver.receive`, which decodes the event to protobuf and back, against the project's
 * `verifyWebhook`), over the same signed bodies (measure/webhook-verification.ts). A few seconds.
 */
import { measureWebhookVerification } from "../measure/webhook-verification";
import { ratio } from "../measure/stats";
import { table } from "../report";
import type { Figures, Section } from "../section";

function render({ webhookVerification: figures }: Figures): string | null {
  if (!figures) return null;
  const sdk = figures.results.find((result) => result.key === "sdk");
  const rows = figures.results.map((result) => [
    result.label,
    result.microsPerVerification.toFixed(1),
    result.cpuMicrosPerVerification.toFixed(1),
    sdk && result !== sdk
      ? `${ratio(result.microsPerVerification, sdk.microsPerVerification)}×`
      : "",
  ]);
  return (
    `\nWebhook verification in-process, one at a time over the same ${figures.bodies} signed participant_joined bodies ` +
    `(median of ${figures.rounds} alternating rounds; a process of its own):\n` +
    table(["verification", "µs/verification", "CPU µs/verification", "time vs before"], rows)
  );
}

export const webhookVerificationSection: Section = {
  name: "webhook verification",
  selectors: ["webhook-verify"],
  byDefault: true,
  async run({ figures, log }) {
    log("\n# Webhook verification in-process: before and after issue 10");
    const measured = await measureWebhookVerification();
    for (const result of measured.results) {
      log(`  ${result.key}: ${result.microsPerVerification} µs/verification`);
    }
    figures.webhookVerification = measured;
  },
  render,
};
