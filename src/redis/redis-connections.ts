import { Logger } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';
import { Subject, type Observable } from 'rxjs';

export interface RedisConnectionOptions {
  /** `redis://[user:password@]host:port[/db]`; `rediss://` for TLS. */
  url: string;
  /** Put before every key and channel name, so that deployments can share a Redis. */
  keyPrefix: string;
  /** Longest wait for the first connection at start-up. */
  connectTimeoutMs?: number;
  /** Longest wait for the answer to one command once running. */
  commandTimeoutMs?: number;
}

/** Delay before reconnection attempt `n`: exponential, capped, with jitter. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(50 * 2 ** attempt, 2_000) + Math.floor(Math.random() * 100);
}

/** The URL without its user name and password: safe in logs and errors. */
export function redactRedisUrl(raw: string): string {
  try {
    const url = new URL(raw);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return '(an invalid URL)';
  }
}

/**
 * The two connections an instance keeps to Redis: `command` for ordinary
 * commands and `subscriber` for pub/sub, which Redis dedicates to it.
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

  readonly command: Redis;
  readonly subscriber: Redis;
  readonly where: string;

  private constructor(private readonly options: RedisConnectionOptions) {
    this.where = redactRedisUrl(options.url);
    const common: RedisOptions = {
      lazyConnect: true,
      connectTimeout: options.connectTimeoutMs ?? 5_000,
      // Until the first connection succeeds, give up at once: start-up fails.
      retryStrategy: (attempt) =>
        this.established && !this.closing ? reconnectDelayMs(attempt) : null,
    };
    this.command = new Redis(options.url, {
      ...common,
      connectionName: 'chat-gateway',
      commandTimeout: options.commandTimeoutMs ?? 5_000,
      enableOfflineQueue: false,
      // A command whose answer was lost may have run: sending it again could
      // publish an event twice. Its caller gets the error instead.
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
    });
    // Subscriptions made while disconnected wait for the connection, and
    // every channel is subscribed again after a reconnection.
    this.subscriber = new Redis(options.url, {
      ...common,
      connectionName: 'chat-gateway-subscriber',
      maxRetriesPerRequest: null,
    });
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

  /** A key or channel name under this deployment's prefix. */
  key(...parts: string[]): string {
    return this.options.keyPrefix + parts.join(':');
  }

  /** An error for callers that need Redis while it is unreachable. */
  unavailableError(): Error {
    return new Error(`Redis at ${this.where} (REDIS_URL) is unreachable`);
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    // QUIT lets the replies already asked for arrive; a connection that is
    // down is simply dropped.
    const quit = async (connection: Redis) => {
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
        `Cannot reach Redis at ${this.where} (REDIS_URL): ${reason}`,
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
    this.subscriber.on('close', () => {
      if (this.closing || subscriberDown) return;
      subscriberDown = true;
      this.logger.error(`Lost the connection to ${this.where}; reconnecting`);
      this.lost.next();
    });
    this.subscriber.on('ready', () => {
      if (subscriberDown) this.logger.log(`Reconnected to ${this.where}`);
      subscriberDown = false;
      warned = false;
    });
    this.command.on('close', () => {
      if (!this.closing) commandDown = true;
    });
    this.command.on('ready', () => {
      if (!commandDown) return;
      commandDown = false;
      this.restored.next();
    });
  }
}
