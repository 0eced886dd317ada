import {
  Global,
  Inject,
  Logger,
  Module,
  type ExecutionContext,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import type { AppConfig } from '../config/app-config.service.js';
import { isEventStreamHandler } from '../chat/sse/event-stream-route.decorator.js';
import { RedisConnector } from '../redis/redis-connector.js';
import {
  API_KEYS,
  AUTH_FAILURE_LIMITS,
  STREAM_TOKEN_SIGNER,
} from './access.di-tokens.js';
import { ApiKeyGuard } from './api-key.guard.js';
import { ApiKeys } from './api-keys.js';
import { ApiThrottlerGuard } from './api-throttler.guard.js';
import { AuthFailureCounter } from './auth-failure-counter.js';
import { AUTH_FAILURE_COUNTER_FACTORIES } from './auth-failure-counter.factories.js';
import {
  deriveStreamTokenSecret,
  StreamTokenSigner,
} from './stream-token-signer.js';
import { StreamTokensController } from './stream-tokens.controller.js';
import { THROTTLER_STORAGE_FACTORIES } from './throttler-storage.factories.js';

const isEventStream = (context: ExecutionContext) =>
  isEventStreamHandler(context.getHandler());

const LOOPBACK =
  /^(127\.\d+\.\d+\.\d+|::1|localhost|::ffff:127\.\d+\.\d+\.\d+)$/i;

/** Keys shorter than this are guessable; the process warns about them. */
const MIN_KEY_LENGTH = 16;

/**
 * Access control and limits: optional API keys (API_KEYS), stream tokens for
 * EventSource, and rate limits per key (per address when open). The two
 * guards are registered here, in this order, so that the rate limiter sees
 * the principal the key guard found.
 *
 * Two rate buckets per client, each RATE_LIMIT_MAX per RATE_LIMIT_WINDOW_MS:
 * `default` for ordinary requests and `streams` for opening SSE streams, so
 * that an EventSource reconnecting does not use up the client's POSTs and
 * the other way round. Routes marked `@SkipThrottle()` (health, metrics) are
 * not limited. With EVENT_BUS=redis the counts are global, in Redis (see
 * RedisThrottlerStorage); in memory they are this process's own.
 */
@Global()
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [ConfigService, RedisConnector],
      useFactory: async (config: AppConfig, redis: RedisConnector) => {
        const ttl = config.get('RATE_LIMIT_WINDOW_MS', { infer: true });
        const limit = config.get('RATE_LIMIT_MAX', { infer: true });
        return {
          storage:
            await THROTTLER_STORAGE_FACTORIES[
              config.get('EVENT_BUS', { infer: true })
            ](redis),
          throttlers: [
            {
              name: 'default',
              ttl,
              limit,
              skipIf: (context) => isEventStream(context),
            },
            {
              name: 'streams',
              ttl,
              limit,
              skipIf: (context) => !isEventStream(context),
            },
          ],
        };
      },
    }),
  ],
  controllers: [StreamTokensController],
  providers: [
    {
      provide: API_KEYS,
      inject: [ConfigService],
      useFactory: (config: AppConfig) =>
        new ApiKeys(
          config.get('API_KEYS', { infer: true }),
          config.get('ADMIN_API_KEYS', { infer: true }),
        ),
    },
    {
      provide: STREAM_TOKEN_SIGNER,
      inject: [ConfigService],
      useFactory: (config: AppConfig) =>
        new StreamTokenSigner(
          deriveStreamTokenSecret(
            config.get('STREAM_TOKEN_SECRET', { infer: true }),
            ApiKeys.parse(
              [
                config.get('API_KEYS', { infer: true }),
                config.get('ADMIN_API_KEYS', { infer: true }),
              ].join(','),
            ),
          ),
          config.get('STREAM_TOKEN_TTL_S', { infer: true }),
        ),
    },
    {
      provide: AuthFailureCounter,
      inject: [ConfigService, RedisConnector],
      useFactory: (config: AppConfig, redis: RedisConnector) =>
        AUTH_FAILURE_COUNTER_FACTORIES[
          config.get('EVENT_BUS', { infer: true })
        ](redis, config.get('AUTH_FAILURE_WINDOW_MS', { infer: true })),
    },
    {
      provide: AUTH_FAILURE_LIMITS,
      inject: [ConfigService],
      useFactory: (config: AppConfig) => ({
        maxFailures: config.get('AUTH_FAILURE_LIMIT', { infer: true }),
      }),
    },
    { provide: APP_GUARD, useClass: ApiKeyGuard },
    { provide: APP_GUARD, useClass: ApiThrottlerGuard },
  ],
  exports: [API_KEYS, STREAM_TOKEN_SIGNER],
})
export class AccessModule implements OnApplicationBootstrap {
  private readonly logger = new Logger('Access');

  constructor(
    @Inject(API_KEYS) private readonly keys: ApiKeys,
    @Inject(ConfigService) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const host = this.config.get('HOST', { infer: true });
    if (!this.keys.enabled) {
      if (!LOOPBACK.test(host)) {
        this.logger.warn(
          `API_KEYS is not set: the API is open to anyone who can reach ${host}. ` +
            'Set API_KEYS (comma-separated) before exposing the server.',
        );
      }
      const provider = this.config.get('LLM_PROVIDER', { infer: true });
      if (provider !== 'mock') {
        this.logger.warn(
          `API_KEYS is not set while LLM_PROVIDER=${provider}: programs on this machine and ` +
            'the local pages CORS_ORIGINS lets in (files, localhost) can spend its quota.',
        );
      }
      return;
    }
    this.keys.lengths.forEach((length, index) => {
      if (length < MIN_KEY_LENGTH) {
        this.logger.warn(
          `API key #${index + 1} of API_KEYS is shorter than ${MIN_KEY_LENGTH} characters; use long random keys.`,
        );
      }
    });
    this.logger.log(
      `API keys required (${this.keys.lengths.length} configured); stream tokens last ${this.config.get('STREAM_TOKEN_TTL_S', { infer: true })} s.`,
    );
  }
}
