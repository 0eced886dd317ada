import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config/app-config.service.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { RedisConnector } from '../redis/redis-connector.js';
import { RedisModule } from '../redis/redis.module.js';
import { loadCatalogue } from './catalogue/catalogue-loader.js';
import { ModelCatalogue } from './catalogue/model-catalogue.js';
import {
  CATALOGUE_ENV_KEYS,
  type CatalogueEnv,
} from './catalogue/provider-defaults.js';
import { LlmProvider } from './llm-provider.js';
import { AccessTokenStore } from './token-store/access-token-store.js';
import { ACCESS_TOKEN_STORE_FACTORIES } from './token-store/access-token-store.factories.js';
import { PROVIDER_FACTORIES } from './llm-provider.factories.js';
import { LLM_CALL_POLICY } from './llm.di-tokens.js';
import { LlmService } from './llm.service.js';
import type { LlmCallPolicy } from './llm.types.js';
import { CircuitBreaker } from './routing/circuit-breaker.js';
import { DeploymentBalancer } from './routing/deployment-balancer.js';
import { DeploymentLimiter } from './routing/deployment-limiter.js';
import { DEPLOYMENT_LIMITER_FACTORIES } from './routing/deployment-limiter.factories.js';
import { DeploymentMetrics } from './routing/deployment-metrics.js';
import { ModelRouter } from './routing/model-router.js';

@Module({
  imports: [RedisModule, MetricsModule],
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
      provide: ModelCatalogue,
      inject: [ConfigService],
      useFactory: (config: AppConfig): ModelCatalogue => {
        const env = Object.fromEntries(
          CATALOGUE_ENV_KEYS.map((key) => [
            key,
            config.get(key, { infer: true }),
          ]),
        ) as CatalogueEnv;
        return new ModelCatalogue(loadCatalogue(env, process.env));
      },
    },
    {
      provide: DeploymentLimiter,
      inject: [ConfigService, RedisConnector],
      useFactory: (
        config: AppConfig,
        redis: RedisConnector,
      ): DeploymentLimiter | Promise<DeploymentLimiter> =>
        DEPLOYMENT_LIMITER_FACTORIES[config.get('EVENT_BUS', { infer: true })](
          redis,
        ),
    },
    {
      provide: ModelRouter,
      inject: [
        ConfigService,
        ModelCatalogue,
        LLM_CALL_POLICY,
        AccessTokenStore,
        DeploymentLimiter,
        { token: MetricsService, optional: true },
      ],
      useFactory: (
        config: AppConfig,
        catalogue: ModelCatalogue,
        policy: LlmCallPolicy,
        tokenStore: AccessTokenStore,
        limiter: DeploymentLimiter,
        metrics?: MetricsService,
      ): ModelRouter =>
        new ModelRouter({
          catalogue,
          providers: new Map(
            catalogue.deployments.map((deployment) => [
              deployment.name,
              PROVIDER_FACTORIES[deployment.provider](deployment, {
                policy,
                tokenStore,
              }),
            ]),
          ),
          balancer: new DeploymentBalancer(),
          breaker: new CircuitBreaker({
            failureThreshold: config.get('ROUTER_BREAKER_FAILURES', {
              infer: true,
            }),
            cooldownMs: config.get('ROUTER_BREAKER_COOLDOWN_MS', {
              infer: true,
            }),
          }),
          limiter,
          metrics: metrics
            ? new DeploymentMetrics(metrics.registry)
            : undefined,
          firstTokenTimeoutMs: config.get('ROUTER_FIRST_TOKEN_TIMEOUT_MS', {
            infer: true,
          }),
        }),
    },
    // The router is the provider every caller gets: it chooses a deployment
    // and delegates to that deployment's own provider.
    { provide: LlmProvider, useExisting: ModelRouter },
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
  exports: [LlmService, ModelRouter, ModelCatalogue],
})
export class LlmModule {}
