import { LuaScript } from '../../redis/lua-script.js';
import type { RedisConnections } from '../../redis/redis-connections.js';
import { GenerationLock } from './generation-lock.js';

/** Deletes the lock only if this reply still holds it. KEYS: lock. ARGV: message id. */
const RELEASE = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`);

/**
 * The lock shared by every instance: `SET NX PX` on the conversation's
 * `generation` key (the key the store used before the lock had its own
 * port, so running replies survive an upgrade), so only one instance runs a
 * reply. Acquiring and releasing retry through a failover.
 */
export class RedisGenerationLock extends GenerationLock {
  constructor(private readonly redis: RedisConnections) {
    super();
  }

  async acquire(
    conversation: string,
    messageId: string,
    ttlMs: number,
  ): Promise<boolean> {
    const taken = await this.redis.retrying(() =>
      this.redis.command.set(
        this.key(conversation),
        messageId,
        'PX',
        ttlMs,
        'NX',
      ),
    );
    return taken === 'OK';
  }

  async release(conversation: string, messageId: string): Promise<void> {
    await this.redis.retrying(() =>
      RELEASE.run(this.redis.command, [this.key(conversation)], [messageId]),
    );
  }

  async holder(conversation: string): Promise<string | undefined> {
    return (await this.redis.command.get(this.key(conversation))) ?? undefined;
  }

  private key(conversation: string): string {
    return this.redis.conversationKey(conversation, 'generation');
  }
}
