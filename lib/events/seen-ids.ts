/**
 * LiveKit event ids delivered recently, kept for a fixed time whatever the log's size bound:
 * a captured webhook (same bytes, same JWT) replayed while its JWT is still valid is recognised
 * even after its event left the in-memory log. Time-ordered (every id lives equally long, so
 * the Map's insertion order is expiry order), swept from the front, with a hard cap on entries.
 */
import "server-only";

export class SeenIds {
  /** id → Unix ms at which it may be forgotten. */
  private readonly expiries = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  get size(): number {
    return this.expiries.size;
  }

  has(id: string, now = Date.now()): boolean {
    const expiry = this.expiries.get(id);
    return expiry !== undefined && expiry > now;
  }

  add(id: string, now = Date.now()): void {
    this.sweep(now);
    this.expiries.delete(id);
    this.expiries.set(id, now + this.ttlMs);
    // Past the cap the oldest go first: a flood of valid deliveries (only LiveKit can sign them)
    // shortens the window instead of growing the process.
    while (this.expiries.size > this.maxEntries) {
      const oldest = this.expiries.keys().next().value as string;
      this.expiries.delete(oldest);
    }
  }

  private sweep(now: number): void {
    for (const [id, expiry] of this.expiries) {
      if (expiry > now) return;
      this.expiries.delete(id);
    }
  }
}
