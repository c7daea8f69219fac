import "server-only";
import { HttpError } from "../http";

/**
 * The store cannot take or give events now (Redis down): a 503, so livekit-server retries the
 * webhook and EventSource reconnects. `detail` holds the reason for the log, not the client.
 */
export function storeUnavailable(detail: string): HttpError {
  return new HttpError(503, "the event store is unavailable; retry later", {
    headers: { "Retry-After": "1" },
    detail,
  });
}
