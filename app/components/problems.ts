/**
 * What the room view says when joining goes wrong: a failed connection to LiveKit, a refused
 * camera or microphone, a disconnect the user did not ask for. Pure, so it is unit tested; it
 * reads livekit-client's errors by their names and never imports it.
 */

export interface Problem {
  title: string;
  /** What happened, in LiveKit's words where it gave any. */
  detail: string;
  /** What to do about it. */
  hint: string;
}

/** livekit-client's ConnectionError carries `reasonName` ("ServerUnreachable", "NotAllowed", …). */
interface MaybeConnectionError {
  message?: string;
  reasonName?: string;
  status?: number;
}

/** A failed `room.connect(serverUrl, token)`. */
export function describeConnectionError(error: unknown, serverUrl: string): Problem {
  const { message = String(error), reasonName, status } = (error ?? {}) as MaybeConnectionError;
  if (reasonName === "NotAllowed" || status === 401 || status === 403) {
    return {
      title: `The LiveKit server at ${serverUrl} refused the token`,
      detail: message,
      hint:
        "This app server signs tokens with LIVEKIT_API_KEY and LIVEKIT_API_SECRET: set them to the " +
        "keys your LiveKit server was started with (livekit-server --dev uses devkey / secret).",
    };
  }
  return {
    title: `Could not connect to the LiveKit server at ${serverUrl}`,
    detail: message,
    hint:
      "`npm run dev` starts a local one beside this app once `npm run livekit-server` has got it " +
      "(then restart `npm run dev`); or set LIVEKIT_URL on this app server to your LiveKit " +
      "server's URL (ws://… or wss://…) and restart it.",
  };
}

/** The `name` of a getUserMedia DOMException, as livekit-client's MediaDeviceFailure sorts it. */
export type DeviceFailure = "PermissionDenied" | "NotFound" | "DeviceInUse" | "Other";

export function deviceFailureOf(error: unknown): DeviceFailure {
  const name = (error as { name?: string } | null)?.name ?? "";
  const message = (error as { message?: string } | null)?.message ?? "";
  if (name === "NotAllowedError" || name === "PermissionDeniedError") return "PermissionDenied";
  if (name === "NotFoundError" || name === "DevicesNotFoundError") return "NotFound";
  if (name === "NotReadableError" || name === "TrackStartError" || /device in use/i.test(message)) {
    return "DeviceInUse";
  }
  return "Other";
}

const DEVICE_NAMES = { camera: "camera", microphone: "microphone" } as const;
export type Device = keyof typeof DEVICE_NAMES;

/**
 * One sentence for the devices that could not be used, e.g. "You joined without the camera
 * and the microphone: permission was refused", or, for a toggle in the room, "Could not turn on
 * the camera: …".
 */
export function describeDeviceFailures(
  failures: Partial<Record<Device, DeviceFailure>>,
  when: "joining" | "later" = "joining",
): Problem | null {
  const devices = (Object.keys(failures) as Device[]).filter((device) => failures[device]);
  if (devices.length === 0) return null;
  const list = devices.map((device) => `the ${DEVICE_NAMES[device]}`).join(" and ");
  const kinds = new Set(devices.map((device) => failures[device]));
  const why = kinds.has("PermissionDenied")
    ? "permission was refused"
    : kinds.has("NotFound")
      ? "no such device was found"
      : kinds.has("DeviceInUse")
        ? "another application is using the device"
        : "the browser could not start it";
  const title =
    when === "joining" ? `You joined without ${list}: ${why}` : `Could not turn on ${list}: ${why}`;
  const hint = kinds.has("PermissionDenied")
    ? "Allow the camera and microphone in the browser's site settings (the icon left of the " +
      "address), then turn them on with the buttons under the video."
    : "Connect or free the device, then turn it on with the buttons under the video.";
  return { title, detail: "", hint };
}

/** Why LiveKit ended the session, by DisconnectReason name; null when the user left. */
export function describeDisconnect(reasonName: string | undefined): string | null {
  switch (reasonName) {
    case undefined:
    case "CLIENT_INITIATED":
      return null;
    case "DUPLICATE_IDENTITY":
      return "Someone joined with the same identity, which replaced this connection.";
    case "PARTICIPANT_REMOVED":
      return "You were removed from the room.";
    case "ROOM_DELETED":
    case "ROOM_CLOSED":
      return "The room was closed.";
    case "SERVER_SHUTDOWN":
      return "The LiveKit server shut down.";
    case "JOIN_FAILURE":
      return "Joining the room failed.";
    default:
      return `The connection ended (${reasonName.toLowerCase().replace(/_/g, " ")}).`;
  }
}
