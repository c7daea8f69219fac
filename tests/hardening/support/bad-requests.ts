/**
 * The generated bad requests of tests/hardening/bad-input.test.ts, each with the answer the
 * contract gives it (the oracle), written out from the spec rather than imported from lib/:
 * random and non-JSON bodies, wrong types, huge and unicode strings, `__proto__`/`constructor`
 * keys, truncated bodies, odd content types, repeated and garbage headers, forged JWTs.
 */
import { createHash, createHmac } from "node:crypto";
import fc from "fast-check";
import { buildWebhookEvent, encodeWireJson } from "@/lib/livekit-wire";
import { EVENT_TYPES } from "@/lib/shared/event-catalogue";
import { TEST_API_KEY, TEST_API_SECRET } from "../../support/keys";
import type { Framing, RawRequest } from "./raw-http";

export const TOKEN_MAX_BODY = 16 * 1024;
export const WEBHOOK_MAX_BODY = 1024 * 1024;

export type Expectation = { statuses: number[]; why: string };

const decoder = () => new TextDecoder();

/** Who asks for a token: anyone (open), or a protected server's caller with this credential. */
export type TokenCaller = { mode: "open" } | { mode: "protected"; credential: CredentialKind };

/**
 * The credentials a protected server's caller may send. Only `invite` (an invite made by the
 * server's own signer for INVITED_ROOM) is valid; `invite-expired`, an invite signed with another
 * key, a LiveKit join token, junk and none are 401.
 */
export type CredentialKind =
  "invite" | "invite-expired" | "invite-forged" | "livekit-token" | "garbage" | "empty" | "none";
export const INVITED_ROOM = "room-1";

const TUTORIAL_FIELDS = ["roomName", "participantName", "identity", "metadata"];
const STANDARD_FIELDS = [
  "room_name",
  "participant_name",
  "participant_identity",
  "participant_metadata",
  "participant_attributes",
  "room_config",
];

/** POST /api/token and /token: README's contract, written out from the spec, not imported from lib/. */
export function expectToken(
  body: Buffer,
  path = "/api/token",
  caller: TokenCaller = { mode: "open" },
): Expectation & { request?: Record<string, unknown>; dialect?: "tutorial" | "standard" } {
  if (body.length > TOKEN_MAX_BODY) return { statuses: [413], why: "body over 16 KB" };
  const text = decoder().decode(body);
  if (text.trim() === "") return { statuses: [400], why: "empty body" };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { statuses: [400], why: "not JSON" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { statuses: [400], why: "not a JSON object" };
  }
  const fields = value as Record<string, unknown>;
  const has = (name: string) => Object.hasOwn(fields, name);
  const present = (name: string) => has(name) && fields[name] !== null;
  const name = (v: unknown) => typeof v === "string" && v.trim() !== "" && v.length <= 128;
  const tutorial = path === "/token" || TUTORIAL_FIELDS.some(has);
  if (path !== "/token" && tutorial && STANDARD_FIELDS.some(has)) {
    return { statuses: [400], why: "both dialects in one body" };
  }
  if (tutorial) {
    if (!present("roomName") || !present("participantName")) {
      return { statuses: [400], why: "required field missing" };
    }
    if (!name(fields.roomName) || !name(fields.participantName)) {
      return { statuses: [400], why: "bad roomName/participantName" };
    }
    if (present("identity") && !name(fields.identity))
      return { statuses: [400], why: "bad identity" };
    if (
      present("metadata") &&
      (typeof fields.metadata !== "string" || fields.metadata.length > 4096)
    ) {
      return { statuses: [400], why: "bad metadata" };
    }
    return accessOf(caller, fields, "tutorial", {
      room: fields.roomName,
      identity: fields.identity,
      metadata: fields.metadata,
    });
  }
  for (const field of ["room_name", "participant_name", "participant_identity"]) {
    if (present(field) && !name(fields[field])) return { statuses: [400], why: `bad ${field}` };
  }
  const metadata = fields.participant_metadata;
  if (present("participant_metadata") && (typeof metadata !== "string" || metadata.length > 4096)) {
    return { statuses: [400], why: "bad participant_metadata" };
  }
  if (present("participant_attributes") && !goodAttributes(fields.participant_attributes)) {
    return { statuses: [400], why: "bad participant_attributes" };
  }
  const config = fields.room_config;
  if (present("room_config")) {
    if (typeof config !== "object" || Array.isArray(config)) {
      return { statuses: [400], why: "room_config not an object" };
    }
    if (JSON.stringify(config).length > 8192)
      return { statuses: [400], why: "room_config too long" };
    // A RoomConfiguration's own field types are protobuf's to judge: 400, or a token.
    const known = JSON.stringify(config) === "{}" || JSON.stringify(config) === '{"agents":[]}';
    if (!known) {
      const outcome = accessOf(caller, fields, "standard", {
        room: fields.room_name,
        identity: fields.participant_identity,
        metadata,
      });
      return { ...outcome, statuses: [...new Set([400, ...outcome.statuses])] };
    }
  }
  return accessOf(caller, fields, "standard", {
    room: fields.room_name,
    identity: fields.participant_identity,
    metadata,
  });
}

