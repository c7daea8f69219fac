/**
 * LiveKit's standard token endpoint at POST /api/token, over HTTP against the production build,
 * asked by livekit-client's own TokenSource.endpoint (the installed package, in Node: it needs no
 * browser global) and by plain fetch for the refusals.
 */
import { TokenSource } from "livekit-client";
import { TokenVerifier } from "livekit-server-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_API_KEY, TEST_API_SECRET, TEST_LIVEKIT_URL } from "../support/fixtures";
import { startServer, type RunningServer } from "../support/server";

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ TOKEN_RATE_LIMIT_PER_MINUTE: "0" });
});
afterAll(async () => {
  await server?.stop();
});

const verify = (token: string) => new TokenVerifier(TEST_API_KEY, TEST_API_SECRET).verify(token);

async function post(body: unknown, path = "/api/token", headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { response, json: (await response.json()) as Record<string, unknown> };
}

describe("POST /api/token, LiveKit's standard request", () => {
  it("answers livekit-client's TokenSource.endpoint with every field set", async () => {
    const source = TokenSource.endpoint(`${server.url}/api/token`);
    const answer = await source.fetch({
      roomName: "standup",
      participantName: "Grace",
      participantIdentity: "grace-1",
      participantMetadata: '{"role":"host"}',
      participantAttributes: { team: "compilers", floor: "3" },
      agentName: "note-taker",
      agentMetadata: '{"language":"en"}',
    });
    expect(answer.serverUrl).toBe(TEST_LIVEKIT_URL);
    const claims = await verify(answer.participantToken);
    expect(claims.sub).toBe("grace-1");
    expect(claims.name).toBe("Grace");
    expect(claims.metadata).toBe('{"role":"host"}');
    expect(claims.attributes).toEqual({ team: "compilers", floor: "3" });
    expect(claims.video).toMatchObject({ roomJoin: true, room: "standup", canPublish: true });
    expect(claims.roomConfig?.agents).toEqual([
      expect.objectContaining({ agentName: "note-taker", metadata: '{"language":"en"}' }),
    ]);
  });

  it("answers {} with a fresh room and identity each time", async () => {
    const source = TokenSource.endpoint(`${server.url}/api/token`);
    const first = await verify((await source.fetch({})).participantToken);
    const second = await verify((await source.fetch({}, true)).participantToken);
    expect(first.video?.room).toMatch(/^room-[0-9a-f]{12}$/);
    expect(first.sub).toMatch(/^participant-[0-9a-f]{8}$/);
    expect(second.video?.room).not.toBe(first.video?.room);
    expect(second.sub).not.toBe(first.sub);
  });

  it("answers 201 {server_url, participant_token, room_name, participant_name}, no-store", async () => {
    const { response, json } = await post({ room_name: "r1", participant_name: "Lin" });
    expect(response.status).toBe(201);
    expect(response.headers.get("cache-control")).toBe("no-store, no-transform");
    expect(Object.keys(json).sort()).toEqual([
      "participant_name",
      "participant_token",
      "room_name",
      "server_url",
    ]);
    expect(json).toMatchObject({ server_url: TEST_LIVEKIT_URL, room_name: "r1" });
    expect(json.participant_name).toBe("Lin");
    const claims = await verify(String(json.participant_token));
    expect(claims.sub).toMatch(/^Lin-[0-9a-f]{8}$/);
  });

  it("puts the rest of room_config into the token, ignoring fields it does not know", async () => {
    const { response, json } = await post({
      room_name: "configured",
      room_config: {
        empty_timeout: 120,
        max_participants: 8,
        agents: [{ agent_name: "a1" }, { agent_name: "a2", metadata: "m" }],
        from_a_newer_client: true,
      },
    });
    expect(response.status).toBe(201);
    const claims = await verify(String(json.participant_token));
    expect(claims.roomConfig).toMatchObject({ emptyTimeout: 120, maxParticipants: 8 });
    expect(claims.roomConfig?.agents?.map((agent) => agent.agentName)).toEqual(["a1", "a2"]);
  });

  const long = (n: number) => "x".repeat(n);
  const badFields: [string, Record<string, unknown>, string, RegExp][] = [
    ["room_name a number", { room_name: 7 }, "room_name", /must be a string/],
    ["room_name blank", { room_name: "  " }, "room_name", /empty or blank/],
    ["room_name too long", { room_name: long(129) }, "room_name", /at most 128/],
    ["participant_name an object", { participant_name: {} }, "participant_name", /string/],
    ["participant_name too long", { participant_name: long(129) }, "participant_name", /128/],
    ["participant_identity blank", { participant_identity: "" }, "participant_identity", /empty/],
    [
      "participant_identity an array",
      { participant_identity: ["a"] },
      "participant_identity",
      /string/,
    ],
    [
      "participant_metadata a number",
      { participant_metadata: 1 },
      "participant_metadata",
      /string/,
    ],
    [
      "participant_metadata too long",
      { participant_metadata: long(4097) },
      "participant_metadata",
      /4096/,
    ],
    [
      "participant_attributes a string",
      { participant_attributes: "a=1" },
      "participant_attributes",
      /object/,
    ],
    [
      "participant_attributes an array",
      { participant_attributes: [] },
      "participant_attributes",
      /object/,
    ],
    [
      "an attribute not a string",
      { participant_attributes: { a: 1 } },
      "participant_attributes",
      /strings/,
    ],
    [
      "an empty attribute key",
      { participant_attributes: { "": "v" } },
      "participant_attributes",
      /keys/,
    ],
    [
      "too many attributes",
      {
        participant_attributes: Object.fromEntries(
          Array.from({ length: 33 }, (_, i) => [`k${i}`, "v"]),
        ),
      },
      "participant_attributes",
      /at most 32/,
    ],
    [
      "an attribute value too long",
      { participant_attributes: { a: long(1025) } },
      "participant_attributes",
      /1024/,
    ],
    ["room_config a string", { room_config: "agents" }, "room_config", /must be an object/],
    [
      "room_config agents not a list",
      { room_config: { agents: 5 } },
      "room_config",
      /not a valid RoomConfiguration/,
    ],
    [
      "room_config a wrong type",
      { room_config: { max_participants: "many" } },
      "room_config",
      /not a valid RoomConfiguration/,
    ],
    [
      "room_config too many agents",
      { room_config: { agents: Array.from({ length: 9 }, () => ({ agent_name: "a" })) } },
      "room_config",
      /at most 8/,
    ],
    [
      "room_config an agent name too long",
      { room_config: { agents: [{ agent_name: long(129) }] } },
      "room_config",
      /agent_name/,
    ],
    [
      "room_config for another room",
      { room_name: "a", room_config: { name: "b" } },
      "room_config",
      /equal room_name/,
    ],
    [
      "room_config too large",
      { room_config: { metadata: long(9000) } },
      "room_config",
      /at most 8192/,
    ],
  ];
  it.each(badFields)(
    "refuses %s with a 400 JSON naming the field",
    async (_, body, field, message) => {
      const { response, json } = await post(body);
      expect(response.status).toBe(400);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      expect(json.field).toBe(field);
      expect(String(json.errorMessage)).toMatch(message);
      expect(String(json.errorMessage).startsWith(field)).toBe(true);
    },
  );

  it("refuses LiveKit's reserved lk.* attributes with 403 naming the key", async () => {
    const { response, json } = await post({
      room_name: "r",
      participant_attributes: { mood: "fine", "lk.publish_on_behalf": "alice" },
    });
    expect(response.status).toBe(403);
    expect(json.field).toBe("participant_attributes");
    expect(String(json.errorMessage)).toContain('"lk.publish_on_behalf"');
  });

  it("cuts a long name on whole characters: 64 emoji never leave half of one in the identity", async () => {
    const name = "\u{1F600}".repeat(64);
    const { response, json } = await post({ room_name: "r", participant_name: name });
    expect(response.status).toBe(201);
    const claims = await verify(String(json.participant_token));
    const identity = String(claims.sub);
    expect(identity.length).toBeLessThanOrEqual(128);
    expect(identity).not.toMatch(
      /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/,
    );
    expect(identity).toMatch(/^(\u{1F600})+-[0-9a-f]{8}$/u);
  });

  it("says so when a body mixes the tutorial and the standard dialects", async () => {
    const { response, json } = await post({ roomName: "r", participantName: "p", room_name: "r" });
    expect(response.status).toBe(400);
    expect(String(json.errorMessage)).toMatch(
      /mixes the tutorial fields \(roomName, participantName\) with LiveKit's standard/,
    );
  });

  it("surfaces a refusal through TokenSource.endpoint as the library's error, with the JSON body", async () => {
    const source = TokenSource.endpoint(`${server.url}/api/token`);
    const error = await source.fetch({ roomName: " " }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/received 400 \/ \{.*"field":"room_name"/);
  });
});

describe("the tutorial dialect beside it", () => {
  it("answers a tutorial body at /api/token in the tutorial format", async () => {
    const { response, json } = await post({ roomName: "r", participantName: "Ada" });
    expect(response.status).toBe(200);
    expect(Object.keys(json).sort()).toEqual(["serverUrl", "token"]);
    expect((await verify(String(json.token))).sub).toBe("Ada");
  });

  it("keeps /token to the tutorial contract: a standard body there is missing its fields", async () => {
    for (const body of [{}, { room_name: "r", participant_name: "p" }]) {
      const { response, json } = await post(body, "/token");
      expect(response.status).toBe(400);
      expect(json).toEqual({ errorMessage: "roomName and participantName are required" });
    }
  });
});

describe("TOKEN_CLIENT_FIELDS", () => {
  let strict: RunningServer;
  beforeAll(async () => {
    strict = await startServer({ TOKEN_CLIENT_FIELDS: "participant_attributes" });
  });
  afterAll(async () => {
    await strict?.stop();
  });

  it.each([
    ["participant_metadata", { participant_metadata: "m" }, "/api/token"],
    ["room_config", { room_config: { agents: [{ agent_name: "a" }] } }, "/api/token"],
    ["metadata", { roomName: "r", participantName: "p", metadata: "m" }, "/token"],
  ])(
    "refuses %s, which this deployment does not let clients set, with 403 naming it",
    async (field, body, path) => {
      const response = await fetch(`${strict.url}${path}`, {
        method: "POST",
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(403);
      const json = (await response.json()) as Record<string, unknown>;
      expect(json.field).toBe(field);
      expect(String(json.errorMessage)).toMatch(new RegExp(`^${field} may not be set by clients`));
    },
  );

  it("still takes what it allows", async () => {
    const response = await fetch(`${strict.url}/api/token`, {
      method: "POST",
      body: JSON.stringify({ room_name: "r", participant_attributes: { a: "1" } }),
    });
    expect(response.status).toBe(201);
  });
});
