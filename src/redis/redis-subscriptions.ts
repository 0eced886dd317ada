import type { RedisConnections } from './redis-connections.js';

export type MessageHandler = (message: string) => void;

/** One handler's interest in a channel. */
export interface ChannelListener {
  /** Resolves once Redis confirmed the subscription: later messages will arrive. */
  readonly subscribed: Promise<void>;
  close(): void;
}

interface Channel {
  handlers: Set<MessageHandler>;
  subscribed: Promise<void>;
}

/**
 * Pub/sub channels shared by every part of the instance over one connection:
 * a channel is subscribed when its first handler arrives and unsubscribed
 * when its last one leaves, and each message is decoded once by whoever
 * listens. Commands go out in order on the one connection, so a quick
 * unsubscribe/subscribe of the same channel ends subscribed. In a cluster the
 * channels are sharded: each is subscribed on the master of its slot.
 */
export class RedisSubscriptions {
  private readonly channels = new Map<string, Channel>();

  private readonly connection: RedisConnections['subscriber'];
  private readonly sharded: boolean;

  constructor(redis: RedisConnections) {
    this.connection = redis.subscriber;
    this.sharded = redis.sharded;
    this.connection.on(
      this.sharded ? 'smessage' : 'message',
      (channel: string, message: string) => {
        const handlers = this.channels.get(channel)?.handlers;
        if (handlers) for (const handler of handlers) handler(message);
      },
    );
  }

  listen(name: string, handler: MessageHandler): ChannelListener {
    let channel = this.channels.get(name);
    if (!channel) {
      const subscribed = (
        this.sharded
          ? this.connection.ssubscribe(name)
          : this.connection.subscribe(name)
      ).then(() => undefined);
      // Whoever waits for it sees the failure; an unawaited one is harmless.
      subscribed.catch(() => undefined);
      channel = { handlers: new Set(), subscribed };
      this.channels.set(name, channel);
    }
    // A handler may be registered twice; each registration is its own entry.
    const entry: MessageHandler = (message) => handler(message);
    channel.handlers.add(entry);
    const current = channel;
    let closed = false;
    return {
      subscribed: current.subscribed,
      close: () => {
        if (closed) return;
        closed = true;
        current.handlers.delete(entry);
        if (current.handlers.size > 0 || this.channels.get(name) !== current)
          return;
        this.channels.delete(name);
        (this.sharded
          ? this.connection.sunsubscribe(name)
          : this.connection.unsubscribe(name)
        ).catch(() => undefined);
      },
    };
  }

  get size(): number {
    return this.channels.size;
  }
}