function goodAttributes(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  return (
    entries.length <= 32 &&
    entries.every(
      ([key, item]) =>
        key !== "" && key.length <= 128 && typeof item === "string" && item.length <= 1024,
    )
  );
}

/** A well-formed request: what the caller gets (README's table of access modes). */
function accessOf(
  caller: TokenCaller,
  fields: Record<string, unknown>,
  dialect: "tutorial" | "standard",
  asked: { room: unknown; identity: unknown; metadata: unknown },
): Expectation & { request?: Record<string, unknown>; dialect?: "tutorial" | "standard" } {
  const issued = { statuses: [dialect === "tutorial" ? 200 : 201], request: fields, dialect };
  if (caller.mode === "open") return { ...issued, why: "valid request" };
  if (caller.credential !== "invite") {
    return { statuses: [401], why: `protected, credential: ${caller.credential}` };
  }
  // Protected by default lets clients set participant_attributes only.
  const roomConfig = dialect === "standard" && fields.room_config != null;
  if ((asked.metadata !== undefined && asked.metadata !== null) || roomConfig) {
    return { statuses: [403], why: "protected: metadata/room_config not the client's" };
  }
  if (asked.room !== undefined && asked.room !== null && asked.room !== INVITED_ROOM) {
    return { statuses: [403], why: "invite for another room" };
  }
  if (asked.identity !== undefined && asked.identity !== null) {
    return { statuses: [403], why: "an invite's holder chose an identity" };
  }
  return { ...issued, why: "valid invite" };
}

type JwtKind =
  | "valid"
  | "valid-bearer"
  | "none"
  | "empty"
  | "garbage"
  | "wrong-secret"
  | "wrong-issuer"
  | "expired"
  | "not-yet-valid"
  | "no-sha256"
  | "wrong-sha256"
  | "alg-none"
  | "alg-hs512-wrong"
  | "truncated"
  | "huge"
  | "two-tokens";

const SIGNED_KINDS: JwtKind[] = ["valid", "valid-bearer"];
/** Signed by this server's key and current: their body is read, then its sha256 checked. */
const BODY_READ_KINDS: JwtKind[] = [...SIGNED_KINDS, "no-sha256", "wrong-sha256"];

/** POST /api/webhook. */
function expectWebhook(
  body: Buffer,
  jwt: JwtKind,
  text: string,
  authorization: string | null,
): Expectation {
  // Refused before the body is read: no Authorization shaped like a JWT (bare or Bearer).
  const shaped = /^(?:Bearer\s+)?[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\s*$/i;
  if (!shaped.test(authorization?.trim() ?? "")) {
    return { statuses: [401], why: `no JWT-shaped Authorization: ${jwt}` };
  }
  // The JWT itself (signature, issuer, expiry) is verified before the body is read; only a JWT
  // that passes gets its body read, bounded (413), and compared with its sha256 claim.
  if (!BODY_READ_KINDS.includes(jwt)) return { statuses: [401], why: `credential: ${jwt}` };
  if (body.length > WEBHOOK_MAX_BODY) return { statuses: [413], why: "body over 1 MB" };
  if (!SIGNED_KINDS.includes(jwt)) return { statuses: [401], why: `sha256 claim: ${jwt}` };
  // The signature covers the text as decoded here; the server hashes the bytes received.
  if (!Buffer.from(text).equals(body)) {
    return { statuses: [401], why: "signed over other bytes than those sent" };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { statuses: [400], why: "signed, not JSON" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { statuses: [400], why: "signed, not a JSON object" };
  }
  const event = value as Record<string, unknown>;
  const text_ = (v: unknown) => typeof v === "string" && v !== "";
  if (!text_(event.event) || !text_(event.id)) {
    // protobuf may refuse the shape first; either way it is the body's fault: 400.
    return { statuses: [400], why: "signed, no event type or id" };
  }
  // A well-typed event is stored (200); a field of the wrong type is refused as a bad body.
  return { statuses: [200, 400], why: "signed object with event and id" };
}

// ---------------------------------------------------------------------------------------------
// Generators.

const unicodeText = fc.string({ unit: "grapheme", maxLength: 40 });
const binaryText = fc.string({ unit: "binary", maxLength: 40 });
/** Long strings without generating each character: a repeated unit. */
const longText = fc
  .tuple(
    fc.constantFrom("a", "é", "😀", " ", "\u0000", "\u202e", "👩‍👩‍👧"),
    fc.integer({ min: 100, max: 6000 }),
  )
  .map(([unit, count]) => unit.repeat(count));
const nastyKey = fc.constantFrom(
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "__defineGetter__",
  "",
);

/** Any JSON value, with the odd keys and long strings mixed in. */
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(fc.oneof(nastyKey, unicodeText), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }),
  fc.oneof(unicodeText, longText, binaryText),
);

