import "server-only";
import type { Admission, Block, BlockStore } from "./types";

/** Admissions one process remembers at most (the oldest go first); about 200 bytes each. */
export const MAX_MEMORY_ADMISSIONS = 10_000;

/** One process's blocks: lost on restart, not shared (use Redis for either). */
export class MemoryBlockStore implements BlockStore {
  readonly kind = "memory";
  private readonly blocks = new Map<string, Map<string, Block>>();
  private readonly admissions = new Map<string, { admission: Admission; until: number }>();

  async add(block: Block): Promise<void> {
    let room = this.blocks.get(block.room);
    if (!room) this.blocks.set(block.room, (room = new Map()));
    room.delete(block.identity);
    room.set(block.identity, { ...block });
  }

  async lift(room: string, identity: string): Promise<boolean> {
    const blocks = this.blocks.get(room);
    const had = blocks?.delete(identity) ?? false;
    if (blocks?.size === 0) this.blocks.delete(room);
    return had;
  }

  async list(room: string): Promise<Block[]> {
    return [...(this.blocks.get(room)?.values() ?? [])].map((block) => ({ ...block }));
  }

  async admission(room: string, identity: string): Promise<Admission | null> {
    const key = JSON.stringify([room, identity]);
    const held = this.admissions.get(key);
    if (!held) return null;
    if (held.until <= Date.now()) {
      this.admissions.delete(key);
      return null;
    }
    return { ...held.admission };
  }

  async recordAdmission(admission: Admission, ttlSeconds: number): Promise<void> {
    const key = JSON.stringify([admission.room, admission.identity]);
    this.admissions.delete(key);
    while (this.admissions.size >= MAX_MEMORY_ADMISSIONS) {
      this.admissions.delete(this.admissions.keys().next().value as string);
    }
    this.admissions.set(key, {
      admission: { ...admission },
      until: Date.now() + ttlSeconds * 1000,
    });
  }

  async close(): Promise<void> {}
}
