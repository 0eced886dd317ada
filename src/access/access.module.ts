import {
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
import { isEventStreamHandler } from '../streaming/event-stream-route.decorator.js';
import {
  envOf,
  fromEnv,
  settingsProvider,
  type Env,
} from '../config/settings.js';
import { stateBackend } from '../config/state-backend.js';
import { KeysModule } from '../keys/keys.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { RedisConnector } from '../redis/redis-connector.js';
import { RedisModule } from '../redis/redis.module.js';
import {
  API_KEYS,
  AUTH_FAILURE_LIMITS,
  STREAM_TOKEN_SIGNER,
} from './access.di-tokens.js';
import { ApiKeyGuard } from './api-key.guard.js';
import { ApiKeys } from './api-keys.js';
import { ApiThrottlerGuard } from './api-throttler.guard.js';
import { principalOf } from './principal.js';
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
@Module({
  imports: [
    KeysModule,
    RedisModule,
    MetricsModule,
    ThrottlerModule.forRootAsync({
      imports: [RedisModule, KeysModule],
      inject: [ConfigService, RedisConnector, API_KEYS],
      useFactory: async (
        config: AppConfig,
        redis: RedisConnector,
        keys: ApiKeys,
      ) => {
        const env = envOf(config);
        const ttl = env.RATE_LIMIT_WINDOW_MS;
        const limit = env.RATE_LIMIT_MAX;
        // A key's own `rpm` (KEYS_FILE) replaces RATE_LIMIT_MAX per window.
        const rpmOf = (context: ExecutionContext) => {
          const principal = principalOf(context.switchToHttp().getRequest());
          return principal && keys.definition(principal.keyId)?.limits.rpm;
        };
        return {
          storage: await THROTTLER_STORAGE_FACTORIES[stateBackend(env)](redis),
          throttlers: [
            {
              name: 'default',
              ttl: (context) => (rpmOf(context) ? 60_000 : ttl),
              limit: (context) => rpmOf(context) ?? limit,
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
    fromEnv(
      STREAM_TOKEN_SIGNER,
      [API_KEYS],
      (env, keys: ApiKeys) =>
        new StreamTokenSigner(
          deriveStreamTokenSecret(
            env.STREAM_TOKEN_SECRET,
            // KEYS_FILE holds no secret, only digests: those are the material.
            env.KEYS_FILE
              ? keys.all.map((key) => key.digest.toString('hex'))
              : ApiKeys.parse([env.API_KEYS, env.ADMIN_API_KEYS].join(',')),
          ),
          env.STREAM_TOKEN_TTL_S,
        ),
    ),
    fromEnv(
      AuthFailureCounter,
      [RedisConnector],
      (env, redis: RedisConnector) =>
        AUTH_FAILURE_COUNTER_FACTORIES[stateBackend(env)](
          redis,
          env.AUTH_FAILURE_WINDOW_MS,
        ),
    ),
    settingsProvider(AUTH_FAILURE_LIMITS, (env) => ({
      maxFailures: env.AUTH_FAILURE_LIMIT,
    })),
    { provide: APP_GUARD, useClass: ApiKeyGuard },
    { provide: APP_GUARD, useClass: ApiThrottlerGuard },
  ],
})
export class AccessModule implements OnApplicationBootstrap {
  private readonly logger = new Logger('Access');

  private readonly env: Env;

  constructor(
    @Inject(API_KEYS) private readonly keys: ApiKeys,
    @Inject(ConfigService) config: AppConfig,
  ) {
    this.env = envOf(config);
  }

  onApplicationBootstrap(): void {
    const host = this.env.HOST;
    if (!this.keys.enabled) {
      if (!LOOPBACK.test(host)) {
        this.logger.warn(
          `API_KEYS is not set: the API is open to anyone who can reach ${host}. ` +
            'Set API_KEYS (comma-separated) before exposing the server.',
        );
      }
      const provider = this.env.LLM_PROVIDER;
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
      `API keys required (${this.keys.all.length} configured${this.env.KEYS_FILE ? ' in KEYS_FILE' : ''}); stream tokens last ${this.env.STREAM_TOKEN_TTL_S} s.`,
    );
  }
}
