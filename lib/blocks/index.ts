import "server-only";
import { getConfig, type Config } from "../config";
import { HttpError } from "../http";
import { RATE_LIMIT_REDIS_DEADLINE_MS } from "../rate-limit";
import { withDeadline } from "../redis";
import { removeParticipant } from "../rooms/livekit-api";
import { MemoryBlockStore } from "./memory";
import { RedisBlockStore } from "./redis";
import { matchingBlock, type BlockStore, type Candidate } from "./types";

export * from "./types";

const shared = globalThis as typeof globalThis & {
  __livekitBlockStore?: BlockStore;
  __livekitBlocksSlow?: boolean;
};

/** The process's one block store, in the event log's backend: Redis when REDIS_URL is set. */
export function getBlockStore(): BlockStore {
  if (!shared.__livekitBlockStore) {
    const { redisUrl } = getConfig();
    shared.__livekitBlockStore = redisUrl
      ? new RedisBlockStore({ url: redisUrl })
      : new MemoryBlockStore();
  }
  return shared.__livekitBlockStore;
}

/**
 * A token request waits for Redis RATE_LIMIT_REDIS_DEADLINE_MS in all (lib/rate-limit's
 * deadline): the block check gets what the rate limit left of it, and at least
 * MIN_BLOCK_CHECK_MS. Past it, or with Redis down, the token is issued unchecked (fail open,
 * logged), so a slow Redis never holds a join; the webhook side still removes a blocked
 * identity that joins (enforceBlockOnJoin).
 */
export const BLOCK_CHECK_DEADLINE_MS = RATE_LIMIT_REDIS_DEADLINE_MS;
export const MIN_BLOCK_CHECK_MS = 50;

/** The block check's deadline after the rate limit spent `spentMs` of the request's budget. */
export const blockCheckDeadline = (spentMs: number): number =>
  Math.max(MIN_BLOCK_CHECK_MS, BLOCK_CHECK_DEADLINE_MS - spentMs);

function noteSlow(what: string, error: unknown): void {
  if (shared.__livekitBlocksSlow) return;
  shared.__livekitBlocksSlow = true;
  console.warn(
    `blocks: the block store is unavailable or slow (${error instanceof Error ? error.message : String(error)}); ${what}`,
  );
}

function noteBack(): void {
  if (!shared.__livekitBlocksSlow) return;
  shared.__livekitBlocksSlow = false;
  console.info("blocks: the block store answers again");
}

/** 403 if a block of `room` keeps `who` out; fails open (logged) past BLOCK_CHECK_DEADLINE_MS. */
export async function refuseBlocked(
  room: string,
  who: Candidate,
  deadlineMs = BLOCK_CHECK_DEADLINE_MS,
  store: BlockStore = getBlockStore(),
): Promise<void> {
  let blocks;
  try {
    blocks = await withDeadline(store.list(room), deadlineMs);
    noteBack();
  } catch (error) {
    noteSlow("tokens are issued without the block check until it answers", error);
    return;
  }
  const block = matchingBlock(blocks, who);
  if (!block) return;
  const how = block.invite && block.invite === who.invite ? "this invite was" : "you were";
  throw new HttpError(
    403,
    `${how} removed from room ${JSON.stringify(room)} and blocked by an operator: no token is given for it until an operator lifts the block`,
  );
}

/**
 * Remembers how `who` got a token in `room` (its invite, its sub) for the token's lifetime, so
 * that blocking the identity blocks the invite too. Bounded like the check; never throws.
 */
export async function rememberAdmission(
  room: string,
  who: Candidate,
  config: Pick<Config, "tokenTtlSeconds">,
  store: BlockStore = getBlockStore(),
): Promise<void> {
  if (who.invite === undefined && who.subject === undefined) return;
  try {
    await withDeadline(
      store.recordAdmission({ room, ...who }, config.tokenTtlSeconds),
      BLOCK_CHECK_DEADLINE_MS,
    );
  } catch (error) {
    noteSlow("an invite's joins are not recorded, so blocking one blocks its identity only", error);
  }
}

/**
 * livekit-server v1.13.5 ignores RemoveParticipant's revoke_token_ts: a removed participant
 * holding a token minted before its block can join again. So each participant_joined is
 * checked, and a blocked identity (or one admitted through a blocked invite) is removed again.
 */
export async function enforceBlockOnJoin(room: string, identity: string): Promise<boolean> {
  const store = getBlockStore();
  const blocks = await store.list(room);
  if (blocks.length === 0) return false;
  const admission = await store.admission(room, identity);
  const block = matchingBlock(blocks, { ...admission, identity });
  if (!block) return false;
  await removeParticipant(getConfig(), room, identity);
  console.info(
    `blocks: removed ${JSON.stringify(identity)} from ${JSON.stringify(room)} again on joining (blocked ${JSON.stringify(block.identity)})`,
  );
  return true;
}
