import { Module } from '@nestjs/common';
import { fromEnv, settingsProvider } from '../../config/settings.js';
import { stateBackend } from '../../config/state-backend.js';
import { MetricsModule } from '../../metrics/metrics.module.js';
import { RedisConnector } from '../../redis/redis-connector.js';
import { RedisModule } from '../../redis/redis.module.js';
import { GlobalStreamCounts } from './stream-counts/global-stream-counts.js';
import { STREAM_COUNTS_FACTORIES } from './stream-counts/stream-counts.factories.js';
import { StreamRegistry } from './stream-registry.js';
import {
  STREAM_REGISTRY_SETTINGS,
  streamRegistrySettings,
} from './stream-registry.settings.js';

/**
 * The open streams of both APIs (`/server/events` and streamed `/v1`
 * completions) and their caps, shared by the chat and OpenAI modules.
 */
@Module({
  imports: [RedisModule, MetricsModule],
  providers: [
    settingsProvider(STREAM_REGISTRY_SETTINGS, streamRegistrySettings),
    StreamRegistry,
    fromEnv(
      GlobalStreamCounts,
      [RedisConnector],
      (env, redis: RedisConnector) =>
        STREAM_COUNTS_FACTORIES[stateBackend(env)](env, redis),
    ),
  ],
  exports: [StreamRegistry],
})
export class StreamRegistryModule {}
