import type { RedisConnections } from '../../redis/redis-connections.js';
import {
  chatEvent,
  serialiseData,
  type ChatEvent,
  type ChatEventInput,
  type ChatEventType,
} from '../chat-event.js';
import { APPEND_EVENT, READ_REPLAY } from './event-log.scripts.js';

export interface EventLogOptions {
  /** Events kept per conversation for replay. */
  replaySize: number;
  /** Age after which an event is no longer kept (ms). */
  replayTtlMs: number;
}

/** A subscriber's starting point, as `READ_REPLAY` found it. */
export interface Replay {
  /** The id of its `ready` event. */
  position: string;
  /** Its last id cannot be resumed exactly: it gets `reset`. */
  reset: boolean;
  /** The events after `position`, in order. */
  events: ChatEvent[];
}

type StreamEntry = [id: string, fields: string[]];

/**
 * The conversations' events in Redis: one stream per conversation is the
 * replay buffer (its entry ids are the SSE event ids), and one pub/sub
 * channel per conversation carries each new event to the instances whose
 * clients are listening. Data is stored already serialised, so that an
 * event is turned into an SSE frame once per instance.
 */
export class RedisEventLog {
  constructor(
    private readonly redis: RedisConnections,
    private readonly options: EventLogOptions,
  ) {}

  /** The pub/sub channel of a conversation's live events. */
  channel(conversationId: string): string {
    return this.redis.conversationKey(conversationId, 'live');
  }

  async append(
    conversationId: string,
    input: ChatEventInput,
  ): Promise<ChatEvent> {
    const data = serialiseData(input);
    // Retried through a failover: an event that never ran cannot be doubled.
    const id = (await this.redis.retrying(() =>
      APPEND_EVENT.run(this.redis.command, this.keys(conversationId), [
        input.type,
        data,
        this.options.replaySize,
        this.channel(conversationId),
        this.redis.publishCommand,
        this.options.replayTtlMs,
      ]),
    )) as string;
    return chatEvent(conversationId, id, input.type, data);
  }

  async replay(conversationId: string, lastEventId?: string): Promise<Replay> {
    const [position, reset, entries] = (await READ_REPLAY.run(
      this.redis.command,
      this.keys(conversationId),
      [lastEventId ?? '', this.options.replayTtlMs],
    )) as [string, number, StreamEntry[]];
    return {
      position,
      reset: reset === 1,
      events: entries.map(([id, fields]) =>
        chatEvent(
          conversationId,
          id,
          field(fields, 't') as ChatEventType,
          field(fields, 'd'),
        ),
      ),
    };
  }

  /** Decodes a live message (`id \n type \n data`); undefined when malformed. */
  decode(conversationId: string, message: string): ChatEvent | undefined {
    const afterId = message.indexOf('\n');
    const afterType = message.indexOf('\n', afterId + 1);
    if (afterId < 0 || afterType < 0) return undefined;
    return chatEvent(
      conversationId,
      message.slice(0, afterId),
      message.slice(afterId + 1, afterType) as ChatEventType,
      message.slice(afterType + 1),
    );
  }

  private keys(conversationId: string): string[] {
    return [
      this.redis.conversationKey(conversationId, 'events'),
      this.redis.conversationKey(conversationId, 'events-floor'),
      this.redis.conversationKey(conversationId, 'epoch'),
    ];
  }
}

/**
 * The text of one reply as its subscribers received it, and whether its end
 * (`done` or `error`) went out, read back from the conversation's replay
 * buffer (as far as it reaches: REPLAY_BUFFER_SIZE).
 */
export async function replyProgress(
  redis: RedisConnections,
  conversationId: string,
  messageId: string,
): Promise<{ text: string; ended: boolean }> {
  const entries = (await redis.command.xrange(
    redis.conversationKey(conversationId, 'events'),
    '-',
    '+',
  )) as StreamEntry[];
  let text = '';
  let ended = false;
  for (const [, fields] of entries) {
    const type = field(fields, 't');
    if (type !== 'delta' && type !== 'done' && type !== 'error') continue;
    const data = JSON.parse(field(fields, 'd')) as {
      messageId?: string;
      text?: string;
    };
    if (data.messageId !== messageId) continue;
    if (type === 'delta') text += data.text ?? '';
    else ended = true;
  }
  return { text, ended };
}

function field(fields: string[], name: string): string {
  for (let i = 0; i < fields.length; i += 2) {
    if (fields[i] === name) return fields[i + 1];
  }
  return '';
}
