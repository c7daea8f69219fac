/**
 * The console's calls to this server: the operator credential in `Authorization`, never in a
 * URL; answers and refusals as `{ok, status, body}` with the server's `errorMessage`.
 */
export interface ApiAnswer<T> {
  ok: boolean;
  status: number;
  body: T | null;
  /** The server's errorMessage, or what went wrong on the way. */
  problem: string | null;
}

export async function operatorFetch<T>(
  path: string,
  token: string,
  init: RequestInit = {},
): Promise<ApiAnswer<T>> {
  const headers = new Headers(init.headers);
  headers.set("Authorization", `Bearer ${token}`);
  if (init.body) headers.set("Content-Type", "application/json");
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers, cache: "no-store" });
  } catch {
    return { ok: false, status: 0, body: null, problem: "this app server cannot be reached" };
  }
  const body = (await response.json().catch(() => null)) as (T & { errorMessage?: string }) | null;
  return {
    ok: response.ok,
    status: response.status,
    body: response.ok ? body : null,
    problem: response.ok
      ? null
      : (body?.errorMessage ?? `the server answered HTTP ${response.status}`),
  };
}

/**
 * One operator action (`POST /api/rooms/actions`, lib/rooms/actions): the verb and its
 * arguments travel in the JSON body, so no room name or identity can change which route or
 * which LiveKit call it reaches.
 */
export function roomAction(
  token: string,
  action: string,
  args: { room: string; identity?: string } & Record<string, unknown>,
): Promise<ApiAnswer<{ message: string }>> {
  return operatorFetch<{ message: string }>("/api/rooms/actions", token, {
    method: "POST",
    body: JSON.stringify({ ...args, action }),
  });
}