/** A value for one token field: valid, blank, too long, the wrong type... */
const fieldValue = fc.oneof(
  { arbitrary: fc.constantFrom("room-1", "alice", "Ünïcødé 会议室 🎥"), weight: 6 },
  { arbitrary: unicodeText, weight: 3 },
  { arbitrary: fc.constantFrom("", "   ", "\t\n", "\u00a0"), weight: 1 },
  { arbitrary: longText, weight: 1 },
  {
    arbitrary: fc.constantFrom(null, 0, -1, 1e308, true, false, [], {}, ["a"], { a: 1 }),
    weight: 2,
  },
  { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 1 },
);

/** JSON text of an object written key by key: keys may repeat, `__proto__` stays a key. */
function objectText(entries: [string, unknown][]): string {
  return `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value) ?? "null"}`).join(",")}}`;
}

const tutorialObject = fc
  .record(
    {
      roomName: fieldValue,
      participantName: fieldValue,
      identity: fieldValue,
      metadata: fc.oneof(fieldValue, fc.string({ maxLength: 5000 })),
      extra: fc.array(
        fc.tuple(
          fc.oneof(nastyKey, unicodeText, fc.constantFrom("roomName", "participantName")),
          anyJson,
        ),
        { maxLength: 3 },
      ),
    },
    { requiredKeys: [] },
  )
  .map(({ extra, ...fields }) => objectText([...Object.entries(fields), ...(extra ?? [])]));

/** participant_attributes: a good map, odd keys, too many, long or non-string values. */
const attributesValue = fc.oneof(
  { arbitrary: fc.dictionary(unicodeText, unicodeText, { maxKeys: 4 }), weight: 4 },
  { arbitrary: fc.dictionary(fc.oneof(nastyKey, longText), fieldValue, { maxKeys: 3 }), weight: 2 },
  {
    arbitrary: fc
      .integer({ min: 30, max: 40 })
      .map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, "v"]))),
    weight: 1,
  },
  { arbitrary: fieldValue, weight: 2 },
);

/** room_config: agent dispatch, other RoomConfiguration fields, wrong types, unknown fields. */
const roomConfigValue = fc.oneof(
  {
    arbitrary: fc
      .array(fc.record({ agent_name: fieldValue, metadata: fieldValue }, { requiredKeys: [] }), {
        maxLength: 10,
      })
      .map((agents) => ({ agents })),
    weight: 4,
  },
  {
    arbitrary: fc.record(
      {
        name: fieldValue,
        empty_timeout: fc.oneof(fc.nat(), fieldValue),
        max_participants: fc.oneof(fc.nat(), fc.integer(), fieldValue),
        min_playout_delay: fieldValue,
        egress: anyJson,
        unknown_field: anyJson,
      },
      { requiredKeys: [] },
    ),
    weight: 3,
  },
  { arbitrary: fc.constantFrom({}, { agents: [] }), weight: 1 },
  { arbitrary: anyJson, weight: 2 },
);

const standardObject = fc
  .record(
    {
      room_name: fieldValue,
      participant_name: fieldValue,
      participant_identity: fieldValue,
      participant_metadata: fc.oneof(fieldValue, fc.string({ maxLength: 5000 })),
      participant_attributes: attributesValue,
      room_config: roomConfigValue,
      extra: fc.array(fc.tuple(fc.oneof(nastyKey, unicodeText), anyJson), { maxLength: 2 }),
    },
    { requiredKeys: [] },
  )
  .map(({ extra, ...fields }) => objectText([...Object.entries(fields), ...(extra ?? [])]));

/** Both dialects in one body. */
const mixedObject = fc
  .tuple(
    fc.constantFrom("roomName", "participantName", "identity", "metadata"),
    fc.constantFrom(...["room_name", "participant_name", "participant_attributes", "room_config"]),
    fieldValue,
    fieldValue,
  )
  .map(([tutorial, standard, a, b]) =>
    objectText([
      [tutorial, a],
      [standard, b],
    ]),
  );

const tokenObject = fc.oneof(
  { arbitrary: tutorialObject, weight: 5 },
  { arbitrary: standardObject, weight: 5 },
  { arbitrary: mixedObject, weight: 1 },
);

/** A body: JSON text, cut JSON, random bytes, empty, huge. */
function bodyOf(json: fc.Arbitrary<string>, hugeBytes: number): fc.Arbitrary<Buffer> {
  return fc.oneof(
    { arbitrary: json.map((text) => Buffer.from(text)), weight: 10 },
    { arbitrary: anyJson.map((value) => Buffer.from(JSON.stringify(value) ?? "")), weight: 3 },
    {
      arbitrary: fc
        .tuple(json, fc.double({ min: 0, max: 1, noNaN: true }))
        .map(([text, at]) => Buffer.from(text.slice(0, Math.floor(text.length * at)))),
      weight: 2,
    },
    { arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)), weight: 2 },
    {
      arbitrary: fc
        .constantFrom("", " ", "null", "[]", "{}", "\ufeff{}", '{"a":', "\u0000")
        .map((t) => Buffer.from(t)),
      weight: 1,
    },
    {
      arbitrary: fc
        .integer({ min: 1, max: 64 })
        .map((extra) => Buffer.alloc(hugeBytes + extra, "{")),
      weight: 1,
    },
  );
}

const contentType = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-8",
  "application/webhook+json",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data",
  "multipart/form-data; boundary=",
  "application/octet-stream",
  "*/*",
  "application/json; charset=latin1",
  "garbage/☃".replace("☃", "\u00e9"),
  ";;;",
);

/** Header values as HTTP carries them: visible ASCII and Latin-1, no line breaks. */
const headerValue = fc.oneof(
  fc
    .string({ unit: "binary-ascii", maxLength: 60 })
    .map((v) => v.replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, "")),
  fc.constantFrom(
    "",
    " ",
    "\u00e9\u00ff",
    "null",
    "undefined",
    "0",
    "-1",
    "1e999",
    "a".repeat(4000),
  ),
);

const extraHeader: fc.Arbitrary<[string, string]> = fc.tuple(
  fc.constantFrom(
    "X-Forwarded-For",
    "X-Real-IP",
    "X-Forwarded-Host",
    "X-Forwarded-Proto",
    "Forwarded",
    "Origin",
    "Referer",
    "Cookie",
    "Accept",
    "Accept-Encoding",
    "Content-Encoding",
    "Last-Event-ID",
    "User-Agent",
    "X-Requested-With",
    "Range",
    "If-None-Match",
    "Content-Type",
    "Authorization",
    "X-Garbage-\u0041",
  ),
  headerValue,
);

const methodArb = fc.oneof(
  { arbitrary: fc.constant("POST"), weight: 20 },
  { arbitrary: fc.constantFrom("GET", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"), weight: 2 },
);

const framingArb: fc.Arbitrary<Framing> = fc.oneof(
  { arbitrary: fc.constant<Framing>("length"), weight: 12 },
  { arbitrary: fc.constant<Framing>("chunked"), weight: 4 },
  { arbitrary: fc.constant<Framing>("cut"), weight: 1 },
);

const queryArb = fc.oneof(
  { arbitrary: fc.constant(""), weight: 5 },
  {
    arbitrary: fc.constantFrom(
      "?",
      "?a=1&a=2",
      "?room=%ZZ",
      "?%00=%00",
      "?__proto__[x]=1",
      "?token=x.y.z",
    ),
    weight: 1,
  },
);

const hostArb = fc.oneof(
  { arbitrary: fc.constant<string | null>(null), weight: 10 },
  {
    arbitrary: fc.constantFrom(
      "a b",
      "",
      "[::1",
      "example.com:99999",
      "ex%61mple.com",
      "\u00e9.test",
      "localhost:0",
    ),
    weight: 1,
  },
);

// --- JWTs

const b64url = (data: string | Buffer) => Buffer.from(data).toString("base64url");

function hs(
  alg: "HS256" | "HS512",
  claims: object,
  secret: string,
  header: object = { alg, typ: "JWT" },
): string {
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const signature = createHmac(alg === "HS256" ? "sha256" : "sha512", secret)
    .update(signingInput)
    .digest("base64url");
  return `${signingInput}.${signature}`;
}

/** The Authorization value for a webhook body, honest or forged in the way `kind` says. */
function webhookAuthorization(kind: JwtKind, text: string, noise: string): string | null {
  const now = Math.floor(Date.now() / 1000);
  const sha256 = createHash("sha256").update(text, "utf8").digest("base64");
  const claims = { iss: TEST_API_KEY, exp: now + 300, nbf: now, iat: now, sha256 };
  switch (kind) {
    case "valid":
      return hs("HS256", claims, TEST_API_SECRET);
    case "valid-bearer":
      return `Bearer ${hs("HS256", claims, TEST_API_SECRET)}`;
    case "none":
      return null;
    case "empty":
      return noise.length % 2 ? "" : "Bearer ";
    case "garbage":
      return noise || "x";
    case "wrong-secret":
      return hs("HS256", claims, `${TEST_API_SECRET}-not`);
    case "wrong-issuer":
      return hs("HS256", { ...claims, iss: "someone-else" }, TEST_API_SECRET);
    case "expired":
      return hs(
        "HS256",
        { ...claims, exp: now - 600, nbf: now - 900, iat: now - 900 },
        TEST_API_SECRET,
      );
    case "not-yet-valid":
      return hs("HS256", { ...claims, nbf: now + 3600, exp: now + 7200 }, TEST_API_SECRET);
    case "no-sha256":
      return hs("HS256", { iss: claims.iss, exp: claims.exp, nbf: claims.nbf }, TEST_API_SECRET);
    case "wrong-sha256":
      return hs(
        "HS256",
        { ...claims, sha256: createHash("sha256").update(`${text} `).digest("base64") },
        TEST_API_SECRET,
      );
    case "alg-none":
      return `${b64url(JSON.stringify({ alg: "none", typ: "JWT" }))}.${b64url(JSON.stringify(claims))}.`;
    case "alg-hs512-wrong":
      return hs("HS512", claims, `${TEST_API_SECRET}x`);
    case "truncated": {
      const token = hs("HS256", claims, TEST_API_SECRET);
      return token.slice(0, Math.max(1, token.length - 1 - (noise.length % 20)));
    }
    case "huge":
      // Long, yet within Node's 16 KB for all headers (past it Node itself answers 431).
      return `eyJ${"A".repeat(6000)}.eyJ${"B".repeat(6000)}.${"C".repeat(100)}`;
    case "two-tokens":
      return `${hs("HS256", claims, TEST_API_SECRET)} ${hs("HS256", claims, TEST_API_SECRET)}`;
  }
}

const jwtKind = fc.oneof(
  { arbitrary: fc.constantFrom<JwtKind>("valid", "valid-bearer"), weight: 8 },
  {
    arbitrary: fc.constantFrom<JwtKind>(
      "none",
      "empty",
      "garbage",
      "wrong-secret",
      "wrong-issuer",
      "expired",
      "not-yet-valid",
      "no-sha256",
      "wrong-sha256",
      "alg-none",
      "alg-hs512-wrong",
      "truncated",
      "huge",
      "two-tokens",
    ),
    weight: 8,
  },
);

/**
 * Node refuses a request whose headers exceed 16 KB with its own 431 before the app sees it;
 * the generated garbage stays under that so the app's answer is what gets checked.
 */
function withinHeaderBudget(headers: [string, string][]): [string, string][] {
  const kept: [string, string][] = [];
  let size = 0;
  for (const header of headers) {
    size += header[0].length + header[1].length + 4;
    if (size <= 14_000 || kept.length === 0) kept.push(header);
  }
  return kept;
}

/** A webhook body: LiveKit's own events, then mutated ones, then anything. */
const webhookJson = fc.oneof(
  {
    arbitrary: fc
      .tuple(
        fc.constantFrom(...EVENT_TYPES),
        fc.oneof(
          fc.constant("room-1"),
          unicodeText.filter((s) => s !== ""),
        ),
        fc.boolean(),
      )
      .map(([type, room, spaced]) => encodeWireJson(buildWebhookEvent(type, { room }), spaced)),
    weight: 6,
  },
  {
    // LiveKit's event with fields replaced by anything: wrong types, odd keys, unknown fields.
    arbitrary: fc
      .tuple(
        fc.constantFrom(...EVENT_TYPES),
        fc.array(
          fc.tuple(
            fc.oneof(
              nastyKey,
              fc.constantFrom(
                "event",
                "id",
                "createdAt",
                "room",
                "participant",
                "track",
                "egressInfo",
                "ingressInfo",
                "numDropped",
                "roomEndReason",
                "job",
              ),
              unicodeText,
            ),
            anyJson,
          ),
          { minLength: 1, maxLength: 3 },
        ),
      )
      .map(([type, replaced]) => {
        const event = buildWebhookEvent(type) as Record<string, unknown>;
        return objectText([...Object.entries(event), ...replaced]);
      }),
    weight: 6,
  },
  {
    // An agent job's event with fields of its `job` replaced by anything: the room the event is
    // filed under (job.room), the redacted metadata and attributes, its state and participant.
    arbitrary: fc
      .tuple(
        fc.constantFrom("agent_job_started", "agent_job_ended", "agent_job_pending"),
        fc.array(
          fc.tuple(
            fc.oneof(
              nastyKey,
              fc.constantFrom(
                "room",
                "metadata",
                "attributes",
                "state",
                "participant",
                "agentName",
                "id",
                "type",
              ),
            ),
            fc.oneof(
              anyJson,
              fc.record({ name: fc.oneof(unicodeText, anyJson) }),
              fc.record({ identity: unicodeText, kind: fc.oneof(unicodeText, anyJson) }),
            ),
          ),
          { minLength: 1, maxLength: 3 },
        ),
      )
      .map(([type, replaced]) => {
        const event = buildWebhookEvent("agent_job_started") as Record<string, unknown>;
        const job = Object.entries(event.job as Record<string, unknown>);
        return objectText([
          ["event", type],
          ["job", JSON.parse(objectText([...job, ...replaced]))],
          ["id", event.id],
          ["createdAt", event.createdAt],
        ]);
      }),
    weight: 3,
  },
  { arbitrary: anyJson.map((value) => JSON.stringify(value) ?? ""), weight: 2 },
);

// ---------------------------------------------------------------------------------------------

export interface Generated {
  request: RawRequest;
  expectation: Expectation;
}

export const tokenRequestArb: fc.Arbitrary<Generated> = fc
  .record({
    method: methodArb,
    path: fc.constantFrom("/api/token", "/token"),
    query: queryArb,
    body: bodyOf(tokenObject, TOKEN_MAX_BODY),
    contentType: fc.option(contentType, { nil: null }),
    extra: fc.array(extraHeader, { maxLength: 4 }),
    host: hostArb,
    framing: framingArb,
  })
  .map(({ method, path, query, body, contentType, extra, host, framing }) => {
    const headers: [string, string][] = [];
    if (host !== null) headers.push(["Host", host]);
    if (contentType !== null) headers.push(["Content-Type", contentType]);
    headers.push(...extra);
    const hasBody = method !== "GET" && method !== "HEAD";
    const request: RawRequest = {
      method,
      path: path + query,
      headers: withinHeaderBudget(headers),
      body: hasBody ? body : Buffer.alloc(0),
      framing: hasBody ? framing : "length",
    };
    return {
      request,
      expectation: expectMethod(method, "POST", () => expectToken(body, path)),
    };
  });

/** Bodies an invite's holder sends: its room or none, a name, sometimes an identity or attributes. */
const invitedObject = fc.oneof(
  fc
    .record(
      {
        roomName: fc.constantFrom(INVITED_ROOM, INVITED_ROOM, "other-room"),
        participantName: fieldValue,
        identity: fieldValue,
      },
      { requiredKeys: ["roomName", "participantName"] },
    )
    .map((fields) => objectText(Object.entries(fields))),
  fc
    .record(
      {
        room_name: fc.constantFrom(INVITED_ROOM, INVITED_ROOM, "other-room"),
        participant_name: fieldValue,
        participant_identity: fieldValue,
        participant_attributes: attributesValue,
      },
      { requiredKeys: [] },
    )
    .map((fields) => objectText(Object.entries(fields))),
);

/**
 * Token requests to a protected server (TOKEN_ACCESS=protected, invites): the same bodies, with
 * each kind of credential; `credentials` holds the Authorization value of each kind.
 */
export function protectedTokenRequestArb(
  credentials: Record<CredentialKind, string | null>,
): fc.Arbitrary<Generated> {
  return fc
    .record({
      path: fc.constantFrom("/api/token", "/token"),
      body: fc.oneof(
        { arbitrary: bodyOf(tokenObject, TOKEN_MAX_BODY), weight: 3 },
        { arbitrary: invitedObject.map((text) => Buffer.from(text)), weight: 2 },
      ),
      credential: fc.oneof(
        { arbitrary: fc.constant<CredentialKind>("invite"), weight: 6 },
        {
          arbitrary: fc.constantFrom<CredentialKind>(
            "invite-expired",
            "invite-forged",
            "livekit-token",
            "garbage",
            "empty",
            "none",
          ),
          weight: 4,
        },
      ),
      contentType: fc.option(contentType, { nil: null }),
      extra: fc.array(extraHeader, { maxLength: 3 }),
      framing: framingArb,
    })
    .map(({ path, body, credential, contentType, extra, framing }) => {
      const headers: [string, string][] = [];
      const authorization = credentials[credential];
      if (authorization !== null) headers.push(["Authorization", authorization]);
      if (contentType !== null) headers.push(["Content-Type", contentType]);
      headers.push(...extra.filter(([name]) => name.toLowerCase() !== "authorization"));
      const request: RawRequest = {
        method: "POST",
        path,
        headers: withinHeaderBudget(headers),
        body,
        framing,
      };
      return {
        request,
        expectation: expectToken(body, path, { mode: "protected", credential }),
      };
    });
}

export const webhookRequestArb: fc.Arbitrary<Generated> = fc
  .record({
    method: methodArb,
    path: fc.constantFrom("/api/webhook", "/webhook", "/livekit/webhook"),
    query: queryArb,
    json: webhookJson,
    bodyKind: fc.oneof(
      { arbitrary: fc.constant<"json">("json"), weight: 30 },
      { arbitrary: fc.constantFrom<"bytes" | "cut-json">("bytes", "cut-json"), weight: 6 },
      // 1 MB each: a few dozen show the limit holds without spending the run on bytes.
      { arbitrary: fc.constant<"huge">("huge"), weight: 1 },
    ),
    bytes: fc.uint8Array({ maxLength: 200 }),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    jwt: jwtKind,
    noise: headerValue,
    contentType: fc.option(contentType, { nil: null }),
    extra: fc.array(extraHeader, { maxLength: 3 }),
    repeatAuthorization: fc.boolean(),
    host: hostArb,
    framing: framingArb,
  })
  .map((g) => {
    let text: string;
    let body: Buffer;
    if (g.bodyKind === "bytes") {
      body = Buffer.from(g.bytes);
      text = decoder().decode(body);
    } else if (g.bodyKind === "huge") {
      text = `{"event":"room_started","id":"EV_x","pad":"${"x".repeat(WEBHOOK_MAX_BODY)}"}`;
      body = Buffer.from(text);
    } else {
      text = g.bodyKind === "cut-json" ? g.json.slice(0, Math.floor(g.json.length * g.at)) : g.json;
      body = Buffer.from(text);
    }
    const authorization = webhookAuthorization(g.jwt, text, g.noise);
    const headers: [string, string][] = [];
    if (g.host !== null) headers.push(["Host", g.host]);
    if (authorization !== null) headers.push(["Authorization", authorization]);
    // A second Authorization after the first: HTTP keeps the first one for this header.
    if (authorization !== null && g.repeatAuthorization) headers.push(["Authorization", g.noise]);
    if (g.contentType !== null) headers.push(["Content-Type", g.contentType]);
    headers.push(...g.extra.filter(([name]) => name.toLowerCase() !== "authorization"));
    const hasBody = g.method !== "GET" && g.method !== "HEAD";
    const request: RawRequest = {
      method: g.method,
      path: g.path + g.query,
      headers: withinHeaderBudget(headers),
      body: hasBody ? body : Buffer.alloc(0),
      framing: hasBody ? g.framing : "length",
    };
    return {
      request,
      expectation: expectMethod(g.method, "POST", () =>
        expectWebhook(body, g.jwt, text, authorization),
      ),
    };
  });

/** What GET /api/events answers when the credential is good: 400 for a bad id or limit. */
function eventsStatus(
  credential: string,
  method: string,
  lastEventId: string | null,
  limit: string | null,
): number {
  if (method !== "GET") return 405;
  if (credential === "none" || credential === "garbage" || credential === "wrong-secret")
    return 401;
  if (credential === "wrong-room") return 403;
  // HTTP strips the spaces and tabs around a header value; an empty one counts as absent.
  const id = lastEventId?.replace(/^[ \t]+|[ \t]+$/g, "") || null;
  if (id !== null && !/^\d{1,15}-\d{1,15}$/.test(id)) return 400;
  if (limit !== null && (!/^\d+$/.test(limit) || Number(limit) > 1000)) return 400;
  return 200;
}

/**
 * Requests to the event stream that must be refused: bad credentials, ids and limits. (A
 * request the stream would accept is left out: it stays open, and the load test covers it.)
 */
export function eventsRequestArb(roomToken: string): fc.Arbitrary<Generated> {
  const now = Math.floor(Date.now() / 1000);
  const grant = (room: string) => ({
    iss: TEST_API_KEY,
    sub: "v",
    nbf: now,
    exp: now + 3600,
    video: { roomJoin: true, room },
  });
  const tokens: Record<string, string> = {
    "wrong-room": hs("HS256", grant("other-room"), TEST_API_SECRET),
    "wrong-secret": hs("HS256", grant("room-1"), "not-the-secret"),
    good: roomToken,
  };
  return fc
    .record({
      credential: fc.constantFrom("none", "garbage", "wrong-room", "wrong-secret", "good", "good"),
      garbage: headerValue,
      lastEventId: fc.oneof(
        fc.constant(null),
        fc.constantFrom("abc", "1-", "-1", "1.5-0", `${"9".repeat(40)}-0`, "\u00ff1-0", "1-0-0"),
        headerValue,
      ),
      limit: fc.oneof(
        fc.constant(null),
        fc.constantFrom("-1", "1001", "1e3", "abc", "", "0x10", " 5", "5"),
      ),
      viaQuery: fc.boolean(),
      method: fc.constantFrom("GET", "GET", "GET", "POST", "DELETE"),
    })
    .map((g) => ({ ...g, status: eventsStatus(g.credential, g.method, g.lastEventId, g.limit) }))
    .filter(({ status }) => status !== 200)
    .map(({ credential, garbage, lastEventId, limit, viaQuery, method, status }) => {
      const token =
        credential === "none"
          ? null
          : credential === "garbage"
            ? garbage.trim() || "x"
            : tokens[credential]!;
      const params = new URLSearchParams({ room: "room-1" });
      if (token !== null && viaQuery) params.set("token", token);
      if (limit !== null) params.set("limit", limit);
      const headers: [string, string][] = [];
      if (token !== null && !viaQuery) headers.push(["Authorization", `Bearer ${token}`]);
      if (lastEventId !== null) headers.push(["Last-Event-ID", lastEventId]);
      const request: RawRequest = {
        method,
        path: `/api/events?${params}`,
        headers,
        body: Buffer.alloc(0),
        framing: "length",
      };
      return { request, expectation: { statuses: [status], why: `events: ${credential}` } };
    });
}

/** Methods other than the endpoint's: 405 (OPTIONS: the CORS preflight's 204). */
function expectMethod(method: string, allowed: string, forAllowed: () => Expectation): Expectation {
  if (method === allowed) return forAllowed();
  if (method === "OPTIONS") return { statuses: [204, 405], why: "OPTIONS" };
  return { statuses: [405], why: `method ${method}` };
}

// ---------------------------------------------------------------------------------------------
// --- Paths: dot segments, percent-encoding, case, slashes, non-ASCII (issue 18 item 12)

/** The API's own headers (lib/shared/api-security-headers.json), written out from the spec. */
export const API_HEADERS: Record<string, string> = {
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
};

/** What an answer to an odd path must be: the API's JSON (with its headers), or a page. */
export type PathExpectation = Expectation & { answer: PathAnswer; resolved: string };
export type PathAnswer = "api" | "page" | "parser";

const HISTORIC = ["/token", "/webhook", "/livekit/webhook"];

/**
 * The oracle of a path: where it lands once dot segments resolve as a URL parser resolves them
 * (`..`, `.`, `%2e%2e` and `%2E` alike, `%2F` not a separator), the path the server routes. Under
 * /api (any case) or at a historic path (any case) it is the API's: JSON with the API's headers.
 * Elsewhere (`/api/%2e%2e/x` is `/x`) a page: the page's 404 or the page itself. Either way no
 * 5xx, and a redirect (trailing slash, double slash) stays on this origin.
 */
export function expectPath(rawPath: string): PathExpectation {
  const resolved = new URL(`http://host${rawPath}`).pathname;
  // A raw byte outside ASCII is no HTTP request-target (RFC 9112): Node's parser answers its own
  // bare 400 and closes, before the app.
  if (/[^\x21-\x7e]/.test(rawPath)) {
    return { statuses: [400], answer: "parser", resolved, why: "raw non-ASCII byte in the path" };
  }
  const lower = resolved.toLowerCase();
  const api = lower === "/api" || lower.startsWith("/api/") || HISTORIC.includes(lower);
  // Any status below 500: which one is the route's (checkPathAnswer checks the answer's shape).
  return {
    statuses: [],
    answer: api ? "api" : "page",
    resolved,
    why: api ? `resolves to ${resolved}: an API answer` : `resolves to ${resolved}: a page`,
  };
}

