import type { ChainableCommander } from 'ioredis';
import type { RedisConnections } from '../../redis/redis-connections.js';
import { ConversationStore } from '../conversation-store.js';
import { channelParts, type Conversation, type Turn } from '../conversation.js';

export interface RedisStoreOptions {
  maxTurns: number;
  /** Idle time after which a conversation is forgotten (ms): each use renews it. */
  ttlMs: number;
  now?: () => number;
}

/**
 * Conversations shared by every instance. A conversation is a hash of its
 * dates and a list of its turns (one JSON value each), so that appending is
 * a push and a trim inside one MULTI, never a read-modify-write that two
 * instances could interleave. Each use renews the keys' expiry: idle
 * conversations fade out, a least-recently-used policy kept by Redis.
 * Keys are conversation keys (`ownerChannel`), so each API key's ids have
 * keys of their own (`conv:{<id>~<key id>}:…`) and nothing is written for
 * an id until a message is: subscribing stores nothing. Open mode keeps the
 * plain ids of before.
 */
export class RedisConversationStore extends ConversationStore {
  constructor(
    private readonly redis: RedisConnections,
    private readonly options: RedisStoreOptions,
  ) {
    super();
  }

  async get(key: string): Promise<Conversation | undefined> {
    const { meta, turns } = this.keys(key);
    const replies = await this.exec(() =>
      this.redis.command
        .multi()
        .hgetall(meta)
        .lrange(turns, 0, -1)
        .pexpire(meta, this.options.ttlMs)
        .pexpire(turns, this.options.ttlMs),
    );
    return toConversation(key, replies[0], replies[1]);
  }

  append(key: string, turns: Turn[]): Promise<Conversation> {
    return this.write(key, turns, false);
  }

  replace(key: string, turns: Turn[]): Promise<Conversation> {
    return this.write(key, turns, true);
  }

  async delete(key: string): Promise<boolean> {
    const { meta, turns } = this.keys(key);
    const [deleted] = await this.exec(() =>
      this.redis.command.multi().del(meta).del(turns),
    );
    return (deleted as number) > 0;
  }

  private async write(
    key: string,
    added: Turn[],
    replace: boolean,
  ): Promise<Conversation> {
    const { meta, turns } = this.keys(key);
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
    const conversation = toConversation(key, replies.at(-2), replies.at(-1));
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

  private keys(key: string) {
    return {
      meta: this.redis.conversationKey(key, 'meta'),
      turns: this.redis.conversationKey(key, 'turns'),
    };
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

function toConversation(
  key: string,
  meta: unknown,
  turns: unknown,
): Conversation | undefined {
  const dates = meta as Record<string, string> | null;
  if (!dates?.createdAt) return undefined;
  return {
    id: channelParts(key).conversationId,
    turns: (turns as string[]).map((raw) => JSON.parse(raw) as Turn),
    createdAt: dates.createdAt,
    updatedAt: dates.updatedAt ?? dates.createdAt,
  };
}
