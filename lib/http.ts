/**
 * The HTTP edge shared by every route: JSON answers, JSON errors, CORS and bounded body reading.
 * Built on the standard Request/Response so it is tested without a Next.js server.
 */

/** An error that becomes `{errorMessage}` with this status. Anything else becomes a 500. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export function json(body: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set("Content-Type", "application/json; charset=utf-8");
  headers.set("Cache-Control", "no-store");
  return new Response(JSON.stringify(body), { ...init, headers });
}

export function jsonError(
  status: number,
  errorMessage: string,
  headers: Record<string, string> = {},
): Response {
  return json({ errorMessage }, { status, headers });
}

export interface CorsPolicy {
  origin: string;
  methods: string;
  headers: string;
}

export function corsHeaders(policy: CorsPolicy): Record<string, string> {
  const headers: Record<string, string> = { "Access-Control-Allow-Origin": policy.origin };
  if (policy.origin !== "*") headers.Vary = "Origin";
  return headers;
}

/** The answer to a CORS preflight (`OPTIONS`). */
export function preflight(policy: CorsPolicy): Response {
  return new Response(null, {
    status: 204,
    headers: {
      ...corsHeaders(policy),
      "Access-Control-Allow-Methods": policy.methods,
      "Access-Control-Allow-Headers": policy.headers,
      "Access-Control-Max-Age": "600",
      Allow: policy.methods,
    },
  });
}

/** A handler for the methods a route does not serve: a JSON 405 instead of Next's empty one. */
export function methodNotAllowed(allowed: string): () => Response {
  return () =>
    jsonError(405, `method not allowed; use ${allowed.split(",")[0]?.trim()}`, {
      Allow: allowed,
    });
}

/**
 * Runs a handler and turns whatever it throws into a JSON error, adding `extraHeaders`
 * (CORS) to every answer, errors included. Unexpected errors are logged without the request.
 */
export async function answer(
  extraHeaders: Record<string, string>,
  handle: () => Promise<Response>,
): Promise<Response> {
  let response: Response;
  try {
    response = await handle();
  } catch (error) {
    if (error instanceof HttpError) {
      response = jsonError(error.status, error.message, error.headers);
    } else {
      console.error("unexpected error:", error instanceof Error ? error.message : String(error));
      response = jsonError(500, "internal server error");
    }
  }
  for (const [name, value] of Object.entries(extraHeaders)) response.headers.set(name, value);
  return response;
}

/**
 * Reads the body as text, refusing more than `maxBytes` without buffering it all first.
 * Invalid UTF-8 is replaced, never thrown: for a webhook the signature check then fails cleanly.
 */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const tooLarge = () => new HttpError(413, `request body is larger than ${maxBytes} bytes`);
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  if (!request.body) return "";

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(400, "request body could not be read");
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/** Reads a body that must be one JSON object (not an array, not null). */
export async function readJsonObject(
  request: Request,
  maxBytes: number,
): Promise<Record<string, unknown>> {
  const text = await readBodyText(request, maxBytes);
  if (text.trim() === "") throw new HttpError(400, "request body is empty; send a JSON object");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, "request body is not valid JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new HttpError(400, "request body must be a JSON object");
  }
  return value as Record<string, unknown>;
}