/** Path segments: real routes, dot segments plain and encoded, bad and non-ASCII encodings. */
const pathSegment = fc.oneof(
  {
    arbitrary: fc.constantFrom("token", "webhook", "events", "health", "rooms", "x", "Token"),
    weight: 4,
  },
  {
    arbitrary: fc.constantFrom("..", ".", "%2e%2e", "%2E%2E", ".%2e", "%2e", "%2e%2e%2f", "..%2f"),
    weight: 4,
  },
  {
    arbitrary: fc.constantFrom("%2F", "%2f", "%5C", "%ZZ", "%", "%E0", "%FF", "%00", "%252e%252e"),
    weight: 3,
  },
  { arbitrary: fc.constantFrom("%C3%A9", "%F0%9F%98%80", "\u00e9", "caf\u00e9", ""), weight: 2 },
);

const pathPrefix = fc.constantFrom(
  "/api",
  "/api",
  "/API",
  "/Api",
  "/token",
  "/TOKEN",
  "/webhook",
  "/livekit/webhook",
  "/Livekit/Webhook",
  "/x/..",
  "/%2e%2e",
);

/**
 * GET, HEAD, POST and OPTIONS to paths under /api and the historic paths, respelled: dot
 * segments, percent-encoding (`%2F`, `%ZZ`), other cases, double and trailing slashes, non-ASCII
 * (UTF-8 percent-encoded, and as a raw Latin-1 byte on the wire).
 */
export const pathRequestArb: fc.Arbitrary<Generated & { expectation: PathExpectation }> = fc
  .record({
    prefix: pathPrefix,
    segments: fc.array(pathSegment, { maxLength: 4 }),
    // Next redirects both (308): a few show the redirect stays on this origin.
    doubleSlash: fc.oneof({ arbitrary: fc.constant(false), weight: 8 }, fc.constant(true)),
    trailing: fc.oneof({ arbitrary: fc.constant(""), weight: 8 }, fc.constantFrom("/", "//", "/.")),
    query: fc.constantFrom("", "", "", "?room=%ZZ", "?x=1"),
    method: fc.constantFrom("GET", "GET", "POST", "POST", "HEAD", "OPTIONS"),
  })
  .map(({ prefix, segments, doubleSlash, trailing, query, method }) => {
    let path = [prefix, ...segments].join("/");
    if (doubleSlash) path = path.replace("/", "//");
    path = path + trailing;
    const body = method === "POST" ? Buffer.from("{}") : Buffer.alloc(0);
    const request: RawRequest = {
      method,
      path: path + query,
      headers: method === "POST" ? [["Content-Type", "application/json"]] : [],
      body,
      framing: "length",
    };
    return { request, expectation: expectPath(path) };
  });
