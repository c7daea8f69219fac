import "server-only";
import { getConfig } from "../config";
import { MemoryEventStore } from "./memory";
import { RedisEventStore } from "./redis";
import type { EventStore } from "./types";

export * from "./types";

const shared = globalThis as typeof globalThis & { __livekitEventStore?: EventStore };

/**
 * The process's one store, on globalThis so every route module and each dev reload share it:
 * Redis when REDIS_URL is set, else memory.
 */
export function getEventStore(): EventStore {
  if (!shared.__livekitEventStore) {
    const config = getConfig();
    shared.__livekitEventStore = config.redisUrl
      ? new RedisEventStore({ url: config.redisUrl, maxLen: config.redisStreamMaxLen })
      : new MemoryEventStore(config.memoryEventLimit);
  }
  return shared.__livekitEventStore;
}
