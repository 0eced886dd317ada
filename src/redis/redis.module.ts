import { Global, Module } from '@nestjs/common';
import { RedisConnector } from './redis-connector.js';

@Global()
@Module({
  providers: [RedisConnector],
  exports: [RedisConnector],
})
export class RedisModule {}
