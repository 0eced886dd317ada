import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { BusModule } from '../bus/bus.module.js';
import { LifecycleModule } from '../common/lifecycle/lifecycle.module.js';
import { LlmModule } from '../llm/llm.module.js';
import { HealthController } from './health.controller.js';

/** `GET /health/live` and `GET /health/ready` (Terminus). */
@Module({
  imports: [
    TerminusModule.forRoot({ errorLogStyle: 'json' }),
    BusModule,
    LlmModule,
    LifecycleModule,
  ],
  controllers: [HealthController],
})
export class HealthModule {}
