import { describe, expect, it } from "vitest";
import { checkValues, invitedRoom, joinErrorOf } from "@/app/components/join";

describe("joinErrorOf", () => {
  // What livekit-client's TokenSource.endpoint throws on a non-2xx answer (TokenSource.ts).
  const thrown = (status: number, body: string) =>
    new Error(`Error generating token from endpoint /api/token: received ${status} / ${body}`);

  it("places the server's errorMessage under the form field its `field` names", () => {
    expect(
      joinErrorOf(
        thrown(400, '{"errorMessage":"room_name must not be empty or blank","field":"room_name"}'),
      ),
    ).toMatchObject({ message: "room_name must not be empty or blank", field: "roomName" });
    expect(
      joinErrorOf(thrown(400, '{"errorMessage":"too long","field":"participant_identity"}')),
    ).toMatchObject({ field: "participantName" });
    expect(joinErrorOf(thrown(429, '{"errorMessage":"too many token requests"}'))).toMatchObject({
      message: "too many token requests",
      field: null,
    });
  });

  it("says so when the answer is not JSON or the server is gone", () => {
    expect(joinErrorOf(thrown(502, "<html>")).message).toContain("HTTP 502");
    expect(joinErrorOf(new TypeError("Failed to fetch")).message).toContain(
      "Could not reach this app server",
    );
  });
});

describe("invitedRoom", () => {
  it("reads the room an invite names, for display; anything else is no room", () => {
    const payload = Buffer.from(JSON.stringify({ room: "board-é" })).toString("base64url");
    expect(invitedRoom(`eyJhbGciOiJIUzI1NiJ9.${payload}.sig`)).toBe("board-é");
    expect(invitedRoom("not-a-jwt")).toBeNull();
    expect(invitedRoom(`a.${Buffer.from("{}").toString("base64url")}.c`)).toBeNull();
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
