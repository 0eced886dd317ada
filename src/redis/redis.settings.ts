import type { Env } from '../config/settings.js';

/**
 * Where Redis is and how to use it. Validation requires one of `url`,
 * `clusterNodes` and `sentinels` whenever a Redis implementation is chosen.
 */
export interface RedisSettings {
  url?: string;
  clusterNodes?: string;
  sentinels?: string;
  sentinelName: string;
  sentinelPassword?: string;
  username?: string;
  password?: string;
  keyPrefix: string;
  minReplicas: number;
  replicaAckTimeoutMs: number;
}

export const REDIS_SETTINGS = Symbol('REDIS_SETTINGS');

export const redisSettings = (env: Env): RedisSettings => ({
  url: env.REDIS_URL,
  clusterNodes: env.REDIS_CLUSTER_NODES,
  sentinels: env.REDIS_SENTINELS,
  sentinelName: env.REDIS_SENTINEL_NAME,
  sentinelPassword: env.REDIS_SENTINEL_PASSWORD,
  username: env.REDIS_USERNAME,
  password: env.REDIS_PASSWORD,
  keyPrefix: env.REDIS_KEY_PREFIX,
  minReplicas: env.REDIS_MIN_REPLICAS,
  replicaAckTimeoutMs: env.REDIS_REPLICA_ACK_TIMEOUT_MS,
});
