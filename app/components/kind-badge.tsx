import { kindLabel } from "@/lib/shared/event-catalogue";

/**
 * What a participant is when not a person (LiveKit's ParticipantInfo.Kind): an outlined badge,
 * "agent", "SIP caller", "egress", "ingress", …, so an agent or a phone caller does not read as
 * one more person. Nothing for a standard participant.
 */
export function KindBadge({ kind }: { kind: unknown }) {
  const label = kindLabel(kind);
  if (!label) return null;
  return (
    <span className={`kind-badge kind-${String(kind).toLowerCase()}`} data-kind={String(kind)}>
      {label}
    </span>
  );
}
