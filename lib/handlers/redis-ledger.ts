import "server-only";
import { redisCommand, sharedRedis } from "../redis";
import type { WebhookEventJson } from "../shared/event-model";
import {
  LEASE_LOST_ERROR,
  RECENT_RUNS,
  RUN_TTL_SECONDS,
  type Claim,
  type Outcome,
  type RunLedger,
  type RunRecord,
  type RunStatus,
} from "./ledger";

/**
 * The ledger in Redis, shared by every instance: a hash per run (`run:<handler>|<event id>`), a
 * sorted set of the runs still to do scored by when they are due (a running run's score is its
 * lease's end, so a dead instance's run comes due again), and one of recent changes. Each step
 * is one script, so two instances never both claim an attempt. Keys share one hash tag.
 */
/**
 * Creates the event's runs (one per handler in ARGV[7..]) unless they exist (a duplicate
 * delivery, or another instance, made them), each claimed at once for its first attempt by
 * the caller, under a lease ending at ARGV[6]. One script per webhook, however many handlers;
 * returns the handlers whose runs it created.
 */
const ENQUEUE = `
local created = {}
for i = 7, #ARGV do
  local member = ARGV[i] .. '|' .. ARGV[1]
  local key = KEYS[3] .. member
  if redis.call('EXISTS', key) == 0 then
    redis.call('HSET', key, 'eventId', ARGV[1], 'handler', ARGV[i], 'type', ARGV[2],
      'status', 'running', 'attempt', 1, 'error', '', 'updatedAt', ARGV[3], 'dueAt', ARGV[6],
      'event', ARGV[5])
    redis.call('EXPIRE', key, ARGV[4])
    redis.call('ZADD', KEYS[1], ARGV[6], member)
    redis.call('ZADD', KEYS[2], ARGV[3], member)
    created[#created + 1] = ARGV[i]
  end
end
return created
`;

const CLAIM = `
local key = KEYS[3] .. ARGV[1]
local run = redis.call('HMGET', key, 'status', 'attempt', 'dueAt', 'event')
if not run[1] then redis.call('ZREM', KEYS[1], ARGV[1]) return false end
local status, attempt, dueAt = run[1], tonumber(run[2]), tonumber(run[3])
if status == 'ok' or status == 'failed' then redis.call('ZREM', KEYS[1], ARGV[1]) return false end
if dueAt > tonumber(ARGV[2]) then return false end
if status == 'running' and attempt >= tonumber(ARGV[4]) then
  redis.call('HSET', key, 'status', 'failed', 'error', ARGV[5], 'updatedAt', ARGV[2])
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
  return false
end
attempt = attempt + 1
local leaseEnd = tonumber(ARGV[2]) + tonumber(ARGV[3])
redis.call('HSET', key, 'status', 'running', 'attempt', attempt, 'dueAt', leaseEnd, 'updatedAt', ARGV[2])
redis.call('ZADD', KEYS[1], leaseEnd, ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
return {attempt, run[4]}
`;

const FINISH = `
local key = KEYS[3] .. ARGV[1]
local run = redis.call('HMGET', key, 'status', 'attempt')
if run[1] ~= 'running' or run[2] ~= ARGV[2] then return 0 end
redis.call('HSET', key, 'status', ARGV[3], 'error', ARGV[4], 'updatedAt', ARGV[5])
if ARGV[3] == 'retrying' then
  redis.call('HSET', key, 'dueAt', ARGV[6])
  redis.call('ZADD', KEYS[1], ARGV[6], ARGV[1])
else
  redis.call('ZREM', KEYS[1], ARGV[1])
end
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[1])
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -1 - tonumber(ARGV[7]))
return 1
`;

const RETRY = `
local key = KEYS[3] .. ARGV[1]
if redis.call('HGET', key, 'status') ~= 'failed' then return 0 end
redis.call('HSET', key, 'status', 'pending', 'attempt', 0, 'dueAt', ARGV[2], 'updatedAt', ARGV[2])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
return 1
`;

const member = (eventId: string, handler: string) => `${handler}|${eventId}`;

function parseMember(value: string): { eventId: string; handler: string } {
  const bar = value.indexOf("|");
  return { handler: value.slice(0, bar), eventId: value.slice(bar + 1) };
}

export class RedisRunLedger implements RunLedger {
  readonly kind = "redis" as const;
  private readonly keys: [due: string, recent: string, runPrefix: string];

  constructor(
    private readonly url: string,
    prefix = "livekit:{handlers}",
  ) {
    this.keys = [`${prefix}:due`, `${prefix}:recent`, `${prefix}:run:`];
  }

  private command(args: string[]): Promise<unknown> {
    return redisCommand(sharedRedis(this.url), args);
  }

  private script(source: string, args: Array<string | number>): Promise<unknown> {
    return this.command(["EVAL", source, "3", ...this.keys, ...args.map(String)]);
  }

  async enqueue(
    event: WebhookEventJson,
    handlers: string[],
    now: number,
    leaseMs: number,
  ): Promise<Claim[]> {
    if (handlers.length === 0) return [];
    const created = (await this.script(ENQUEUE, [
      event.id,
      event.event,
      now,
      RUN_TTL_SECONDS,
      JSON.stringify(event),
      now + leaseMs,
      ...handlers,
    ])) as string[];
    return created.map((handler) => ({ eventId: event.id, handler, attempt: 1, event }));
  }

  async claim(eventId: string, handler: string, now: number, leaseMs: number, maxAttempts: number) {
    const reply = (await this.script(CLAIM, [
      member(eventId, handler),
      now,
      leaseMs,
      maxAttempts,
      LEASE_LOST_ERROR,
    ])) as [number, string] | null;
    if (!reply) return null;
    return {
      eventId,
      handler,
      attempt: Number(reply[0]),
      event: JSON.parse(reply[1]) as WebhookEventJson,
    };
  }

  async finish(claim: Claim, outcome: Outcome, now: number): Promise<void> {
    const status: RunStatus =
      outcome.kind === "ok" ? "ok" : outcome.kind === "retry" ? "retrying" : "failed";
    await this.script(FINISH, [
      member(claim.eventId, claim.handler),
      claim.attempt,
      status,
      outcome.kind === "ok" ? "" : outcome.error,
      now,
      outcome.kind === "retry" ? outcome.dueAt : 0,
      RECENT_RUNS,
    ]);
  }

  async due(now: number, limit: number) {
    const members = (await this.command([
      "ZRANGEBYSCORE",
      this.keys[0],
      "-inf",
      String(now),
      "LIMIT",
      "0",
      String(limit),
    ])) as string[];
    return members.map(parseMember);
  }

  async recent(limit: number): Promise<RunRecord[]> {
    const members = (await this.command([
      "ZREVRANGE",
      this.keys[1],
      "0",
      String(limit - 1),
    ])) as string[];
    const records: RunRecord[] = [];
    for (const value of members) {
      const fields = (await this.command([
        "HMGET",
        this.keys[2] + value,
        "eventId",
        "handler",
        "type",
        "status",
        "attempt",
        "error",
        "updatedAt",
        "dueAt",
      ])) as Array<string | null>;
      if (fields[0] === null) continue;
      records.push({
        eventId: fields[0]!,
        handler: fields[1]!,
        type: fields[2]!,
        status: fields[3] as RunStatus,
        attempt: Number(fields[4]),
        error: fields[5] || null,
        updatedAt: Number(fields[6]),
        dueAt: Number(fields[7]),
      });
    }
    return records;
  }

  async retry(eventId: string, handler: string, now: number): Promise<boolean> {
    return (await this.script(RETRY, [member(eventId, handler), now])) === 1;
  }
}
