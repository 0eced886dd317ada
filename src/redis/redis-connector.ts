import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config/app-config.service.js';
import { envOf, type Env } from '../config/settings.js';
import { RedisConnections } from './redis-connections.js';
import { parseRedisNodes, type RedisTopology } from './redis-topology.js';

/**
 * Opens the instance's Redis connections on first use, once, for every part
 * that shares state through Redis (event bus, conversation store, token
 * store), and closes them at shutdown. With the in-memory default nothing
 * asks for them and no connection is ever made.
 */
@Injectable()
export class RedisConnector implements OnApplicationShutdown {
  private opening?: Promise<RedisConnections>;

  private readonly env: Env;

  constructor(@Inject(ConfigService) config: AppConfig) {
    this.env = envOf(config);
  }

  connections(): Promise<RedisConnections> {
    this.opening ??= this.open();
    return this.opening;
  }

  async onApplicationShutdown(): Promise<void> {
    const connections = await this.opening?.catch(() => undefined);
    await connections?.close();
  }

  private open(): Promise<RedisConnections> {
    return RedisConnections.open({
      topology: this.topology(),
      keyPrefix: this.env.REDIS_KEY_PREFIX,
      minReplicas: this.env.REDIS_MIN_REPLICAS,
      replicaAckTimeoutMs: this.env.REDIS_REPLICA_ACK_TIMEOUT_MS,
    });
  }

  /** Validation requires one of the three whenever a Redis implementation is chosen. */
  private topology(): RedisTopology {
    const env = this.env;
    const credentials = {
      username: env.REDIS_USERNAME,
      password: env.REDIS_PASSWORD,
    };
    const cluster = env.REDIS_CLUSTER_NODES;
    if (cluster) {
      return {
        kind: 'cluster',
        nodes: parseRedisNodes(cluster, 'REDIS_CLUSTER_NODES'),
        credentials,
      };
    }
    const sentinels = env.REDIS_SENTINELS;
    if (sentinels) {
      return {
        kind: 'sentinel',
        sentinels: parseRedisNodes(sentinels, 'REDIS_SENTINELS'),
        name: env.REDIS_SENTINEL_NAME,
        sentinelPassword: env.REDIS_SENTINEL_PASSWORD,
        credentials,
      };
    }
    const url = env.REDIS_URL;
    if (!url) throw new Error('REDIS_URL is not set');
    return { kind: 'server', url };
  }
}
