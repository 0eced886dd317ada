import type { EventBusName } from '../../../config/env.schema.js';
import type { Env } from '../../../config/settings.js';
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
    env: Env,
    redis: RedisConnector,
  ) => GlobalStreamCounts | Promise<GlobalStreamCounts>
> = {
  memory: () => new ProcessStreamCounts(),
  redis: async (env, redis) =>
    new RedisStreamCounts(await redis.connections(), {
      ttlMs: env.REDIS_PRESENCE_TTL_MS,
    }),
};
