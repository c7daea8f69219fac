import { jsonError } from "@/lib/http";

export const dynamic = "force-dynamic";

/**
 * `/api` itself and every `/api/*` path no route serves: a JSON 404 for any method, instead of
 * Next's HTML page. An optional catch-all segment is the least specific match, so every real
 * route (and pages/api/events) still wins. (Other spellings of /api: proxy.ts; a path Next
 * cannot decode: pages/_error.tsx.)
 */
function notFound(request: Request): Response {
  const path = new URL(request.url).pathname;
  return jsonError(404, `no API route at ${path.slice(0, 200)}`);
}

export const GET = notFound;
export const HEAD = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
export const OPTIONS = notFound;
