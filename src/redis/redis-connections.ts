import { Logger } from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';
import { AppError } from '../common/errors/app-error.js';
import { shardedSubscriberEvents } from '../seams/ioredis-cluster.seam.js';
import { conversationKey } from './redis-keys.js';
import {
  createRedisClients,
  reconnectDelayMs,
  type RedisClient,
} from './redis-clients.js';
import {
  describeTopology,
  topologySetting,
  type RedisTopology,
} from './redis-topology.js';

export type RedisConnectionOptions = {
  /** Put before every key and channel name, so that deployments can share a Redis. */
  keyPrefix: string;
  /** Longest wait for the first connection at start-up. */
  connectTimeoutMs?: number;
  /** Longest wait for the answer to one command once running. */
  commandTimeoutMs?: number;
  /**
   * How long `retrying()` sends again a command that failed without running:
   * long enough for a Sentinel or cluster failover to complete.
   */
  failoverRetryMs?: number;
  /**
   * Replicas that must hold a write before a client is told it is done
   * (`replicated()`), so that a failover cannot lose it; 0 does not wait.
   */
  minReplicas?: number;
  /** Longest wait for those replicas (ms). */
  replicaAckTimeoutMs?: number;
} & (
  | {
      /** `redis://[user:password@]host:port[/db]`; `rediss://` for TLS. */
      url: string;
    }
  | { topology: RedisTopology }
);

/**
 * Errors that prove a command never ran (no connection, a replica that
 * refuses writes, a cluster between owners of a slot), so that sending it
 * again cannot apply it twice: what a failover looks like to a client.
 */
const NOT_RUN =
  /^(READONLY|CLUSTERDOWN|TRYAGAIN|MASTERDOWN|LOADING)\b|enableOfflineQueue options is false|Failed to refresh slots cache|None of startup nodes is available|Too many Cluster redirections/;

/**
 * The two connections an instance keeps to Redis: `command` for ordinary
 * commands and `subscriber` for pub/sub, which Redis dedicates to it. Either
 * reaches one server (REDIS_URL), the master that Sentinel names
 * (REDIS_SENTINELS), or every master of a Redis Cluster
 * (REDIS_CLUSTER_NODES), where pub/sub is sharded (`SPUBLISH`/`SSUBSCRIBE`):
 * each message goes through the master that owns its conversation's slot.
 *
 * Start-up fails fast: `open()` rejects with a message naming REDIS_URL
 * (without credentials) when Redis cannot be reached, rather than retrying
 * for ever. Once connected, lost connections are re-established with
 * backoff; meanwhile commands fail at once instead of queueing, so that
 * callers can tell their clients, and `lost$` tells the subscribers of live
 * events that they missed some.
 */
export class RedisConnections {
  private readonly logger = new Logger('Redis');
  private readonly lost = new Subject<void>();
  private readonly restored = new Subject<void>();
  private closing = false;
  private established = false;

  readonly command: RedisClient;
  readonly subscriber: RedisClient;
  /** Where Redis is, without credentials: safe in logs and errors. */
  readonly where: string;
  /** The setting that says where Redis is, named in errors. */
  readonly setting: string;
  /** Pub/sub is sharded: `SPUBLISH`, `SSUBSCRIBE` and `smessage`. */
  readonly sharded: boolean;

  private constructor(private readonly options: RedisConnectionOptions) {
    const topology: RedisTopology =
      'url' in options
        ? { kind: 'server', url: options.url }
        : options.topology;
    this.setting = topologySetting(topology);
    this.where = describeTopology(topology);
    this.sharded = topology.kind === 'cluster';
    const clients = createRedisClients(topology, {
      connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
      commandTimeoutMs: options.commandTimeoutMs ?? 5_000,
      // Until the first connection succeeds, give up at once: start-up fails.
      retry: (attempt) =>
        this.established && !this.closing ? reconnectDelayMs(attempt) : null,
    });
    this.command = clients.command;
    this.subscriber = clients.subscriber;
  }

  /** Connects both connections, or rejects with an operator-readable reason. */
  static async open(
    options: RedisConnectionOptions,
  ): Promise<RedisConnections> {
    const connections = new RedisConnections(options);
    await connections.connect();
    return connections;
  }

  /** Both connections are up: events can be published and delivered. */
  get available(): boolean {
    return (
      this.command.status === 'ready' && this.subscriber.status === 'ready'
    );
  }

  /** Fires when the subscriber connection drops: live events may have been missed. */
  get lost$(): Observable<void> {
    return this.lost.asObservable();
  }

  /** Fires when the command connection is back after a loss. */
  get restored$(): Observable<void> {
    return this.restored.asObservable();
  }

  /** A key or channel name under this deployment's prefix, for state not tied to one conversation. */
  key(...parts: string[]): string {
    return this.options.keyPrefix + parts.join(':');
  }

  /** A key or channel of one conversation: they all share one cluster slot. */
  conversationKey(conversationId: string, kind: string): string {
    return conversationKey(this.options.keyPrefix, conversationId, kind);
  }

