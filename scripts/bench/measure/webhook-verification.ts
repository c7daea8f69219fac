/**
 * Webhook verification in-process, before and after issue 10: microseconds per verification of
 * the same signed bodies by livekit-server-sdk's `WebhookReceiver.receive` and by the project's
 * `verifyWebhook` (lib/webhook.ts). Measured in a process of its own
 * (webhook-verification-worker.ts), away from the bench's servers and load generator, and run
 * with `--conditions=react-server` as the project's CLIs are, so lib/ loads outside Next.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { ROOT } from "../../../tests/support/server";

const run = promisify(execFile);

export interface VerificationResult {
  key: string;
  label: string;
  /** Median over the rounds of wall-clock microseconds per verification, one at a time. */
  microsPerVerification: number;
  /** The same rounds' CPU (user + system) microseconds per verification. */
  cpuMicrosPerVerification: number;
  roundsMicrosPerVerification: number[];
}

export interface WebhookVerificationFigures {
  bodies: number;
  rounds: number;
  results: VerificationResult[];
}

export async function measureWebhookVerification(): Promise<WebhookVerificationFigures> {
  const { stdout } = await run(
    process.execPath,
    [
      "--import",
      "tsx",
      "--conditions=react-server",
      path.join(__dirname, "webhook-verification-worker.ts"),
    ],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "/tmp",
        NODE_ENV: "production",
      },
      maxBuffer: 1024 * 1024,
    },
  );
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as WebhookVerificationFigures;
}
