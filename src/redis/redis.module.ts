import { Module } from '@nestjs/common';
import { settingsProvider } from '../config/settings.js';
import { RedisConnector } from './redis-connector.js';
import { REDIS_SETTINGS, redisSettings } from './redis.settings.js';

@Module({
  providers: [settingsProvider(REDIS_SETTINGS, redisSettings), RedisConnector],
  exports: [RedisConnector],
})
export class RedisModule {}
