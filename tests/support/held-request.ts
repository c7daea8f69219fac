/**
 * A request whose body the test sends when it likes, or never: headers go out at once (with the
 * Content-Length the test declares), the body only as `write` is called. The answer is read
 * whenever the server sends it, even while the body is still owed: what a slow or stalled
 * uploader looks like to the server.
 */
import http from "node:http";

export interface HeldAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface HeldRequest {
  /** The server's answer, whenever it comes (rejects if the connection ends without one). */
  answer: Promise<HeldAnswer>;
  /** Resolves when the connection is closed (by the server, unless `destroy` was called). */
  closed: Promise<void>;
  /** Sends part of the body. */
  write(chunk: string | Buffer): void;
  /** Closes the connection, whatever was sent. */
  destroy(): void;
}

export function holdRequest(
  url: string,
  options: { method?: string; headers: Record<string, string>; declaredLength: number },
): HeldRequest {
  const request = http.request(url, {
    method: options.method ?? "POST",
    agent: false,
    headers: { ...options.headers, "Content-Length": String(options.declaredLength) },
  });
  // Headers now, not with the first body byte.
  request.flushHeaders();
  const answer = new Promise<HeldAnswer>((resolve, reject) => {
    request.on("response", (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
      );
      response.on("error", reject);
    });
    request.on("error", reject);
  });
  answer.catch(() => {});
  const closed = new Promise<void>((resolve) =>
    request.on("socket", (socket) => socket.once("close", () => resolve())),
  );
  return {
    answer,
    closed,
    write: (chunk) => void request.write(chunk),
    destroy: () => request.destroy(),
  };
}