  /** Publishes on a channel, sharded in a cluster; resolves with the receivers' count. */
  publish(channel: string, message: string): Promise<number> {
    return (
      this.sharded
        ? this.command.spublish(channel, message)
        : this.command.publish(channel, message)
    ) as Promise<number>;
  }

  /** The publish command for Lua scripts: `redis.call(<this>, channel, message)`. */
  get publishCommand(): 'PUBLISH' | 'SPUBLISH' {
    return this.sharded ? 'SPUBLISH' : 'PUBLISH';
  }

  /**
   * Runs `operation` again while it fails without having run (see
   * NOT_RUN), for a few seconds: writes that must not be lost ride out a
   * failover instead of failing.
   */
  async retrying<T>(operation: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + (this.options.failoverRetryMs ?? 8_000);
    for (let attempt = 0; ; attempt++) {
      try {
        return await operation();
      } catch (error) {
        const delay = Math.min(50 * 2 ** attempt, 1_000);
        if (
          this.closing ||
          Date.now() + delay > deadline ||
          !(error instanceof Error) ||
          !NOT_RUN.test(error.message)
        )
          throw error;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /**
   * Resolves once `minReplicas` replicas hold every write made so far on the
   * command connection (`WAIT`), or rejects with a 503 `bus_unavailable`:
   * the write may not survive a failover, so it is not acknowledged.
   */
  async replicated(): Promise<void> {
    const wanted = this.options.minReplicas ?? 0;
    if (wanted === 0) return;
    const acknowledged = await this.command.wait(
      wanted,
      this.options.replicaAckTimeoutMs ?? 1_000,
    );
    if (acknowledged < wanted) {
      throw new AppError(
        'bus_unavailable',
        `Only ${acknowledged} of ${wanted} Redis replicas (REDIS_MIN_REPLICAS) confirmed the write; try again in a moment.`,
        503,
      );
    }
  }

  /** An error for callers that need Redis while it is unreachable. */
  unavailableError(): Error {
    return new Error(`Redis at ${this.where} (${this.setting}) is unreachable`);
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    // QUIT lets the replies already asked for arrive; a connection that is
    // down is simply dropped.
    const quit = async (connection: RedisClient) => {
      if (connection.status !== 'ready') return connection.disconnect();
      await connection.quit().catch(() => connection.disconnect());
    };
    await Promise.all([quit(this.command), quit(this.subscriber)]);
    this.lost.complete();
    this.restored.complete();
  }

  private async connect(): Promise<void> {
    const reasons: string[] = [];
    const firstErrors = (error: Error) => {
      if (!this.established) reasons.push(error.message);
    };
    for (const connection of [this.command, this.subscriber]) {
      connection.on('error', firstErrors);
    }
    try {
      await Promise.all([this.command.connect(), this.subscriber.connect()]);
    } catch (error) {
      this.closing = true;
      this.command.disconnect();
      this.subscriber.disconnect();
      const reason =
        reasons[0] ?? (error instanceof Error ? error.message : String(error));
      throw new Error(
        `Cannot reach Redis at ${this.where} (${this.setting}): ${reason}`,
      );
    }
    this.established = true;
    this.watch();
  }

  private watch(): void {
    let commandDown = false;
    let subscriberDown = false;
    // One warning per outage, not one per reconnection attempt.
    let warned = false;
    const reportError = (error: Error) => {
      if (this.closing || warned) return;
      warned = true;
      this.logger.warn(`${this.where}: ${error.message}`);
    };
    this.command.on('error', reportError);
    this.subscriber.on('error', reportError);
    const subscriberLost = () => {
      if (this.closing || subscriberDown) return;
      subscriberDown = true;
      this.logger.error(`Lost the connection to ${this.where}; reconnecting`);
      this.lost.next();
    };
    const subscriberBack = () => {
      if (subscriberDown) this.logger.log(`Reconnected to ${this.where}`);
      subscriberDown = false;
      warned = false;
    };
    this.subscriber.on('close', subscriberLost);
    this.subscriber.on('ready', subscriberBack);
    if (this.sharded) this.watchShards();
    this.command.on('close', () => {
      if (!this.closing) commandDown = true;
    });
    this.command.on('ready', () => {
      if (!commandDown) return;
      commandDown = false;
      this.restored.next();
    });
  }

  /**
   * In a cluster a master's subscriber connection can drop, or a failover
   * can move channels to another master (the old one unsubscribes them, and
   * ioredis subscribes them again there): messages may have been missed in
   * between, so live delivery restarts from the streams. Each event counts,
   * without waiting for a recovery that a move does not announce.
   */
  private watchShards(): void {
    const moved = () => {
      if (this.closing) return;
      this.logger.warn(
        `Cluster subscriptions at ${this.where} moved or dropped; live streams resume from Redis`,
      );
      this.lost.next();
    };
    this.subscriber.on('-subscriber', moved);
    this.subscriber.on('-node', moved);
    // ioredis 6 tells only the cluster's subscriber group, not the cluster,
    // that the server unsubscribed a moved shard channel.
    shardedSubscriberEvents(this.subscriber)?.on('moved', moved);
  }
}
