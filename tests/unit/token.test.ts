import { TokenVerifier } from "livekit-server-sdk";
import { describe, expect, it } from "vitest";
import { isHttpError, type HttpError } from "@/lib/http";
import { MISSING_FIELDS_MESSAGE, parseTokenRequest, signParticipantToken } from "@/lib/token";

const keys = {
  apiKey: "unit-key",
  apiSecret: "unit-secret-unit-secret-unit-secret",
  tokenTtlSeconds: 600,
};

function refusal(run: () => unknown): HttpError {
  try {
    run();
  } catch (error) {
    if (isHttpError(error)) return error;
    throw error;
  }
  throw new Error("expected an HttpError");
}

describe("parseTokenRequest", () => {
  it("answers the seed's exact message when a field is missing or null", () => {
    for (const body of [
      {},
      { roomName: "r" },
      { participantName: "p" },
      { roomName: null, participantName: "p" },
    ]) {
      const error = refusal(() => parseTokenRequest(body));
      expect(error.status).toBe(400);
      expect(error.message).toBe(MISSING_FIELDS_MESSAGE);
    }
  });

  it("says what is wrong with each other bad field", () => {
    expect(refusal(() => parseTokenRequest({ roomName: 5, participantName: "p" })).message).toBe(
      "roomName must be a string, got a number",
    );
    expect(
      refusal(() => parseTokenRequest({ roomName: "r", participantName: ["p"] })).message,
    ).toBe("participantName must be a string, got an array");
    expect(refusal(() => parseTokenRequest({ roomName: "  ", participantName: "p" })).message).toBe(
      "roomName must not be empty or blank",
    );
    expect(
      refusal(() => parseTokenRequest({ roomName: "r".repeat(129), participantName: "p" })).message,
    ).toBe("roomName must be at most 128 characters");
    expect(
      refusal(() => parseTokenRequest({ roomName: "r", participantName: "p", identity: 1 }))
        .message,
    ).toBe("identity must be a string, got a number");
  });

  it("keeps valid names as given, with optional identity and metadata", () => {
    expect(parseTokenRequest({ roomName: "Café 1", participantName: "Zoë" })).toEqual({
      roomName: "Café 1",
      participantName: "Zoë",
    });
    expect(
      parseTokenRequest({ roomName: "r", participantName: "p", identity: "p-1", metadata: "{}" }),
    ).toEqual({ roomName: "r", participantName: "p", identity: "p-1", metadata: "{}" });
  });
});

describe("signParticipantToken", () => {
  it("signs the identity, the name and a join grant for that room only", async () => {
    const jwt = await signParticipantToken(
      { room: "room-a", name: "alice", identity: "alice" },
      keys,
    );
    const claims = await new TokenVerifier(keys.apiKey, keys.apiSecret).verify(jwt);
    expect(claims.sub).toBe("alice");
    expect(claims.name).toBe("alice");
    expect(claims.iss).toBe(keys.apiKey);
    expect(claims.video).toMatchObject({
      roomJoin: true,
      room: "room-a",
      canPublish: true,
      canSubscribe: true,
      canPublishData: true,
    });
    expect(claims.exp! - claims.nbf!).toBe(600);
  });

  it("uses an explicit identity while keeping the name", async () => {
    const jwt = await signParticipantToken(
      { room: "r", name: "alice", identity: "alice-tab-2" },
      keys,
    );
    const claims = await new TokenVerifier(keys.apiKey, keys.apiSecret).verify(jwt);
    expect([claims.sub, claims.name]).toEqual(["alice-tab-2", "alice"]);
  });
});
