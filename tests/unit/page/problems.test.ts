import { describe, expect, it } from "vitest";
import {
  describeConnectionError,
  describeDeviceFailures,
  describeDisconnect,
  deviceFailureOf,
} from "@/app/components/problems";

describe("describeConnectionError", () => {
  it("names the URL and says how to get a LiveKit server when it is unreachable", () => {
    const problem = describeConnectionError(
      {
        message: "could not establish signal connection: Failed to fetch",
        reasonName: "ServerUnreachable",
      },
      "ws://localhost:7880",
    );
    expect(problem.title).toBe("Could not connect to the LiveKit server at ws://localhost:7880");
    expect(problem.hint).toContain("`npm run livekit-server`");
    expect(problem.hint).toContain("LIVEKIT_URL");
    expect(problem.detail).toContain("Failed to fetch");
  });

  it("points at the API key and secret when LiveKit refuses the token", () => {
    const problem = describeConnectionError(
      { message: "invalid token", reasonName: "NotAllowed", status: 401 },
      "wss://x.livekit.cloud",
    );
    expect(problem.title).toContain("refused the token");
    expect(problem.hint).toContain("LIVEKIT_API_KEY");
  });
});

describe("device failures", () => {
  it("sorts getUserMedia errors", () => {
    expect(deviceFailureOf({ name: "NotAllowedError" })).toBe("PermissionDenied");
    expect(deviceFailureOf({ name: "NotFoundError" })).toBe("NotFound");
    expect(deviceFailureOf({ name: "NotReadableError" })).toBe("DeviceInUse");
    expect(deviceFailureOf(new Error("boom"))).toBe("Other");
  });

  it("says which devices the user joined without, and why", () => {
    expect(describeDeviceFailures({})).toBeNull();
    expect(
      describeDeviceFailures({ camera: "PermissionDenied", microphone: "PermissionDenied" })?.title,
    ).toBe("You joined without the camera and the microphone: permission was refused");
    expect(describeDeviceFailures({ camera: "NotFound" })?.title).toBe(
      "You joined without the camera: no such device was found",
    );
    expect(describeDeviceFailures({ microphone: "DeviceInUse" }, "later")?.title).toBe(
      "Could not turn on the microphone: another application is using the device",
    );
  });
});

describe("describeDisconnect", () => {
  it("is silent when the user left, and explains the rest", () => {
    expect(describeDisconnect(undefined)).toBeNull();
    expect(describeDisconnect("CLIENT_INITIATED")).toBeNull();
    expect(describeDisconnect("DUPLICATE_IDENTITY")).toContain("same identity");
    expect(describeDisconnect("ROOM_DELETED")).toBe("The room was closed.");
    expect(describeDisconnect("SIP_TRUNK_FAILURE")).toBe(
      "The connection ended (sip trunk failure).",
    );
  });
});
