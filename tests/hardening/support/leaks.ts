/** Finds credentials where none may be: log output, responses, the browser bundle. */

/** A JWT anywhere in a text: three base64url parts, the first two JSON objects (`eyJ` = `{"`). */
const JWT_PATTERN = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/g;

/**
 * Every secret, token or JWT-shaped string found in `text`, each reported once with a little
 * context. `known` are values that must never appear (the API secret, issued tokens).
 */
export function credentialLeaks(text: string, known: string[]): string[] {
  const found = new Set<string>();
  const context = (index: number, length: number) =>
    JSON.stringify(text.slice(Math.max(0, index - 40), index + Math.min(length, 60) + 20));
  for (const value of known) {
    if (!value) continue;
    const index = text.indexOf(value);
    if (index >= 0) found.add(`known credential at ${context(index, value.length)}`);
  }
  for (const match of text.matchAll(JWT_PATTERN)) {
    found.add(`JWT at ${context(match.index, match[0].length)}`);
  }
  return [...found];
}
