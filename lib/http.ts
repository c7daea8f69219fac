/**
 * The HTTP edge shared by every route: JSON answers, JSON errors, CORS and bounded body reading.
 * Built on the standard Request/Response so it is tested without a Next.js server.
 */
import "server-only";

/** A plain field, not the prototype: the App Router's bundle and pages/api's each hold a copy of
 * this module, and the event store (one per process, on globalThis) throws its creator's copy. */
const HTTP_ERROR_BRAND = "livekit-app-server.HttpError";

export interface HttpErrorOptions {
  /** Extra answer headers (Retry-After, …). */
  headers?: Record<string, string>;
  /** The request field at fault, answered as `field` so a client never parses the message. */
  field?: string;
  /** Why, for the server's log only (never answered): e.g. the store's own error. */
  detail?: string;
}

/** An error that becomes `{errorMessage[, field]}` with this status. Anything else becomes a 500. */
export class HttpError extends Error {
  readonly brand = HTTP_ERROR_BRAND;
  readonly headers: Record<string, string>;
  readonly field: string | undefined;
  readonly detail: string | undefined;

  constructor(
    readonly status: number,
    message: string,
    options: HttpErrorOptions = {},
  ) {
    super(message);
    this.name = "HttpError";
    this.headers = options.headers ?? {};
    this.field = options.field;
    this.detail = options.detail;
  }
}

/** Whether `value` is an HttpError of any bundle's copy of this module. */
export function isHttpError(value: unknown): value is HttpError {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { brand?: unknown }).brand === HTTP_ERROR_BRAND
  );
}

/** A request header by lowercase name, however the platform's request holds its headers. */
export type HeaderGetter = (name: string) => string | null;

export function json(body: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set("Content-Type", "application/json; charset=utf-8");
  // no-transform: Next would gzip even a tiny answer for a client that accepts it (the Go client
  // of livekit-server does), costing more CPU than the answer saves (docs/performance.md).
  headers.set("Cache-Control", "no-store, no-transform");
  return new Response(JSON.stringify(body), { ...init, headers });
}

/** `{errorMessage}`, plus `field` when one request field is at fault (tutorial clients read only
 * `errorMessage`; the page reads `field`). */
export function jsonError(
  status: number,
  errorMessage: string,
  headers: Record<string, string> = {},
  field?: string,
): Response {
  return json(field === undefined ? { errorMessage } : { errorMessage, field }, {
    status,
    headers,
  });
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
 * (CORS) to every answer, errors included.
 */
export async function answer(
  extraHeaders: Record<string, string>,
  handle: () => Promise<Response>,
): Promise<Response> {
  let response: Response;
  try {
    response = await handle();
  } catch (error) {
    response = errorResponse(error);
  }
  for (const [name, value] of Object.entries(extraHeaders)) response.headers.set(name, value);
  return response;
}

/** The JSON answer to what a handler threw; an unexpected error is logged, never shown. */
export function errorResponse(error: unknown): Response {
  if (isHttpError(error)) return jsonError(error.status, error.message, error.headers, error.field);
  console.error("unexpected error:", error instanceof Error ? error.message : String(error));
  return jsonError(500, "internal server error");
}

/** Reads the body's bytes as received, refusing more than `maxBytes` without buffering it all first. */
export async function readBodyBytes(request: Request, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () => new HttpError(413, `request body is larger than ${maxBytes} bytes`);
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  if (!request.body) return new Uint8Array(0);

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
    if (isHttpError(error)) throw error;
    throw new HttpError(400, "request body could not be read");
  }
  return Buffer.concat(chunks);
}

/** Reads the body as text (invalid UTF-8 replaced, never thrown), bounded as readBodyBytes. */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  return new TextDecoder().decode(await readBodyBytes(request, maxBytes));
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
