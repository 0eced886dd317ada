import {
  Module,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { BusModule } from './bus/bus.module.js';
import { ChatModule } from './chat/chat.module.js';
import { ClientModule } from './client/client.module.js';
import { RequireJsonMiddleware } from './common/http/require-json.middleware.js';
import { LifecycleModule } from './common/lifecycle/lifecycle.module.js';
import { LoggingModule } from './common/logging/logging.module.js';
import { validateEnv } from './config/validate-env.js';
import { ConversationsModule } from './conversations/conversations.module.js';
import { LlmModule } from './llm/llm.module.js';
import { RedisModule } from './redis/redis.module.js';

@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      cache: true,
      validate: validateEnv,
    }),
    LoggingModule,
    LifecycleModule,
    RedisModule,
    LlmModule,
    BusModule,
    ConversationsModule,
    ChatModule,
    ClientModule,
  ],
})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequireJsonMiddleware).forRoutes('*path');
  }
}
