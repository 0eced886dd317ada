import type { ChainableCommander } from 'ioredis';
import { LuaScript } from '../../redis/lua-script.js';
import type { RedisConnections } from '../../redis/redis-connections.js';
import { ConversationStore } from '../conversation-store.js';
import {
  ANONYMOUS_OWNER,
  type Conversation,
  type Turn,
} from '../conversation.js';

export interface RedisStoreOptions {
  maxTurns: number;
  /** Idle time after which a conversation is forgotten (ms): each use renews it. */
  ttlMs: number;
  now?: () => number;
}

/** Deletes the claim only if this generation still holds it. KEYS: claim. ARGV: message id. */
const RELEASE_CLAIM = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`);

/**
 * The owner of a conversation, set by the first caller. A conversation
 * stored before owners existed (dates but no owner) is the anonymous one's.
 * KEYS: meta. ARGV: owner, anonymous owner, ttl ms.
 */
const CLAIM_OWNER = new LuaScript(`
local owner = redis.call('HGET', KEYS[1], 'owner')
if owner then return owner end
if redis.call('HEXISTS', KEYS[1], 'createdAt') == 1 then return ARGV[2] end
redis.call('HSET', KEYS[1], 'owner', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return ARGV[1]
`);

/**
 * Conversations shared by every instance. A conversation is a hash of its
 * dates and a list of its turns (one JSON value each), so that appending is
 * a push and a trim inside one MULTI, never a read-modify-write that two
 * instances could interleave. Each use renews the keys' expiry: idle
 * conversations fade out, a least-recently-used policy kept by Redis.
 * The generation claim is `SET NX PX`: only one instance runs a reply.
 * The owner is a field of the hash, so it lives and expires with the history.
 */
export class RedisConversationStore extends ConversationStore {
  constructor(
    private readonly redis: RedisConnections,
    private readonly options: RedisStoreOptions,
  ) {
    super();
  }

  async get(id: string): Promise<Conversation | undefined> {
    const { meta, turns } = this.keys(id);
    const replies = await this.exec(() =>
      this.redis.command
        .multi()
        .hgetall(meta)
        .lrange(turns, 0, -1)
        .pexpire(meta, this.options.ttlMs)
        .pexpire(turns, this.options.ttlMs),
    );
    return toConversation(id, replies[0], replies[1]);
  }

  append(id: string, turns: Turn[]): Promise<Conversation> {
    return this.write(id, turns, false);
  }

  replace(id: string, turns: Turn[]): Promise<Conversation> {
    return this.write(id, turns, true);
  }

  async delete(id: string): Promise<boolean> {
    const { meta, turns, claim } = this.keys(id);
    const [deleted] = await this.exec(() =>
      this.redis.command.multi().del(meta).del(turns).del(claim),
    );
    return (deleted as number) > 0;
  }

  async claimOwner(id: string, owner: string): Promise<string> {
    return (await CLAIM_OWNER.run(
      this.redis.command,
      [this.keys(id).meta],
      [owner, ANONYMOUS_OWNER, this.options.ttlMs],
    )) as string;
  }

  async ownerOf(id: string): Promise<string | undefined> {
    const [owner, createdAt] = await this.redis.command.hmget(
      this.keys(id).meta,
      'owner',
      'createdAt',
    );
    return owner ?? (createdAt ? ANONYMOUS_OWNER : undefined);
  }

  async claimGeneration(
    id: string,
    messageId: string,
    ttlMs: number,
  ): Promise<boolean> {
    const claimed = await this.redis.retrying(() =>
      this.redis.command.set(this.keys(id).claim, messageId, 'PX', ttlMs, 'NX'),
    );
    return claimed === 'OK';
  }

  async releaseGeneration(id: string, messageId: string): Promise<void> {
    await this.redis.retrying(() =>
      RELEASE_CLAIM.run(this.redis.command, [this.keys(id).claim], [messageId]),
    );
  }

  async activeGeneration(id: string): Promise<string | undefined> {
    return (await this.redis.command.get(this.keys(id).claim)) ?? undefined;
  }

  private async write(
    id: string,
    added: Turn[],
    replace: boolean,
  ): Promise<Conversation> {
    const { meta, turns } = this.keys(id);
    const now = new Date(this.now()).toISOString();
    const ttl = this.options.ttlMs;
    const replies = await this.exec(() => {
      const batch = this.redis.command.multi();
      if (replace) batch.del(turns);
      if (added.length > 0)
        batch.rpush(turns, ...added.map((turn) => JSON.stringify(turn)));
      return batch
        .ltrim(turns, -this.options.maxTurns, -1)
        .hsetnx(meta, 'createdAt', now)
        .hset(meta, 'updatedAt', now)
        .pexpire(meta, ttl)
        .pexpire(turns, ttl)
        .hgetall(meta)
        .lrange(turns, 0, -1);
    });
    // Acknowledged to a client (the POST's 202, the reply's `done`) only once
    // it would survive a failover, when REDIS_MIN_REPLICAS asks for it.
    try {
      await this.redis.replicated();
    } catch (error) {
      // A refused message leaves no trace, so that its retry is not doubled
      // (the claim keeps other writers out meanwhile). A reply is kept: its
      // `done` still goes out. (A reply is the one turn with a message id.)
      if (!replace && added.every((turn) => turn.messageId === undefined))
        await this.redis.command
          .rpop(turns, added.length)
          .catch(() => undefined);
      throw error;
    }
    const conversation = toConversation(id, replies.at(-2), replies.at(-1));
    // The hash was just written: it exists.
    return conversation!;
  }

  /**
   * Runs a MULTI and returns its replies, throwing the first error. Built
   * anew for each attempt: one that never ran is sent again through a
   * failover.
   */
  private async exec(build: () => ChainableCommander): Promise<unknown[]> {
    const results = await this.redis.retrying(() => build().exec());
    if (!results) throw new Error('Redis aborted the transaction');
    return results.map(([error, reply]) => {
      if (error) throw error;
      return reply;
    });
  }

  private keys(id: string) {
    return {
      meta: this.redis.conversationKey(id, 'meta'),
      turns: this.redis.conversationKey(id, 'turns'),
      claim: this.redis.conversationKey(id, 'generation'),
    };
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

function toConversation(
  id: string,
  meta: unknown,
  turns: unknown,
): Conversation | undefined {
  const dates = meta as Record<string, string> | null;
  if (!dates?.createdAt) return undefined;
  return {
    id,
    turns: (turns as string[]).map((raw) => JSON.parse(raw) as Turn),
    createdAt: dates.createdAt,
    updatedAt: dates.updatedAt ?? dates.createdAt,
  };
}
