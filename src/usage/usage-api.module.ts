import { Module } from '@nestjs/common';
import { UsageController } from './usage.controller.js';
import { UsageModule } from './usage.module.js';

/** `GET /v1/usage`. */
@Module({
  imports: [UsageModule],
  controllers: [UsageController],
})
export class UsageApiModule {}
