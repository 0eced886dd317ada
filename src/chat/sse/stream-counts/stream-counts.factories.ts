import type { AppConfig } from '../../../config/app-config.service.js';
import type { EventBusName } from '../../../config/env.schema.js';
import type { RedisConnector } from '../../../redis/redis-connector.js';
import {
  ProcessStreamCounts,
  type GlobalStreamCounts,
} from './global-stream-counts.js';
import { RedisStreamCounts } from './redis-stream-counts.js';

/** Where each `EVENT_BUS` value counts the streams of a client across instances. */
export const STREAM_COUNTS_FACTORIES: Record<
  EventBusName,
  (
    config: AppConfig,
    redis: RedisConnector,
  ) => GlobalStreamCounts | Promise<GlobalStreamCounts>
> = {
  memory: () => new ProcessStreamCounts(),
  redis: async (config, redis) =>
    new RedisStreamCounts(await redis.connections(), {
      ttlMs: config.get('REDIS_PRESENCE_TTL_MS', { infer: true }),
    }),
};
