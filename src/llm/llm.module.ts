import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config/app-config.service.js';
import { RedisConnector } from '../redis/redis-connector.js';
import { LlmProvider } from './llm-provider.js';
import { AccessTokenStore } from './token-store/access-token-store.js';
import { ACCESS_TOKEN_STORE_FACTORIES } from './token-store/access-token-store.factories.js';
import { PROVIDER_FACTORIES } from './llm-provider.factories.js';
import { LLM_CALL_POLICY } from './llm.di-tokens.js';
import { LlmService } from './llm.service.js';
import type { LlmCallPolicy } from './llm.types.js';

@Global()
@Module({
  providers: [
    {
      provide: LLM_CALL_POLICY,
      inject: [ConfigService],
      useFactory: (config: AppConfig): LlmCallPolicy => ({
        connectTimeoutMs: config.get('LLM_CONNECT_TIMEOUT_MS', { infer: true }),
        firstTokenTimeoutMs: config.get('LLM_FIRST_TOKEN_TIMEOUT_MS', {
          infer: true,
        }),
        idleTimeoutMs: config.get('LLM_IDLE_TIMEOUT_MS', { infer: true }),
        totalTimeoutMs: config.get('LLM_TOTAL_TIMEOUT_MS', { infer: true }),
        maxRetries: config.get('LLM_MAX_RETRIES', { infer: true }),
        retryBaseMs: config.get('LLM_RETRY_BASE_MS', { infer: true }),
        retryMaxMs: config.get('LLM_RETRY_MAX_MS', { infer: true }),
      }),
    },
    {
      provide: LlmProvider,
      inject: [ConfigService, LLM_CALL_POLICY, AccessTokenStore],
      useFactory: (
        config: AppConfig,
        policy: LlmCallPolicy,
        tokenStore: AccessTokenStore,
      ): LlmProvider =>
        PROVIDER_FACTORIES[config.get('LLM_PROVIDER', { infer: true })]({
          config,
          policy,
          tokenStore,
        }),
    },
    {
      provide: AccessTokenStore,
      inject: [ConfigService, RedisConnector],
      useFactory: (
        config: AppConfig,
        redis: RedisConnector,
      ): AccessTokenStore | Promise<AccessTokenStore> =>
        ACCESS_TOKEN_STORE_FACTORIES[config.get('EVENT_BUS', { infer: true })]({
          redis,
        }),
    },
    LlmService,
  ],
  exports: [LlmService, LlmProvider, LLM_CALL_POLICY, AccessTokenStore],
})
export class LlmModule {}
