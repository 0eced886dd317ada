import { Module } from '@nestjs/common';
import { fromEnv, settingsProvider } from '../config/settings.js';
import { stateBackend } from '../config/state-backend.js';
import { KeysModule } from '../keys/keys.module.js';
import { LlmCallGate } from '../llm/llm-call-gate.js';
import { DEPLOYMENT_LIMITER_FACTORIES } from '../llm/routing/deployment-limiter.factories.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { RedisConnector } from '../redis/redis-connector.js';
import { RedisModule } from '../redis/redis.module.js';
import { KeyCallGate } from './key-call-gate.js';
import { UsageLedger } from './usage-ledger.js';
import { USAGE_LEDGER_FACTORIES } from './usage-ledger.factories.js';
import { UsageReportService } from './usage-report.service.js';
import { KEY_LIMITER, USAGE_CLOCK } from './usage.di-tokens.js';

/**
 * Per-key enforcement and accounting of model calls (`LlmCallGate`, which
 * `LlmService` consults), the usage ledger in the state backend, and the
 * usage report. `GET /v1/usage` is served by `UsageApiModule`.
 */
@Module({
  imports: [KeysModule, RedisModule, MetricsModule],
  providers: [
    settingsProvider(USAGE_CLOCK, () => () => new Date()),
    fromEnv(UsageLedger, [RedisConnector], (env, redis: RedisConnector) =>
      USAGE_LEDGER_FACTORIES[stateBackend(env)](redis),
    ),
    // The same counters as deployment quotas, under `key:<name>`.
    fromEnv(KEY_LIMITER, [RedisConnector], (env, redis: RedisConnector) =>
      DEPLOYMENT_LIMITER_FACTORIES[stateBackend(env)](redis),
    ),
    KeyCallGate,
    { provide: LlmCallGate, useExisting: KeyCallGate },
    UsageReportService,
  ],
  exports: [LlmCallGate, UsageReportService],
})
export class UsageModule {}
