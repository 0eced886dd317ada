import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config/app-config.service.js';
import type { EnvironmentVariables } from '../config/env.schema.js';
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
    return RedisConnections.open({
      topology: this.topology(),
      keyPrefix: this.config.get('REDIS_KEY_PREFIX', { infer: true }),
      minReplicas: this.config.get('REDIS_MIN_REPLICAS', { infer: true }),
      replicaAckTimeoutMs: this.config.get('REDIS_REPLICA_ACK_TIMEOUT_MS', {
        infer: true,
      }),
    });
  }

  /** Validation requires one of the three whenever a Redis implementation is chosen. */
  private topology(): RedisTopology {
    const get = <K extends keyof EnvironmentVariables>(name: K) =>
      this.config.get(name, { infer: true });
    const credentials = {
      username: get('REDIS_USERNAME'),
      password: get('REDIS_PASSWORD'),
    };
    const cluster = get('REDIS_CLUSTER_NODES');
    if (cluster) {
      return {
        kind: 'cluster',
        nodes: parseRedisNodes(cluster, 'REDIS_CLUSTER_NODES'),
        credentials,
      };
    }
    const sentinels = get('REDIS_SENTINELS');
    if (sentinels) {
      return {
        kind: 'sentinel',
        sentinels: parseRedisNodes(sentinels, 'REDIS_SENTINELS'),
        name: get('REDIS_SENTINEL_NAME'),
        sentinelPassword: get('REDIS_SENTINEL_PASSWORD'),
        credentials,
      };
    }
    const url = get('REDIS_URL');
    if (!url) throw new Error('REDIS_URL is not set');
    return { kind: 'server', url };
  }
}
