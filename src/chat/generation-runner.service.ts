import {
  Injectable,
  Logger,
  Inject,
  Optional,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { ChatEventBus } from '../bus/chat-event-bus.js';
import type { ChatEventInput } from '../bus/chat-event.js';
import { CHAT_SETTINGS, type ChatSettings } from './chat.settings.js';
import { ConversationStore } from '../conversations/conversation-store.js';
import { GenerationLock } from '../conversations/generation-lock/generation-lock.js';
import type { TurnStatus } from '../conversations/conversation.js';
import { LlmError } from '../llm/llm-error.js';
import type { LlmRequest, LlmToolCall } from '../llm/llm.types.js';
import { MetricsService } from '../metrics/metrics.service.js';
import {
  ReplyFailure,
  type ReplyResult,
  type ReplySink,
} from '../streaming/reply.js';
import { ReplyRunner } from '../streaming/reply-runner.js';
import {
  GenerationLeases,
  ProcessGenerationLeases,
  type LostGeneration,
} from './generation-leases/generation-leases.js';
import { ReplyLeaseKeeper } from './reply-lease-keeper.js';
import { ReplyRecorder } from './reply-recorder.js';
import { ReplyWatchers } from './reply-watchers.js';

export interface GenerationJob {
  conversationId: string;
  /** The bus channel of its events, when not the conversation id (a key's own channel). */
  channel?: string;
  messageId: string;
  request: LlmRequest;
  /** Store the reply as an assistant turn and release the conversation's claim. */
  persist: boolean;
}

export type CancelReason =
  | 'requested'
  | 'no_listeners'
  | 'shutdown'
  /** Another instance ended the reply: this one presumed dead (see GenerationLeases). */
  | 'lease_lost';

/** How a reply ended: its stored status and the events that tell subscribers. */
interface Ending {
  status: TurnStatus;
  events: ChatEventInput[];
  /** The tools a complete reply called: stored with it. */
  toolCalls?: LlmToolCall[];
}

/**
 * Runs generations in the background, one per accepted POST: runs each
 * reply through `ReplyRunner` and publishes its deltas on the bus, then
 * one terminal event (`done` or `error`) and the unnamed `message` event with
 * the whole reply for the original page. Stops a generation when asked to
 * (from any instance), when nobody has listened for the grace period (both
 * watched by `ReplyWatchers`), or at shutdown; a stopped reply ends with
 * `done` and `finishReason: "cancelled"`. The reply is stored by
 * `ReplyRecorder` before its end is published.
 *
 * Each reply is leased while it runs (`ReplyLeaseKeeper`); the replies of an
 * instance that died are ended by one surviving instance with an `error`
 * event (`generation_lost`) that keeps the text sent, stored in the history.
 */
@Injectable()
export class GenerationRunner implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(GenerationRunner.name);
  private readonly recorder: ReplyRecorder;
  private readonly watchers: ReplyWatchers;
  private readonly leaseKeeper: ReplyLeaseKeeper;

  constructor(
    private readonly replies: ReplyRunner,
    private readonly bus: ChatEventBus,
    store: ConversationStore,
    lock: GenerationLock,
    @Inject(CHAT_SETTINGS) settings: ChatSettings,
    @Optional() private readonly metrics?: MetricsService,
    @Optional() leases?: GenerationLeases,
  ) {
    this.recorder = new ReplyRecorder(store, lock);
    this.watchers = new ReplyWatchers(bus, settings.cancelGraceMs);
    this.leaseKeeper = new ReplyLeaseKeeper(
      leases ?? new ProcessGenerationLeases(),
      lock,
      (lost) => this.finishLost(lost),
    );
  }

  onModuleInit(): void {
    this.leaseKeeper.start();
  }

  onModuleDestroy(): void {
    this.leaseKeeper.stop();
  }

  start(job: GenerationJob): void {
    const stop = new AbortController();
    let reason: CancelReason | undefined;
    const cancel = (why: CancelReason) => {
      reason ??= why;
      stop.abort(why);
    };
    void this.run(job, stop.signal, cancel, () => reason);
  }

  /**
   * One reply run, its deltas published on the bus; its end (stored, then
   * published) is part of the run, so the shutdown drain waits for it.
   */
  private async run(
    job: GenerationJob,
    signal: AbortSignal,
    cancel: (reason: CancelReason) => void,
    cancelReason: () => CancelReason | undefined,
  ): Promise<void> {
    const { messageId } = job;
    const watching = this.watchers.watch(job, cancel);
    const lease = this.leaseKeeper.hold(job, () => cancel('lease_lost'));
    const end = async (text: string, ending: Ending) => {
      watching.unsubscribe();
      // Another instance has ended it for everyone, stored it and released it.
      if (cancelReason() === 'lease_lost') return;
      await this.finish(job, text, ending);
      await lease.release();
    };
    const sink: ReplySink = {
      text: (text) =>
        text.length === 0
          ? undefined
          : this.publish(job, { type: 'delta', data: { messageId, text } }),
      toolCall: ({ type: _type, ...fragment }) =>
        this.publish(job, {
          type: 'tool_call',
          data: { messageId, ...fragment },
        }),
      end: (reply) => end(reply.text, completeEnding(messageId, reply)),
      fail: (failure) =>
        end(
          failure.partial.text,
          this.failedEnding(
            failure.error,
            cancelReason() ??
              (failure.stopped
                ? (failure.stopReason as CancelReason)
                : undefined),
            messageId,
            failure.partial.text,
          ),
        ),
    };
    try {
      await this.replies.start(job.request, sink, { signal });
    } catch (error) {
      if (!(error instanceof ReplyFailure)) this.logger.error(error);
    }
  }

  /** Ends a reply whose instance died, as that instance would have on an error. */
  private finishLost(lost: LostGeneration): Promise<void> {
    return this.finish(
      lost,
      lost.text,
      errorEnding(
        lost.messageId,
        lost.text,
        'generation_lost',
        'The server generating this reply stopped before finishing it. Send the message again.',
      ),
    );
  }

  /**
   * Stores the reply (and releases the conversation) before the final events
   * go out: a client that sees `done` finds the reply in the history and may
   * post its next message at once, without a 409.
   */
  private async finish(
    job: Pick<
      GenerationJob,
      'conversationId' | 'channel' | 'messageId' | 'persist'
    >,
    text: string,
    ending: Ending,
  ): Promise<void> {
    if (job.persist) {
      await this.recorder.record(job, text, ending.status, ending.toolCalls);
    }
    try {
      for (const event of ending.events) await this.publish(job, event);
    } catch (publishError) {
      this.logger.error(
        `Could not publish the end of reply ${job.messageId}: ${String(publishError)}`,
      );
    }
  }

  private publish(
    job: Pick<GenerationJob, 'conversationId' | 'channel'>,
    event: ChatEventInput,
  ): Promise<unknown> | undefined {
    this.metrics?.eventPublished(event.type);
    const published = this.bus.publish(
      job.channel ?? job.conversationId,
      event,
    );
    // A promise only when the bus has yet to append it (see `ChatEventBus`).
    return published instanceof Promise ? published : undefined;
  }

  /** The end of a reply that was stopped or failed, keeping the text already sent. */
  private failedEnding(
    raw: unknown,
    reason: CancelReason | undefined,
    messageId: string,
    text: string,
  ): Ending {
    const error = raw instanceof LlmError ? raw : undefined;
    if (reason || error?.code === 'cancelled') {
      return {
        status: 'cancelled',
        events: [
          {
            type: 'done',
            data: {
              messageId,
              text,
              finishReason: 'cancelled',
              cancelReason: reason ?? 'requested',
            },
          },
          {
            type: 'message',
            data: text ? `${text}\n\n[stopped]` : '[stopped]',
          },
        ],
      };
    }
    if (!error) this.logger.error(raw);
    const failure =
      error ?? new LlmError('internal_error', 'The reply failed unexpectedly.');
    return errorEnding(
      messageId,
      text,
      failure.code,
      failure.message,
      failure.details,
    );
  }
}

/** The end of a complete reply: `done` with the whole reply, then its text for the original page. */
function completeEnding(messageId: string, reply: ReplyResult): Ending {
  const { text, finishReason, usage, model, toolCalls } = reply;
  const done = { messageId, text, finishReason, usage, model };
  return {
    status: 'complete',
    ...(toolCalls.length > 0 ? { toolCalls } : {}),
    events: [
      {
        type: 'done',
        data: toolCalls.length > 0 ? { ...done, toolCalls } : done,
      },
      { type: 'message', data: text },
    ],
  };
}

/** The end of a failed reply: an `error` event keeping the text sent, then the whole reply for the original page. */
function errorEnding(
  messageId: string,
  text: string,
  code: string,
  message: string,
  details?: unknown,
): Ending {
  return {
    status: 'error',
    events: [
      {
        type: 'error',
        data: {
          messageId,
          code,
          message,
          text,
          ...(details ? { details } : {}),
        },
      },
      {
        type: 'message',
        data: text ? `${text}\n\n[error] ${message}` : `[error] ${message}`,
      },
    ],
  };
}
