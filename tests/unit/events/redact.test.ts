import { describe, expect, it } from "vitest";
import { JOB_PERSONAL_FIELDS, REDACTED, redactEvent, SECRET_FIELDS } from "@/lib/events/redact";
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
    const event = { event: "room_exploded", id: "EV_x", something: { id: "J" } };
    expect(redactEvent(event)).toBe(event);
  });

  it("an agent job: its metadata and attributes (personal data) and its room's secrets go", () => {
    for (const type of ["agent_job_started", "agent_job_ended"] as const) {
      const event = buildWebhookEvent(type, { room: "r", identity: "alice" }) as WebhookEventJson;
      const job = event.job as Record<string, unknown>;
      expect(job.metadata).toContain("alice@example.com");
      expect(job.attributes).toEqual({ "customer.phone": "+15550100" });
      const redacted = redactEvent(event);
      const seen = redacted.job as Record<string, unknown>;
      for (const field of JOB_PERSONAL_FIELDS) expect(seen[field]).toBe(REDACTED);
      expect((seen.room as Record<string, unknown>).turnPassword).toBe(REDACTED);
      expect(JSON.stringify(redacted)).not.toContain("alice@example.com");
      expect(JSON.stringify(redacted)).not.toContain("+15550100");
      // The rest as sent: the agent, the room's name, the state.
      expect(seen.agentName).toBe(job.agentName);
      expect((seen.room as { name: string }).name).toBe("r");
      expect(seen.state).toEqual(job.state);
      expect(job.metadata).toContain("alice@example.com");
    }
  });

  it("a job that is not an object is left as it came", () => {
    for (const job of ["text", 3, null, ["a"]]) {
      expect(redactEvent({ event: "agent_job_started", id: "EV_x", job } as never).job).toEqual(
        job,
      );
    }
  });
});
