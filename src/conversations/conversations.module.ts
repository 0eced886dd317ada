import { Module } from '@nestjs/common';
import { fromEnv } from '../config/settings.js';
import { stateBackend } from '../config/state-backend.js';
import { ByteBudget } from '../common/memory/byte-budget.js';
import { MemoryBudgetModule } from '../common/memory/memory-budget.module.js';
import { RedisConnector } from '../redis/redis-connector.js';
import { RedisModule } from '../redis/redis.module.js';
import { ConversationStore } from './conversation-store.js';
import { CONVERSATION_STORE_FACTORIES } from './conversation-store.factories.js';
import { GenerationLock } from './generation-lock/generation-lock.js';
import { GENERATION_LOCK_FACTORIES } from './generation-lock/generation-lock.factories.js';

@Module({
  imports: [RedisModule, MemoryBudgetModule],
  providers: [
    fromEnv(
      ConversationStore,
      [RedisConnector, ByteBudget],
      (
        env,
        redis: RedisConnector,
        budget: ByteBudget,
      ): ConversationStore | Promise<ConversationStore> =>
        CONVERSATION_STORE_FACTORIES[stateBackend(env)]({ env, redis, budget }),
    ),
    fromEnv(
      GenerationLock,
      [RedisConnector, ByteBudget],
      (
        env,
        redis: RedisConnector,
        budget: ByteBudget,
      ): GenerationLock | Promise<GenerationLock> =>
        GENERATION_LOCK_FACTORIES[stateBackend(env)]({ redis, budget }),
    ),
  ],
  exports: [ConversationStore, GenerationLock],
})
export class ConversationsModule {}
