import { getConfig } from "@/lib/config";
import { answer, json, jsonError, readJsonObject } from "@/lib/http";
import { parseTestEventRequest, sendTestEvent } from "@/lib/rooms/test-event";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Only `npm run dev`: in a production build any visitor could inject events. */
const development = process.env.NODE_ENV === "development";
const notFound = () => jsonError(404, "not found");

/**
 * `POST /api/dev/test-event {room, type?}`, development only: the main page's empty event log
 * sends its room a first event with one click, through the webhook intake.
 */
export async function POST(request: Request): Promise<Response> {
  if (!development) return notFound();
  return answer({}, async () => {
    const wanted = parseTestEventRequest(await readJsonObject(request, 4096));
    const { event, result } = await sendTestEvent(wanted, getConfig());
    return json({ eventId: event.id, type: event.event, room: wanted.room, ...result });
  });
}

export async function GET(): Promise<Response> {
  return development
    ? jsonError(405, "method not allowed; use POST", { Allow: "POST" })
    : notFound();
}
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
