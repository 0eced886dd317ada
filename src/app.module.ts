import {
  Module,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AccessModule } from './access/access.module.js';
import { ChatModule } from './chat/chat.module.js';
import { ClientModule } from './client/client.module.js';
import { RequireJsonMiddleware } from './common/http/require-json.middleware.js';
import { LoggingModule } from './common/logging/logging.module.js';
import { validateEnv } from './config/validate-env.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { ModelsModule } from './models/models.module.js';
import { OpenAiApiModule } from './openai-api/openai-api.module.js';
import { UsageApiModule } from './usage/usage-api.module.js';

@Module({
  imports: [
    // `.env` is loaded (and checked) by main.ts before this module loads.
    ConfigModule.forRoot({
      isGlobal: true,
      cache: true,
      ignoreEnvFile: true,
      validate: validateEnv,
    }),
    LoggingModule,
    MetricsModule,
    AccessModule,
    ChatModule,
    OpenAiApiModule,
    ModelsModule,
    UsageApiModule,
    HealthModule,
    ClientModule,
  ],
})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequireJsonMiddleware).forRoutes('*path');
  }
}
