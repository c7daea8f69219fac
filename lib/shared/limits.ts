/**
 * The bounds of a token request, shared by the server (lib/token.ts, lib/access.ts) and the page
 * (app/components/join.ts), so the page never holds a copy that drifts. No secrets: the browser
 * bundle imports this module.
 */

/** Room names, participant names and identities. */
export const MAX_NAME_LENGTH = 128;
/** Participant metadata (a string, often JSON), and an agent dispatch's metadata. */
export const MAX_METADATA_LENGTH = 4096;
/** Participant attributes: how many, and the length of each key and value. */
export const MAX_ATTRIBUTES = 32;
export const MAX_ATTRIBUTE_KEY_LENGTH = 128;
export const MAX_ATTRIBUTE_VALUE_LENGTH = 1024;
/** `room_config` as JSON text, and the agents it may dispatch. */
export const MAX_ROOM_CONFIG_LENGTH = 8192;
export const MAX_AGENT_DISPATCHES = 8;
/** A token request's body. */
export const MAX_TOKEN_BODY_BYTES = 16 * 1024;

/** The request fields a deployment may let clients set or refuse (TOKEN_CLIENT_FIELDS). */
export const CLIENT_SETTABLE_FIELDS = [
  "participant_metadata",
  "participant_attributes",
  "room_config",
] as const;
export type ClientSettableField = (typeof CLIENT_SETTABLE_FIELDS)[number];

/** Who may get a token (TOKEN_ACCESS). */
export type TokenAccessMode = "open" | "protected";
export const TOKEN_ACCESS_MODES: readonly TokenAccessMode[] = ["open", "protected"];

/** The fragment of a join link made by `npm run invite`: `/#invite=<credential>`. */
export const INVITE_FRAGMENT_KEY = "invite";

/**
 * `text` cut to at most `max` UTF-16 units (the unit every length limit here counts) without
 * splitting a surrogate pair: an emoji at the cut goes whole, never leaving half a character.
 */
export function cutToLength(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}
