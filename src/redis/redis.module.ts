import { Module } from '@nestjs/common';
import { RedisConnector } from './redis-connector.js';

@Module({
  providers: [RedisConnector],
  exports: [RedisConnector],
})
export class RedisModule {}
