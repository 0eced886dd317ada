import type { StateBackend } from '../../config/state-backend.js';
import type { RedisConnector } from '../../redis/redis-connector.js';
import type { DeploymentLimiter } from './deployment-limiter.js';
import { MemoryDeploymentLimiter } from './memory-deployment-limiter.js';
import { RedisDeploymentLimiter } from './redis-deployment-limiter.js';

/** The quota counters for each state backend (`EVENT_BUS`): shared through Redis when instances share state. */
export const DEPLOYMENT_LIMITER_FACTORIES: Record<
  StateBackend,
  (redis: RedisConnector) => DeploymentLimiter | Promise<DeploymentLimiter>
> = {
  memory: () => new MemoryDeploymentLimiter(),
  redis: async (redis) => new RedisDeploymentLimiter(await redis.connections()),
};
