import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config/app-config.service.js';
import { RedisConnections } from './redis-connections.js';

/**
 * Opens the instance's Redis connections on first use, once, for every part
 * that shares state through Redis (event bus, conversation store, token
 * store), and closes them at shutdown. With the in-memory default nothing
 * asks for them and no connection is ever made.
 */
@Injectable()
export class RedisConnector implements OnApplicationShutdown {
  private opening?: Promise<RedisConnections>;

  constructor(@Inject(ConfigService) private readonly config: AppConfig) {}

  connections(): Promise<RedisConnections> {
    this.opening ??= this.open();
    return this.opening;
  }

  async onApplicationShutdown(): Promise<void> {
    const connections = await this.opening?.catch(() => undefined);
    await connections?.close();
  }

  private open(): Promise<RedisConnections> {
    const url = this.config.get('REDIS_URL', { infer: true });
    // Validation requires REDIS_URL whenever a Redis implementation is chosen.
    if (!url) throw new Error('REDIS_URL is not set');
    return RedisConnections.open({
      url,
      keyPrefix: this.config.get('REDIS_KEY_PREFIX', { infer: true }),
    });
  }
}
