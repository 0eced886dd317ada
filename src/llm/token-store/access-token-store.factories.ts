import type { StateBackend } from '../../config/state-backend.js';
import type { RedisConnector } from '../../redis/redis-connector.js';
import type { AccessTokenStore } from './access-token-store.js';
import { MemoryAccessTokenStore } from './memory/memory-access-token-store.js';
import { RedisAccessTokenStore } from './redis/redis-access-token-store.js';

export interface TokenStoreFactoryContext {
  redis: RedisConnector;
}

/**
 * The token cache for each state backend (`EVENT_BUS`): instances that share state
 * through Redis share one upstream token there too.
 */
export const ACCESS_TOKEN_STORE_FACTORIES: Record<
  StateBackend,
  (
    ctx: TokenStoreFactoryContext,
  ) => AccessTokenStore | Promise<AccessTokenStore>
> = {
  memory: () => new MemoryAccessTokenStore(),
  redis: async ({ redis }) =>
    new RedisAccessTokenStore(await redis.connections()),
};
