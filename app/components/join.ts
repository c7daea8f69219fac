/**
 * Joining, before any LiveKit code loads: the remembered form values, this tab's identity, the
 * invite this tab was opened with, and the token request (livekit-client's TokenSource.endpoint,
 * imported only when the user joins).
 */
import { INVITE_FRAGMENT_KEY } from "@/lib/shared/limits";

export interface JoinValues {
  roomName: string;
  participantName: string;
}

/** What the page holds once the server gave it a token. */
export interface Session extends JoinValues {
  identity: string;
  token: string;
  serverUrl: string;
  /** A fresh participant token for the same room, through the same TokenSource. */
  refreshToken(): Promise<string>;
}

export type JoinField = keyof JoinValues;

/** A refused join: the server's `errorMessage`, and the form field its `field` is about, if any. */
export class JoinError extends Error {
  constructor(
    message: string,
    readonly field: JoinField | null,
  ) {
    super(message);
    this.name = "JoinError";
  }
}

const REMEMBERED_KEY = "livekit-app:join";
const IN_ROOM_KEY = "livekit-app:in-room";
const INVITE_KEY = "livekit-app:invite";
function readJson(storage: Storage | undefined, key: string): JoinValues | null {
  try {
    const value = JSON.parse(storage?.getItem(key) ?? "null") as Partial<JoinValues> | null;
    if (typeof value?.roomName === "string" && typeof value.participantName === "string") {
      return { roomName: value.roomName, participantName: value.participantName };
    }
  } catch {
    // storage blocked or a value from elsewhere: start empty
  }
  return null;
}

function writeJson(storage: Storage | undefined, key: string, value: JoinValues | null) {
  try {
    if (value) storage?.setItem(key, JSON.stringify(value));
    else storage?.removeItem(key);
  } catch {
    // storage blocked (private mode, quota): remembering is a convenience only
  }
}

const local = () => (typeof window === "undefined" ? undefined : window.localStorage);
const session = () => (typeof window === "undefined" ? undefined : window.sessionStorage);

/** The last values joined with, in this browser. */
export const readRemembered = () => readJson(local(), REMEMBERED_KEY);
export const remember = (values: JoinValues) => writeJson(local(), REMEMBERED_KEY, values);

/** The room this tab is in, so a reload rejoins it; cleared on leave. */
export const readInRoom = () => readJson(session(), IN_ROOM_KEY);
export const rememberInRoom = (values: JoinValues | null) =>
  writeJson(session(), IN_ROOM_KEY, values);

/** The request fields of the standard endpoint, as the form's fields (identity comes from the name). */
const FORM_FIELDS: Record<string, JoinField> = {
  room_name: "roomName",
  participant_name: "participantName",
  participant_identity: "participantName",
};

/**
 * The JoinError of what TokenSource.endpoint threw: on a non-2xx answer it throws
 * `Error generating token from endpoint <url>: received <status> / <body>`, and the body is the
 * server's `{errorMessage, field}`; anything else means the server was not reached.
 */
export function joinErrorOf(error: unknown): JoinError {
  const message = error instanceof Error ? error.message : String(error);
  const answer = /received (\d{3}) \/ ([\s\S]*)$/.exec(message);
  if (!answer) {
    return new JoinError(
      `Could not reach this app server for a token (${message}). Is it still running?`,
      null,
    );
  }
  let body: { errorMessage?: unknown; field?: unknown } | null = null;
  try {
    body = JSON.parse(answer[2]!) as { errorMessage?: unknown; field?: unknown } | null;
  } catch {
    // not JSON: a proxy's page, say
  }
  if (typeof body?.errorMessage !== "string") {
    return new JoinError(`The token request failed with HTTP ${answer[1]}.`, null);
  }
  const field = typeof body.field === "string" ? (FORM_FIELDS[body.field] ?? null) : null;
  return new JoinError(body.errorMessage, field);
}

/** Checks the page can make before asking: empty fields. The server judges everything else. */
export function checkValues(values: JoinValues): Partial<Record<JoinField, string>> {
  const errors: Partial<Record<JoinField, string>> = {};
  if (values.roomName === "") errors.roomName = "Enter the name of the room to join.";
  if (values.participantName === "") errors.participantName = "Enter the name others will see.";
  return errors;
}

/**
 * Reads an invite from the address (`/#invite=<credential>`) into this tab's session storage and
 * removes it from the address bar; returns the tab's invite (from the address or from before a
 * reload), or null.
 */
export function takeInvite(): string | null {
  if (typeof window === "undefined") return null;
  const fragment = new URLSearchParams(window.location.hash.slice(1)).get(INVITE_FRAGMENT_KEY);
  if (fragment) {
    try {
      window.sessionStorage.setItem(INVITE_KEY, fragment);
    } catch {
      // storage blocked: the invite lives in memory for this page's life
    }
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
    return fragment;
  }
  try {
    return window.sessionStorage.getItem(INVITE_KEY);
  } catch {
    return null;
  }
}

/** Forgets this tab's invite (a refused or expired one). */
export function forgetInvite(): void {
  try {
    window.sessionStorage.removeItem(INVITE_KEY);
  } catch {
    // storage blocked: nothing kept
  }
}

/** The room an invite names, read for display only (the server verifies the invite). */
export function invitedRoom(invite: string): string | null {
  try {
    const payload = invite.split(".")[1] ?? "";
    const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
    const bytes = Uint8Array.from(json, (char) => char.charCodeAt(0));
    const room = (JSON.parse(new TextDecoder().decode(bytes)) as { room?: unknown }).room;
    return typeof room === "string" && room !== "" ? room : null;
  } catch {
    return null;
  }
}

/**
 * Asks `/api/token` for a token with livekit-client's `TokenSource.endpoint` (LiveKit's standard
 * request). With an invite the server assigns the identity; without, this join's own identity
 * is sent. Throws a JoinError with the server's message and the form field it is about.
 */
export async function requestToken(
  values: JoinValues,
  identity: string | null,
  invite: string | null,
): Promise<Session> {
  const { TokenSource, decodeTokenPayload } = await import("livekit-client");
  const source = TokenSource.endpoint("/api/token", {
    headers: invite ? { Authorization: `Bearer ${invite}` } : {},
  });
  const options = {
    roomName: values.roomName,
    participantName: values.participantName,
    ...(identity === null ? {} : { participantIdentity: identity }),
  };
  let answer: { serverUrl: string; participantToken: string };
  try {
    answer = await source.fetch(options);
  } catch (error) {
    throw joinErrorOf(error);
  }
  const claims = decodeTokenPayload(answer.participantToken);
  return {
    roomName: claims.video?.room ?? values.roomName,
    participantName: claims.name ?? values.participantName,
    identity: claims.sub ?? identity ?? "",
    token: answer.participantToken,
    serverUrl: answer.serverUrl,
    // Cached until shortly before it expires, then fetched again with the same options.
    refreshToken: async () => (await source.fetch(options)).participantToken,
  };
}
