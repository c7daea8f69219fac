/**
 * Store ids have the shape of Redis Stream ids, `<unix ms>-<sequence>`, in both stores, so
 * one comparison serves both and an id from before a restart still orders before new ones.
 */

const ID_PATTERN = /^(\d{1,15})-(\d{1,15})$/;

export function isEventId(value: string): boolean {
  return ID_PATTERN.test(value);
}

function parts(id: string): [number, number] {
  const match = ID_PATTERN.exec(id);
  if (!match) throw new Error(`not an event id: ${JSON.stringify(id)}`);
  return [Number(match[1]), Number(match[2])];
}

/** The Unix milliseconds an id was made at. */
export function eventIdTime(id: string): number {
  return parts(id)[0];
}

/** Negative when a is older than b, zero when equal, positive when newer. */
export function compareEventIds(a: string, b: string): number {
  const [aMs, aSeq] = parts(a);
  const [bMs, bSeq] = parts(b);
  return aMs - bMs || aSeq - bSeq;
}

/** Monotonic ids for one process, like Redis's `*`: a clock step back never reorders them. */
export class EventIdGenerator {
  private lastMs = 0;
  private sequence = 0;

  next(now = Date.now()): string {
    if (now > this.lastMs) {
      this.lastMs = now;
      this.sequence = 0;
    } else {
      this.sequence += 1;
    }
    return `${this.lastMs}-${this.sequence}`;
  }
}
