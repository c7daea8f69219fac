import { describe, expect, it } from "vitest";
import {
  checkValues,
  fieldOfMessage,
  JoinError,
  newIdentity,
  requestToken,
} from "@/app/components/join";

describe("newIdentity", () => {
  it("keeps the typed name and adds a random suffix, so two tabs never share an identity", () => {
    const identities = new Set(Array.from({ length: 50 }, () => newIdentity("Sam")));
    expect(identities.size).toBe(50);
    for (const identity of identities) expect(identity).toMatch(/^Sam-[0-9a-f]{8}$/);
  });

  it("stays within the server's 128 characters", () => {
    const identity = newIdentity("x".repeat(200), () => "abcd1234");
    expect(identity).toHaveLength(128);
    expect(identity.endsWith("-abcd1234")).toBe(true);
  });
});

describe("fieldOfMessage", () => {
  it("finds the field the server's errorMessage names", () => {
    expect(fieldOfMessage("roomName must not be empty or blank")).toBe("roomName");
    expect(fieldOfMessage("participantName must be at most 128 characters")).toBe(
      "participantName",
    );
    expect(fieldOfMessage("identity must not be empty or blank")).toBe("participantName");
    expect(fieldOfMessage("roomName and participantName are required")).toBeNull();
    expect(fieldOfMessage("too many token requests")).toBeNull();
  });
});

describe("checkValues", () => {
  it("only catches empty fields; the server judges the rest", () => {
    expect(checkValues({ roomName: "", participantName: "" })).toEqual({
      roomName: expect.any(String),
      participantName: expect.any(String),
    });
    expect(checkValues({ roomName: "   ", participantName: "a" })).toEqual({});
  });
});

describe("requestToken", () => {
  const values = { roomName: "r", participantName: "Sam" };
  const answering = (status: number, body: unknown) =>
    (async () => new Response(JSON.stringify(body), { status })) as unknown as typeof fetch;

  it("posts the values and the identity, and returns the session", async () => {
    let sent: unknown;
    const fetchImpl = (async (url: string, init: RequestInit) => {
      sent = { url, body: JSON.parse(String(init.body)) };
      return new Response(JSON.stringify({ token: "t", serverUrl: "ws://lk" }));
    }) as unknown as typeof fetch;
    const session = await requestToken(values, "Sam-1", fetchImpl);
    expect(sent).toEqual({
      url: "/api/token",
      body: { roomName: "r", participantName: "Sam", identity: "Sam-1" },
    });
    expect(session).toEqual({ ...values, identity: "Sam-1", token: "t", serverUrl: "ws://lk" });
  });

  it("throws the server's errorMessage, with its field", async () => {
    const error = await requestToken(
      values,
      "Sam-1",
      answering(400, { errorMessage: "roomName must not be empty or blank" }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JoinError);
    expect(error).toMatchObject({
      message: "roomName must not be empty or blank",
      field: "roomName",
    });
  });

  it("says so when the answer is not JSON or the server is gone", async () => {
    const html = (async () => new Response("<html>", { status: 502 })) as unknown as typeof fetch;
    await expect(requestToken(values, "Sam-1", html)).rejects.toThrow("HTTP 502");
    const gone = (async () => {
      throw new TypeError("Failed to fetch");
    }) as unknown as typeof fetch;
    await expect(requestToken(values, "Sam-1", gone)).rejects.toThrow(
      "Could not reach this app server",
    );
  });
});
