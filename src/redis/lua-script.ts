import { createHash } from 'node:crypto';
import type { RedisClient } from './redis-clients.js';

/**
 * A Lua script run with `EVALSHA`, sent whole with `EVAL` only when Redis
 * does not know it yet (first use, or after a restart wiped its cache).
 */
export class LuaScript {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(
    redis: RedisClient,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT'))
        throw error;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
