import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../../config/app-config.service.js';
import { ByteBudget } from './byte-budget.js';

/** One budget for the in-memory store and the in-memory bus's replay. */
@Module({
  providers: [
    {
      provide: ByteBudget,
      inject: [ConfigService],
      useFactory: (config: AppConfig) =>
        new ByteBudget(
          config.get('MEMORY_BUDGET_MB', { infer: true }) * 1024 * 1024,
        ),
    },
  ],
  exports: [ByteBudget],
})
export class MemoryBudgetModule {}
