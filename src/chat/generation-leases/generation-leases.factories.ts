import type { Env } from '../../config/settings.js';
import type { StateBackend } from '../../config/state-backend.js';
import type { RedisConnector } from '../../redis/redis-connector.js';
import {
  ProcessGenerationLeases,
  type GenerationLeases,
} from './generation-leases.js';
import { RedisGenerationLeases } from './redis-generation-leases.js';

/** How each state backend (`EVENT_BUS`) leases running replies. */
export const GENERATION_LEASES_FACTORIES: Record<
  StateBackend,
  (
    env: Env,
    redis: RedisConnector,
  ) => GenerationLeases | Promise<GenerationLeases>
> = {
  memory: () => new ProcessGenerationLeases(),
  redis: async (env, redis) =>
    new RedisGenerationLeases(await redis.connections(), {
      leaseMs: env.GENERATION_LEASE_MS,
    }),
};
