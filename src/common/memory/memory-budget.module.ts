import { Module } from '@nestjs/common';
import { settingsProvider } from '../../config/settings.js';
import { ByteBudget } from './byte-budget.js';

/** One budget for the in-memory store and the in-memory bus's replay. */
@Module({
  providers: [
    settingsProvider(
      ByteBudget,
      (env) => new ByteBudget(env.MEMORY_BUDGET_MB * 1024 * 1024),
    ),
  ],
  exports: [ByteBudget],
})
export class MemoryBudgetModule {}
