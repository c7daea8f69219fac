/**
 * Respelled credentials (issue 18 item 4): one valid JWT written in the other ways a base64url
 * decoder may read it. The signed part (`header.payload`) is what the signature covers, so only
 * the signature's spelling can change without breaking it: the last character's spare bits, `=`
 * padding, the standard alphabet's `+` and `/`, whitespace and stray characters the decoder skips.
 * Some of these it tolerates (same credential), some not (401): the oracle of each answer is
 * "what the canonical spelling gets, or 401", and every cap counts the tolerated ones as one.
 */
import fc from "fast-check";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

export type Respelling =
  | { kind: "spare-bits"; low: number }
  | { kind: "padding"; count: number }
  | { kind: "standard-alphabet" }
  | { kind: "insert"; text: string; at: number }
  | { kind: "trailing"; text: string }
  | { kind: "leading"; text: string }
  | { kind: "case" };

/** One change to the signature; a respelled token applies one to four of them. */
export const respellingArb: fc.Arbitrary<Respelling> = fc.oneof(
  fc.nat({ max: 3 }).map((low): Respelling => ({ kind: "spare-bits", low })),
  fc.integer({ min: 1, max: 3 }).map((count): Respelling => ({ kind: "padding", count })),
  fc.constant<Respelling>({ kind: "standard-alphabet" }),
  fc
    .record({
      text: fc.constantFrom(" ", "\t", "  ", "*", "%", "=", "\u00e9", "~", "A"),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
    })
    .map(({ text, at }): Respelling => ({ kind: "insert", text, at })),
  fc
    .constantFrom(" ", "\t", "*", "=", "\u00e9")
    .map((text): Respelling => ({ kind: "trailing", text })),
  fc.constantFrom(" ", "=", "*").map((text): Respelling => ({ kind: "leading", text })),
  fc.constant<Respelling>({ kind: "case" }),
);

/** The token with its signature respelled as `changes` say. */
export function respell(token: string, changes: Respelling[]): string {
  const [head, payload, original] = token.split(".") as [string, string, string];
  let signature = original;
  for (const change of changes) {
    switch (change.kind) {
      case "spare-bits": {
        // An HS256 signature is 32 bytes, 43 characters: the last one carries 2 unused bits.
        const last = ALPHABET.indexOf(signature.at(-1)!);
        if (last >= 0) signature = `${signature.slice(0, -1)}${ALPHABET[(last & ~3) | change.low]}`;
        break;
      }
      case "padding":
        signature += "=".repeat(change.count);
        break;
      case "standard-alphabet":
        signature = signature.replace(/-/g, "+").replace(/_/g, "/");
        break;
      case "insert": {
        const at = Math.floor(signature.length * change.at);
        signature = `${signature.slice(0, at)}${change.text}${signature.slice(at)}`;
        break;
      }
      case "trailing":
        signature += change.text;
        break;
      case "leading":
        signature = `${change.text}${signature}`;
        break;
      case "case":
        signature = signature.replace(/[a-z]/, (c) => c.toUpperCase());
        break;
    }
  }
  return `${head}.${payload}.${signature}`;
}

/** A header value Node sends: no control characters but tab, nothing past Latin-1. */
export function fitsHeader(value: string): boolean {
  return !/[^\t\x20-\x7e\x80-\xff]/.test(value);
}

/** Respelled copies of `token` (the canonical one among them now and then). */
export function respelledArb(token: string): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constant(token), weight: 1 },
    {
      arbitrary: fc
        .array(respellingArb, { minLength: 1, maxLength: 4 })
        .map((changes) => respell(token, changes)),
      weight: 9,
    },
  );
}
