import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { LuaScript } from '../../../redis/lua-script.js';
import type { RedisConnections } from '../../../redis/redis-connections.js';
import { AccessTokenStore, type CachedToken } from '../access-token-store.js';

export interface RedisTokenStoreOptions {
  /**
   * How long one instance may hold the refresh lock: longer than a token
   * request takes, short enough that a crashed holder does not stall the
   * others for long.
   */
  lockTtlMs?: number;
  /** Pause between two looks at the lock while another instance refreshes. */
  pollMs?: number;
}

/** Deletes the lock only if this caller still holds it. KEYS: lock. ARGV: owner. */
const RELEASE_LOCK = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`);

/**
 * Upstream tokens shared by every instance, each kept until it expires.
 * Single flight works at two levels: callers in this process share one
 * promise, and instances take a short Redis lock (`SET NX PX`); the others
 * wait for the lock to go and take the token its holder stored. If the
 * holder failed or died, the next waiter takes the lock and refreshes.
 */
export class RedisAccessTokenStore extends AccessTokenStore {
  private readonly inFlight = new Map<string, Promise<CachedToken>>();
  private readonly lockTtlMs: number;
  private readonly pollMs: number;

  constructor(
    private readonly redis: RedisConnections,
    options: RedisTokenStoreOptions = {},
  ) {
    super();
    this.lockTtlMs = options.lockTtlMs ?? 30_000;
    this.pollMs = options.pollMs ?? 20;
  }

  async get(key: string): Promise<CachedToken | undefined> {
    const raw = await this.redis.command.get(this.tokenKey(key));
    if (!raw) return undefined;
    try {
      const token = JSON.parse(raw) as CachedToken;
      return typeof token.token === 'string' &&
        typeof token.expiresAt === 'number'
        ? token
        : undefined;
    } catch {
      return undefined;
    }
  }

  async set(key: string, token: CachedToken): Promise<void> {
    const ttlMs = Math.ceil(token.expiresAt - Date.now());
    if (ttlMs <= 0) {
      await this.delete(key);
      return;
    }
    await this.redis.command.set(
      this.tokenKey(key),
      JSON.stringify(token),
      'PX',
      ttlMs,
    );
  }

  async delete(key: string): Promise<void> {
    await this.redis.command.del(this.tokenKey(key));
  }

  singleFlight(
    key: string,
    refresh: () => Promise<CachedToken>,
  ): Promise<CachedToken> {
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.acrossInstances(key, refresh).finally(() =>
        this.inFlight.delete(key),
      );
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async acrossInstances(
    key: string,
    refresh: () => Promise<CachedToken>,
  ): Promise<CachedToken> {
    const lock = this.redis.key('token-lock', key);
    const owner = randomUUID();
    for (;;) {
      const locked = await this.redis.command.set(
        lock,
        owner,
        'PX',
        this.lockTtlMs,
        'NX',
      );
      if (locked === 'OK') {
        try {
          return await refresh();
        } finally {
          await RELEASE_LOCK.run(this.redis.command, [lock], [owner]).catch(
            () => undefined,
          );
        }
      }
      await this.lockReleased(lock);
      const token = await this.get(key);
      if (token && token.expiresAt > Date.now()) return token;
    }
  }

  /** Resolves once the lock is gone; its expiry bounds the wait. */
  private async lockReleased(lock: string): Promise<void> {
    while ((await this.redis.command.exists(lock)) === 1)
      await sleep(this.pollMs);
  }

  private tokenKey(key: string): string {
    return this.redis.key('token', key);
  }
}
