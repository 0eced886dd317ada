import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { RedisConnections } from './redis-connections.js';
import { parseRedisNodes, type RedisTopology } from './redis-topology.js';
import { REDIS_SETTINGS, type RedisSettings } from './redis.settings.js';

/**
 * Opens the instance's Redis connections on first use, once, for every part
 * that shares state through Redis (event bus, conversation store, token
 * store), and closes them at shutdown. With the in-memory default nothing
 * asks for them and no connection is ever made.
 */
@Injectable()
export class RedisConnector implements OnApplicationShutdown {
  private opening?: Promise<RedisConnections>;

  constructor(
    @Inject(REDIS_SETTINGS) private readonly settings: RedisSettings,
  ) {}

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
      keyPrefix: this.settings.keyPrefix,
      minReplicas: this.settings.minReplicas,
      replicaAckTimeoutMs: this.settings.replicaAckTimeoutMs,
    });
  }

  /** Validation requires one of the three whenever a Redis implementation is chosen. */
  private topology(): RedisTopology {
    const settings = this.settings;
    const credentials = {
      username: settings.username,
      password: settings.password,
    };
    const cluster = settings.clusterNodes;
    if (cluster) {
      return {
        kind: 'cluster',
        nodes: parseRedisNodes(cluster, 'REDIS_CLUSTER_NODES'),
        credentials,
      };
    }
    const sentinels = settings.sentinels;
    if (sentinels) {
      return {
        kind: 'sentinel',
        sentinels: parseRedisNodes(sentinels, 'REDIS_SENTINELS'),
        name: settings.sentinelName,
        sentinelPassword: settings.sentinelPassword,
        credentials,
      };
    }
    const url = settings.url;
    if (!url) throw new Error('REDIS_URL is not set');
    return { kind: 'server', url };
  }
}
