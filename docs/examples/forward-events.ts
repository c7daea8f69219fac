/**
 * The second example of docs/reacting-to-events.md: every event forwarded to a URL of yours,
 * signed so the receiver can tell it came from this server. Copy it over webhook-handlers.ts
 * and set EVENT_FORWARD_URL and EVENT_FORWARD_SECRET (any long random string, e.g.
 * `openssl rand -base64 32`) on the server; give the receiver the same secret.
 *
 * The request: POST, the event's JSON as the body, and headers
 *   X-Event-Id: the LiveKit event id (the receiver deduplicates by it: a retry sends it again)
 *   X-Signature: sha256=<hex HMAC-SHA256 of `${timestamp}.${body}` with the secret>
 *   X-Signature-Timestamp: Unix seconds (refuse one older than a few minutes: a replay)
 * A non-2xx answer or no answer in 10 s throws, so the runner retries with backoff.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { defineHandlers } from "@/lib/handlers";

export default defineHandlers({
  "*": async (event, ctx) => {
    const url = process.env.EVENT_FORWARD_URL;
    const secret = process.env.EVENT_FORWARD_SECRET;
    if (!url || !secret) return ctx.log.warn("EVENT_FORWARD_URL or EVENT_FORWARD_SECRET unset");
    const body = JSON.stringify(event);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-Event-Id": event.id,
        "X-Signature": `sha256=${signature}`,
        "X-Signature-Timestamp": timestamp,
      },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  },
});

/**
 * The receiver's check (any server in Node; the same three steps in any language): the
 * timestamp is recent, and the HMAC of `${timestamp}.${rawBody}` matches in constant time.
 */
export function verifyForwarded(
  rawBody: string,
  headers: { signature: string | null; timestamp: string | null },
  secret: string,
  now = Date.now() / 1000,
): boolean {
  const { signature, timestamp } = headers;
  if (!signature?.startsWith("sha256=") || !timestamp || Math.abs(now - Number(timestamp)) > 300) {
    return false;
  }
  const expected = createHmac("sha256", secret).update(`${timestamp}.${rawBody}`).digest();
  const given = Buffer.from(signature.slice("sha256=".length), "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
