/**
 * Who a request comes from, for rate limits and stream caps: an address the client cannot pick.
 *
 * - On Vercel (`VERCEL` set) the platform's `x-forwarded-for` / `x-real-ip`: Vercel overwrites
 *   them with the address it saw.
 * - Behind N proxies of yours (`TRUSTED_PROXY_HOPS=N`): the N-th `x-forwarded-for` entry from
 *   the right, the address your outermost proxy saw; everything left of it is the client's to
 *   invent.
 * - Otherwise (a bare `next start`, the default): the socket's peer address. The headers are
 *   ignored: a client can send any `X-Forwarded-For`, and Next only fills it when absent.
 *
 * IPv6 addresses are keyed by their /64: one subscriber usually holds a whole /64 and can
 * rotate addresses inside it at will.
 */
import "server-only";
import type { HeaderGetter } from "./http";

export interface AddressSettings {
  onVercel: boolean;
  trustedProxyHops: number;
}

/**
 * The header this server's own process stamps on each request with the socket's peer address
 * (instrumentation.ts → lib/peer-address), replacing any value a client sent: App Router route
 * handlers see only headers, and Next fills `x-forwarded-for` from the socket only when absent.
 */
export const PEER_ADDRESS_HEADER = "x-livekit-peer-address";

/** The rate-limit key of a request; `peer` is the socket's address when the caller has it. */
export function clientKey(
  header: HeaderGetter,
  settings: AddressSettings,
  peer: string | null = header(PEER_ADDRESS_HEADER),
): string {
  let address: string | null;
  if (settings.onVercel) {
    address = firstEntry(header("x-forwarded-for")) ?? header("x-real-ip")?.trim() ?? peer;
  } else if (settings.trustedProxyHops > 0) {
    const entries = (header("x-forwarded-for") ?? "")
      .split(",")
      .map((entry) => entry.trim())
      .filter(Boolean);
    address = entries[Math.max(0, entries.length - settings.trustedProxyHops)] ?? peer;
  } else {
    address = peer;
  }
  return address ? addressKey(address) : "unknown";
}

function firstEntry(value: string | null): string | null {
  return value?.split(",")[0]?.trim() || null;
}

/** An IPv4 address as it is; an IPv6 address as its /64 prefix; anything else cut to 64 chars. */
export function addressKey(address: string): string {
  let text = address.trim().toLowerCase();
  if (text.startsWith("["))
    text = text.slice(1, text.indexOf("]") > 0 ? text.indexOf("]") : undefined);
  const zone = text.indexOf("%");
  if (zone >= 0) text = text.slice(0, zone);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (mapped) return mapped[1]!;
  if (!text.includes(":")) return text.slice(0, 64);
  const groups = expandIpv6(text);
  return groups ? `${groups.slice(0, 4).join(":")}::/64` : text.slice(0, 64);
}

/** The eight hextets of an IPv6 address, or null if it is not one. */
function expandIpv6(text: string): string[] | null {
  if (!/^[0-9a-f:.]+$/.test(text)) return null;
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const part = (half: string | undefined) => (half ? half.split(":") : []);
  const head = part(halves[0]);
  const tail = part(halves[1]);
  // An embedded IPv4 tail counts as two hextets; the /64 never reaches it.
  const last = tail.length > 0 ? tail : head;
  if (last.length > 0 && last[last.length - 1]!.includes(".")) last.splice(-1, 1, "0", "0");
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 0) return null;
  const groups = [...head, ...Array<string>(Math.max(0, missing)).fill("0"), ...tail];
  if (groups.some((group) => !/^[0-9a-f]{1,4}$/.test(group))) return null;
  return groups.map((group) => group.replace(/^0+(?=.)/, ""));
}
