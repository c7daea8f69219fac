/**
 * The identity of one join: `<name>-<8 hex>`. LiveKit allows one connection per identity in a
 * room, so two tabs (or two invite holders) with the same display name would throw each other
 * out if the name were the identity; the name stays the participant name that everyone sees.
 * The page makes it for an open join, the server for an invite's holder.
 */
import { cutToLength, MAX_NAME_LENGTH } from "./limits";

/** 4 random bytes as 8 hex digits (Web Crypto: the browser's and Node's). */
export function randomIdentitySuffix(): string {
  const bytes = new Uint8Array(4);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** `<name>-<suffix>`, the name trimmed and cut so the whole stays within MAX_NAME_LENGTH. */
export function newIdentity(name: string, random: () => string = randomIdentitySuffix): string {
  const suffix = random();
  const base = cutToLength(name.trim(), MAX_NAME_LENGTH - suffix.length - 1);
  return `${base}-${suffix}`;
}
