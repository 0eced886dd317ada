import { Logger } from '@nestjs/common';
import { Observable, share } from 'rxjs';
import { replyProgress } from '../../bus/redis/redis-event-log.js';
import { LuaScript } from '../../redis/lua-script.js';
import type { RedisConnections } from '../../redis/redis-connections.js';
import {
  GenerationLeases,
  type GenerationLease,
  type LeasedGeneration,
  type LostGeneration,
} from './generation-leases.js';

const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/**
 * Renews leases that are still there; returns the 1-based positions of
 * those that are not (another instance took them over).
 *
 * KEYS: the leases' sorted set. ARGV: lease ms, then one member per lease;
 * `ADD` as the first member registers the rest anew.
 */
const RENEW = new LuaScript(`${NOW}
local until_ms = now + tonumber(ARGV[1])
local gone = {}
for i = 2, #ARGV do
  if redis.call('ZSCORE', KEYS[1], ARGV[i]) then
    redis.call('ZADD', KEYS[1], 'XX', until_ms, ARGV[i])
  else
    table.insert(gone, i - 1)
  end
end
return gone
`);

/** KEYS: the sorted set. ARGV: lease ms, member. */
const ADD = new LuaScript(`${NOW}
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[2])
return 1
`);

/**
 * Takes up to ARGV[1] lapsed leases out of the set and returns them: the
 * instance whose call removed a lease is the only one to end its reply.
 * KEYS: the sorted set.
 */
const REAP = new LuaScript(`${NOW}
local lapsed = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
for _, member in ipairs(lapsed) do redis.call('ZREM', KEYS[1], member) end
return lapsed
`);

export interface RedisGenerationLeasesOptions {
  /** How long a lease lasts without renewal (ms): an instance that died is noticed after it. */
  leaseMs: number;
}

/**
 * Leases in one sorted set for the whole deployment, scored by when each
 * lapses (on Redis's clock, so instances need not agree on the time). Each
 * instance renews its own leases three times per lease period and looks for
 * lapsed ones four times per period, so that a dead instance's replies end
 * within about 1.25 lease periods of its last renewal.
 */
export class RedisGenerationLeases extends GenerationLeases {
  private readonly logger = new Logger('GenerationLeases');
  /** This instance's leases: whether Redis has recorded each, and what to do when lost. */
  private readonly held = new Map<
    string,
    { registered: boolean; onLost: () => void }
  >();
  private readonly renewer: NodeJS.Timeout;
  private readonly lapsed$: Observable<LostGeneration>;
  private readonly key: string;

  constructor(
    private readonly redis: RedisConnections,
    private readonly options: RedisGenerationLeasesOptions,
  ) {
    super();
    this.key = redis.key('generations');
    this.renewer = setInterval(
      () => void this.renew(),
      Math.max(100, Math.floor(options.leaseMs / 3)),
    );
    this.renewer.unref();
    this.lapsed$ = new Observable<LostGeneration>((subscriber) => {
      let reaping = false;
      const timer = setInterval(
        () => {
          if (reaping) return;
          reaping = true;
          this.reap()
            .then((lost) => lost.forEach((l) => subscriber.next(l)))
            .catch(() => undefined)
            .finally(() => (reaping = false));
        },
        Math.max(100, Math.floor(options.leaseMs / 4)),
      );
      timer.unref();
      return () => clearInterval(timer);
    }).pipe(share());
  }

  hold(generation: LeasedGeneration, onLost: () => void): GenerationLease {
    const member = JSON.stringify([
      generation.conversationId,
      generation.messageId,
      generation.persist ? 1 : 0,
      ...(generation.channel ? [generation.channel] : []),
    ]);
    const lease = { registered: false, onLost };
    this.held.set(member, lease);
    void this.register(member, lease);
    return {
      release: async () => {
        this.held.delete(member);
        await this.redis.command.zrem(this.key, member).catch(() => undefined);
      },
    };
  }

  lapsed(): Observable<LostGeneration> {
    return this.lapsed$;
  }

  /** Called by Nest at shutdown: the provider is this object. */
  onApplicationShutdown(): void {
    clearInterval(this.renewer);
  }

  /** Records a lease; one that Redis could not take yet is retried at each renewal. */
  private async register(
    member: string,
    lease: { registered: boolean },
  ): Promise<void> {
    try {
      await ADD.run(
        this.redis.command,
        [this.key],
        [this.options.leaseMs, member],
      );
      lease.registered = true;
      // Released meanwhile: the lease must not outlive its reply.
      if (!this.held.has(member))
        await this.redis.command.zrem(this.key, member);
    } catch {
      // Unreachable: the renewal timer tries again.
    }
  }

  private async renew(): Promise<void> {
    const members: string[] = [];
    for (const [member, lease] of this.held) {
      if (lease.registered) members.push(member);
      else void this.register(member, lease);
    }
    if (members.length === 0) return;
    let gone: number[];
    try {
      gone = (await RENEW.run(
        this.redis.command,
        [this.key],
        [this.options.leaseMs, ...members],
      )) as number[];
    } catch {
      // Unreachable: renewed at the next tick, if the lease has not lapsed.
      return;
    }
    for (const position of gone) {
      const member = members[position - 1];
      const onLost = this.held.get(member)?.onLost;
      if (!onLost) continue;
      this.held.delete(member);
      this.logger.warn(
        `The lease of reply ${member} lapsed before it was renewed; another instance ended it`,
      );
      onLost();
    }
  }

  private async reap(): Promise<LostGeneration[]> {
    const members = (await REAP.run(
      this.redis.command,
      [this.key],
      [20],
    )) as string[];
    const lost: LostGeneration[] = [];
    for (const member of members) {
      // One of ours that lapsed while Redis was out of reach: still running.
      const own = this.held.get(member);
      if (own) {
        own.registered = false;
        void this.register(member, own);
        continue;
      }
      const [conversationId, messageId, persist, channel] = JSON.parse(
        member,
      ) as [string, string, number, string?];
      const reply = await replyProgress(
        this.redis,
        channel ?? conversationId,
        messageId,
      ).catch(() => ({ text: '', ended: false }));
      // Its instance died after publishing its end, before releasing the lease.
      if (reply.ended) continue;
      lost.push({
        conversationId,
        ...(channel ? { channel } : {}),
        messageId,
        persist: persist === 1,
        text: reply.text,
      });
    }
    return lost;
  }
}
