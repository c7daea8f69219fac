/**
 * Requests with full control over what goes on the wire, which fetch does not give: any
 * method, repeated and odd headers in a chosen order, a body sent with a length, chunked, or
 * cut short with the connection closed in the middle.
 */
import http from "node:http";
import zlib from "node:zlib";

export type Framing = "length" | "chunked" | "cut";

export interface RawRequest {
  method: string;
  /** Path and query. */
  path: string;
  /** Sent in this order; a name may repeat. */
  headers: [name: string, value: string][];
  body: Buffer;
  /** `cut`: declares the full length, sends half, then closes: no answer is expected. */
  framing: Framing;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

/** Sends the request; resolves with the answer, or null for a `cut` request. */
export async function sendRaw(
  baseUrl: string,
  request: RawRequest,
  timeoutMs = 30_000,
): Promise<RawResponse | null> {
  try {
    return await sendOnce(baseUrl, request, timeoutMs, agent);
  } catch (error) {
    // A kept-alive connection the server closed after its previous answer (it does so after
    // refusing a body it did not read): what any HTTP client does, retry on a new connection.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ECONNRESET" && code !== "EPIPE") throw error;
    resets += 1;
    return sendOnce(baseUrl, request, timeoutMs, false);
  }
}

let resets = 0;

/** Requests retried on a fresh connection after a reset (reported with the figures). */
export function connectionResets(): number {
  return resets;
}

function sendOnce(
  baseUrl: string,
  request: RawRequest,
  timeoutMs: number,
  via: http.Agent | false,
): Promise<RawResponse | null> {
  // The server's address only: a path like `//x/..` is no URL to resolve against it.
  const url = new URL(baseUrl);
  const headers: string[] = [];
  // Node adds no Host to a request whose headers are an array; HTTP/1.1 requires one.
  if (!request.headers.some(([name]) => name.toLowerCase() === "host")) {
    headers.push("Host", url.host);
  }
  for (const [name, value] of request.headers) headers.push(name, value);
  if (request.framing === "chunked") {
    // Explicit: Node only chunks POST/PUT/PATCH bodies by itself, and would send a DELETE's
    // or OPTIONS's body unframed (the server then reads it as the next request).
    headers.push("Transfer-Encoding", "chunked");
  } else {
    const declared = request.framing === "cut" ? request.body.length + 1 : request.body.length;
    headers.push("Content-Length", String(declared));
  }
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: request.method,
        // As written: dot segments and percent-encoding reach the server unresolved.
        path: request.path,
        headers,
        agent: request.framing === "cut" ? false : via,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          clearTimeout(timer);
          try {
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: decode(Buffer.concat(chunks), response.headers["content-encoding"]),
            });
          } catch (error) {
            reject(error);
          }
        });
        response.on("error", reject);
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on("error", (error) => {
      clearTimeout(timer);
      if (request.framing === "cut") resolve(null);
      else reject(error);
    });
    if (request.framing === "cut") {
      req.write(request.body.subarray(0, Math.floor(request.body.length / 2)), () => {
        // Give the server the partial body, then vanish the way a dropped client does.
        setTimeout(() => {
          clearTimeout(timer);
          req.destroy();
          resolve(null);
        }, 5);
      });
      return;
    }
    req.end(request.body);
  });
}

/** The body as the client reads it: a generated Accept-Encoding may get a compressed answer. */
function decode(body: Buffer, encoding: string | undefined): string {
  if (body.length === 0) return "";
  switch (encoding?.trim().toLowerCase()) {
    case "gzip":
      return zlib.gunzipSync(body).toString("utf8");
    case "deflate":
      return zlib.inflateSync(body).toString("utf8");
    case "br":
      return zlib.brotliDecompressSync(body).toString("utf8");
    default:
      return body.toString("utf8");
  }
}

export function closeRawAgent(): void {
  agent.destroy();
}
