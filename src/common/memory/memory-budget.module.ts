import { Module } from '@nestjs/common';
import { settingsProvider } from '../../config/settings.js';
import { channelParts } from '../../conversations/conversation.js';
import { ByteBudget } from './byte-budget.js';

/** One budget for the in-memory store and the in-memory bus's replay, shared fairly between API keys. */
@Module({
  providers: [
    settingsProvider(
      ByteBudget,
      (env) =>
        new ByteBudget(env.MEMORY_BUDGET_MB * 1024 * 1024, {
          // Both holders count per conversation key: the API key is its owner.
          groupOf: (key) => channelParts(key).owner,
        }),
    ),
  ],
  exports: [ByteBudget],
})
export class MemoryBudgetModule {}
