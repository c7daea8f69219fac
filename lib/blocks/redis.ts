import "server-only";
import { HttpError } from "../http";
import { redisCommand, sharedRedis } from "../redis";
import type { Admission, Block, BlockStore } from "./types";

export interface RedisBlockStoreOptions {
  url: string;
  /** Key prefix; default `livekit:{blocks}`. */
  prefix?: string;
}

/**
 * Blocks in Redis, shared by every instance and kept across restarts (as the event log is):
 * one hash per room (field: identity, value: the block as JSON), and one expiring key per
 * admission. A room name or identity is a hash field or a JSON-quoted key part, never parsed.
 */
export class RedisBlockStore implements BlockStore {
  readonly kind = "redis";
  private readonly url: string;
  private readonly prefix: string;

  constructor(options: RedisBlockStoreOptions) {
    this.url = options.url;
    this.prefix = options.prefix ?? "livekit:{blocks}";
  }

  private roomKey(room: string): string {
    return `${this.prefix}:room:${JSON.stringify(room)}`;
  }

  private admissionKey(room: string, identity: string): string {
    return `${this.prefix}:admission:${JSON.stringify([room, identity])}`;
  }

  private async command(args: string[]): Promise<unknown> {
    try {
      return await redisCommand(sharedRedis(this.url), args);
    } catch (error) {
      throw new HttpError(503, "the block store is unavailable; retry later", {
        headers: { "Retry-After": "1" },
        detail: `blocks: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }

  async add(block: Block): Promise<void> {
    await this.command(["HSET", this.roomKey(block.room), block.identity, JSON.stringify(block)]);
  }

  async lift(room: string, identity: string): Promise<boolean> {
    return Number(await this.command(["HDEL", this.roomKey(room), identity])) > 0;
  }

  async list(room: string): Promise<Block[]> {
    const flat = (await this.command(["HGETALL", this.roomKey(room)])) as string[];
    const blocks: Block[] = [];
    for (let i = 1; i < flat.length; i += 2) {
      try {
        blocks.push(JSON.parse(flat[i]!) as Block);
      } catch {
        // Not ours: skipped rather than failing every token request of the room.
      }
    }
    return blocks.sort((a, b) => a.blockedAt - b.blockedAt);
  }

  async admission(room: string, identity: string): Promise<Admission | null> {
    const value = (await this.command(["GET", this.admissionKey(room, identity)])) as string | null;
    if (!value) return null;
    try {
      return JSON.parse(value) as Admission;
    } catch {
      return null;
    }
  }

  async recordAdmission(admission: Admission, ttlSeconds: number): Promise<void> {
    await this.command([
      "SET",
      this.admissionKey(admission.room, admission.identity),
      JSON.stringify(admission),
      "EX",
      String(Math.max(1, Math.ceil(ttlSeconds))),
    ]);
  }

  /** The connection is the process's shared one (lib/redis): nothing of its own to close. */
  async close(): Promise<void> {}
}
