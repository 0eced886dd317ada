import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config/app-config.service.js';
import { envOf } from '../config/settings.js';
import { stateBackend } from '../config/state-backend.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { RedisConnector } from '../redis/redis-connector.js';
import { RedisModule } from '../redis/redis.module.js';
import { GlobalStreamCounts } from './sse/stream-counts/global-stream-counts.js';
import { STREAM_COUNTS_FACTORIES } from './sse/stream-counts/stream-counts.factories.js';
import { StreamRegistry } from './sse/stream-registry.js';

/**
 * The open streams of both APIs (`/server/events` and streamed `/v1`
 * completions) and their caps, shared by the chat and OpenAI modules.
 */
@Module({
  imports: [RedisModule, MetricsModule],
  providers: [
    StreamRegistry,
    {
      provide: GlobalStreamCounts,
      inject: [ConfigService, RedisConnector],
      useFactory: (config: AppConfig, redis: RedisConnector) =>
        STREAM_COUNTS_FACTORIES[stateBackend(envOf(config))](config, redis),
    },
  ],
  exports: [StreamRegistry],
})
export class StreamRegistryModule {}
