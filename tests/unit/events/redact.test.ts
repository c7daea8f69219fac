import { describe, expect, it } from "vitest";
import { REDACTED, redactEvent, SECRET_FIELDS } from "@/lib/events/redact";
import type { WebhookEventJson } from "@/lib/shared/event-model";
import { buildWebhookEvent } from "@/lib/livekit-wire";
import { EVENT_TYPES } from "@/lib/shared/event-catalogue";

/** Every string under a secret field of `value`, wherever it sits. */
function secretsIn(value: unknown, underSecret = false): string[] {
  if (typeof value === "string") return underSecret ? [value] : [];
  if (Array.isArray(value)) return value.flatMap((item) => secretsIn(item, underSecret));
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    secretsIn(inner, underSecret || SECRET_FIELDS.has(key)),
  );
}

describe("redactEvent: the participant's view", () => {
  for (const type of EVENT_TYPES) {
    it(`${type}: no secret value left, everything else as sent, the original untouched`, () => {
      const event = buildWebhookEvent(type, { room: "r" }) as WebhookEventJson;
      const original = structuredClone(event);
      const redacted = redactEvent(event);
      expect(event).toEqual(original);
      const text = JSON.stringify(redacted);
      for (const secret of secretsIn(event)) expect(text).not.toContain(secret);
      // Put the secrets back: the rest is exactly what LiveKit sent.
      const restore = (seen: unknown, sent: unknown): unknown => {
        if (seen === REDACTED) return sent;
        if (Array.isArray(seen))
          return seen.map((item, i) => restore(item, (sent as unknown[])[i]));
        if (typeof seen !== "object" || seen === null) return seen;
        return Object.fromEntries(
          Object.entries(seen).map(([key, inner]) => [
            key,
            restore(inner, (sent as Record<string, unknown>)[key]),
          ]),
        );
      };
      expect(restore(redacted, event)).toEqual(event);
    });
  }

  it("the egress and ingress fixtures carry the secrets it must remove", () => {
    const egress = JSON.stringify(buildWebhookEvent("egress_ended", { room: "r" }));
    const ingress = JSON.stringify(buildWebhookEvent("ingress_started", { room: "r" }));
    for (const field of ['"s3"', '"urls"', '"location"', '"url"']) expect(egress).toContain(field);
    for (const field of ['"streamKey"', '"url"']) expect(ingress).toContain(field);
    expect(secretsIn(JSON.parse(egress)).length).toBeGreaterThan(4);
  });

  it("passes an event without secret-bearing parts through as the same object", () => {
    const event = { event: "agent_job_started", id: "EV_x", job: { id: "J" } };
    expect(redactEvent(event)).toBe(event);
  });
});
