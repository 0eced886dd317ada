import type { AppConfig } from '../../config/app-config.service.js';
import type { EventBusName } from '../../config/env.schema.js';
import type { RedisConnector } from '../../redis/redis-connector.js';
import {
  ProcessGenerationLeases,
  type GenerationLeases,
} from './generation-leases.js';
import { RedisGenerationLeases } from './redis-generation-leases.js';

/** How each `EVENT_BUS` value leases running replies. */
export const GENERATION_LEASES_FACTORIES: Record<
  EventBusName,
  (
    config: AppConfig,
    redis: RedisConnector,
  ) => GenerationLeases | Promise<GenerationLeases>
> = {
  memory: () => new ProcessGenerationLeases(),
  redis: async (config, redis) =>
    new RedisGenerationLeases(await redis.connections(), {
      leaseMs: config.get('GENERATION_LEASE_MS', { infer: true }),
    }),
};
