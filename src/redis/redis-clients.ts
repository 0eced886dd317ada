import {
  Cluster,
  Redis,
  type ClusterOptions,
  type RedisOptions,
} from 'ioredis';
import type { RedisTopology } from './redis-topology.js';

/** One server or master (`Redis`) or a whole cluster (`Cluster`): the same commands. */
export type RedisClient = Redis | Cluster;

export interface RedisClientOptions {
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  /** Delay before reconnection attempt `n`, or null to give up. */
  retry: (attempt: number) => number | null;
}

/** Delay before reconnection attempt `n`: exponential, capped, with jitter. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(50 * 2 ** attempt, 2_000) + Math.floor(Math.random() * 100);
}

/**
 * The instance's two clients for a topology: `command` for ordinary
 * commands, which fail at once rather than queue while disconnected, and
 * `subscriber` for pub/sub (sharded in a cluster).
 */
export function createRedisClients(
  topology: RedisTopology,
  options: RedisClientOptions,
): { command: RedisClient; subscriber: RedisClient } {
  const common: RedisOptions = {
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs,
    retryStrategy: options.retry,
  };
  const command: RedisOptions = {
    ...common,
    connectionName: 'chat-gateway',
    commandTimeout: options.commandTimeoutMs,
    enableOfflineQueue: false,
    // A command whose answer was lost may have run: sending it again could
    // publish an event twice. Its caller gets the error instead.
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
  };
  // Subscriptions made while disconnected wait for the connection, and
  // every channel is subscribed again after a reconnection.
  const subscriber: RedisOptions = {
    ...common,
    connectionName: 'chat-gateway-subscriber',
    maxRetriesPerRequest: null,
  };
  switch (topology.kind) {
    case 'server':
      return {
        command: new Redis(topology.url, command),
        subscriber: new Redis(topology.url, subscriber),
      };
    case 'sentinel': {
      const sentinel: RedisOptions = {
        sentinels: topology.sentinels,
        name: topology.name,
        role: 'master',
        sentinelPassword: topology.sentinelPassword,
        ...topology.credentials,
        sentinelRetryStrategy: options.retry,
        // Told by the sentinels when they switch masters, rather than
        // finding out from a failed command.
        failoverDetector: true,
        // A demoted master refuses writes: reconnecting asks the sentinels
        // for the new one.
        reconnectOnError: (error) => error.message.startsWith('READONLY'),
      };
      return {
        command: new Redis({ ...command, ...sentinel }),
        subscriber: new Redis({ ...subscriber, ...sentinel }),
      };
    }
    case 'cluster': {
      // The cluster connects and reconnects its nodes itself: the per-node
      // options keep neither their own lazy start nor their own retries.
      const cluster = ({
        lazyConnect: _lazy,
        retryStrategy: _retry,
        ...node
      }: RedisOptions): ClusterOptions => ({
        lazyConnect: true,
        scaleReads: 'master',
        enableOfflineQueue: node.enableOfflineQueue ?? true,
        clusterRetryStrategy: options.retry,
        // A node that restarts without a change of slots is reconnected.
        clusterNodeRetryStrategy: (attempt) => reconnectDelayMs(attempt),
        retryDelayOnFailover: 200,
        retryDelayOnClusterDown: 200,
        redisOptions: { ...node, ...topology.credentials },
      });
      return {
        command: new Cluster(topology.nodes, cluster(command)),
        subscriber: new Cluster(topology.nodes, {
          ...cluster(subscriber),
          shardedSubscribers: true,
        }),
      };
    }
  }
}
