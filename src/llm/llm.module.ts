import { Module } from '@nestjs/common';
import { SecretRedactor } from '../common/logging/secret-redactor.js';
import { SecretsModule } from '../common/logging/secrets.module.js';
import { fromEnv, settingsProvider } from '../config/settings.js';
import { stateBackend } from '../config/state-backend.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { RedisConnector } from '../redis/redis-connector.js';
import { RedisModule } from '../redis/redis.module.js';
import { UsageModule } from '../usage/usage.module.js';
import { loadCatalogue } from './catalogue/catalogue-loader.js';
import { ModelCatalogue } from './catalogue/model-catalogue.js';
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
  imports: [RedisModule, MetricsModule, SecretsModule, UsageModule],
  providers: [
    settingsProvider(LLM_CALL_POLICY, (env): LlmCallPolicy => ({
      connectTimeoutMs: env.LLM_CONNECT_TIMEOUT_MS,
      firstTokenTimeoutMs: env.LLM_FIRST_TOKEN_TIMEOUT_MS,
      idleTimeoutMs: env.LLM_IDLE_TIMEOUT_MS,
      totalTimeoutMs: env.LLM_TOTAL_TIMEOUT_MS,
      maxRetries: env.LLM_MAX_RETRIES,
      retryBaseMs: env.LLM_RETRY_BASE_MS,
      retryMaxMs: env.LLM_RETRY_MAX_MS,
    })),
    settingsProvider(
      ModelCatalogue,
      (env): ModelCatalogue =>
        new ModelCatalogue(loadCatalogue(env, process.env)),
    ),
    fromEnv(
      DeploymentLimiter,
      [RedisConnector],
      (
        env,
        redis: RedisConnector,
      ): DeploymentLimiter | Promise<DeploymentLimiter> =>
        DEPLOYMENT_LIMITER_FACTORIES[stateBackend(env)](redis),
    ),
    fromEnv(
      ModelRouter,
      [
        ModelCatalogue,
        LLM_CALL_POLICY,
        AccessTokenStore,
        DeploymentLimiter,
        SecretRedactor,
        { token: MetricsService, optional: true },
      ],
      async (
        env,
        catalogue: ModelCatalogue,
        policy: LlmCallPolicy,
        tokenStore: AccessTokenStore,
        limiter: DeploymentLimiter,
        secrets: SecretRedactor,
        metrics?: MetricsService,
      ): Promise<ModelRouter> => {
        // A MODELS_FILE may name credential variables of its own.
        for (const { credentials } of catalogue.deployments) {
          secrets.add(credentials.apiKey);
          secrets.add(credentials.secretKey);
        }
        return new ModelRouter({
          catalogue,
          providers: new Map(
            await Promise.all(
              catalogue.deployments.map(
                async (deployment) =>
                  [
                    deployment.name,
                    await PROVIDER_FACTORIES[deployment.provider](deployment, {
                      policy,
                      tokenStore,
                      secrets,
                    }),
                  ] as const,
              ),
            ),
          ),
          balancer: new DeploymentBalancer(),
          breaker: new CircuitBreaker({
            failureThreshold: env.ROUTER_BREAKER_FAILURES,
            cooldownMs: env.ROUTER_BREAKER_COOLDOWN_MS,
          }),
          limiter,
          metrics: metrics
            ? new DeploymentMetrics(metrics.registry)
            : undefined,
          firstTokenTimeoutMs: env.ROUTER_FIRST_TOKEN_TIMEOUT_MS,
          secrets,
        });
      },
    ),
    // The router is the provider every caller gets: it chooses a deployment
    // and delegates to that deployment's own provider.
    { provide: LlmProvider, useExisting: ModelRouter },
    fromEnv(
      AccessTokenStore,
      [RedisConnector],
      (
        env,
        redis: RedisConnector,
      ): AccessTokenStore | Promise<AccessTokenStore> =>
        ACCESS_TOKEN_STORE_FACTORIES[stateBackend(env)]({ redis }),
    ),
    LlmService,
  ],
  exports: [LlmService, ModelRouter, ModelCatalogue, UsageModule],
})
export class LlmModule {}
