/**
 * Joining, before any LiveKit code loads: the remembered form values, this tab's identity and
 * the token request. Browser-only helpers; nothing here imports livekit-client.
 */

export interface JoinValues {
  roomName: string;
  participantName: string;
}

/** What the page holds once the server gave it a token. */
export interface Session extends JoinValues {
  identity: string;
  token: string;
  serverUrl: string;
}

export type JoinField = keyof JoinValues;

/** A refused join: the server's `errorMessage`, and the field it names, if any. */
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
/** The server refuses names and identities longer than this (lib/token.ts). */
const MAX_NAME_LENGTH = 128;

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

/**
 * An identity of this join alone: LiveKit allows one connection per identity in a room, so two
 * tabs with the same display name would throw each other out if the name were the identity.
 * The typed name stays the participant name that everyone sees.
 */
export function newIdentity(participantName: string, random: () => string = randomSuffix): string {
  const suffix = random();
  const base = participantName.trim().slice(0, MAX_NAME_LENGTH - suffix.length - 1);
  return `${base}-${suffix}`;
}

function randomSuffix(): string {
  const bytes = new Uint8Array(4);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** The field a server message is about: it names it first ("roomName must not be …"). */
export function fieldOfMessage(message: string): JoinField | null {
  if (/^roomName and participantName\b/.test(message)) return null;
  if (message.startsWith("roomName")) return "roomName";
  if (message.startsWith("participantName") || message.startsWith("identity")) {
    return "participantName";
  }
  return null;
}

/** Checks the page can make before asking: empty fields. The server judges everything else. */
export function checkValues(values: JoinValues): Partial<Record<JoinField, string>> {
  const errors: Partial<Record<JoinField, string>> = {};
  if (values.roomName === "") errors.roomName = "Enter the name of the room to join.";
  if (values.participantName === "") errors.participantName = "Enter the name others will see.";
  return errors;
}

/** `POST /api/token`; throws a JoinError with the server's message when it refuses. */
export async function requestToken(
  values: JoinValues,
  identity: string,
  fetchImpl: typeof fetch = fetch,
): Promise<Session> {
  let response: Response;
  try {
    response = await fetchImpl("/api/token", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ...values, identity }),
    });
  } catch (error) {
    throw new JoinError(
      `Could not reach this app server for a token (${(error as Error).message}). Is it still running?`,
      null,
    );
  }
  const body = (await response.json().catch(() => null)) as {
    token?: unknown;
    serverUrl?: unknown;
    errorMessage?: unknown;
  } | null;
  if (!response.ok || typeof body?.token !== "string" || typeof body.serverUrl !== "string") {
    const message =
      typeof body?.errorMessage === "string"
        ? body.errorMessage
        : `The token request failed with HTTP ${response.status}.`;
    throw new JoinError(message, fieldOfMessage(message));
  }
  return { ...values, identity, token: body.token, serverUrl: body.serverUrl };
}
