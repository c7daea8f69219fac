import { getEventStore } from "@/lib/events";
import { json } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** 200 with the store's state while it works, 503 while it does not (Redis down). */
export async function GET(): Promise<Response> {
  const store = await getEventStore().health();
  return json({ ok: store.ok, store }, { status: store.ok ? 200 : 503 });
}
