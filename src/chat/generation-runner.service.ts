import {
  Injectable,
  Logger,
  Inject,
  Optional,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import {
  distinctUntilChanged,
  EMPTY,
  filter,
  map,
  skipWhile,
  Subscription,
  switchMap,
  timer,
} from 'rxjs';
import { ChatEventBus } from '../bus/chat-event-bus.js';
import type { ChatEventInput } from '../bus/chat-event.js';
import { CHAT_SETTINGS, type ChatSettings } from './chat.settings.js';
import { ConversationStore } from '../conversations/conversation-store.js';
import type { Turn, TurnStatus } from '../conversations/conversation.js';
import { LlmError } from '../llm/llm-error.js';
import { LlmService } from '../llm/llm.service.js';
import { ToolCallAccumulator } from '../llm/tool-call-accumulator.js';
import type { LlmRequest, LlmToolCall, LlmUsage } from '../llm/llm.types.js';
import { MetricsService } from '../metrics/metrics.service.js';
import {
  GenerationLeases,
  ProcessGenerationLeases,
  type LostGeneration,
} from './generation-leases/generation-leases.js';

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

interface Running {
  job: GenerationJob;
  cancel(reason: CancelReason): void;
  finished: Promise<void>;
}

/**
 * Runs generations in the background, one per accepted POST: reads the
 * provider's deltas through `LlmService` and publishes them on the bus, then
 * one terminal event (`done` or `error`) and the unnamed `message` event with
 * the whole reply for the original page. Stops a generation when asked to
 * (from any instance), when nobody has listened for the grace period, or at
 * shutdown; a stopped reply ends with `done` and `finishReason: "cancelled"`.
 *
 * Each reply is leased while it runs; the replies of an instance that died
 * are ended by one surviving instance with an `error` event
 * (`generation_lost`) that keeps the text sent, stored in the history.
 */
@Injectable()
export class GenerationRunner implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(GenerationRunner.name);
  private readonly running = new Map<string, Running>();
  private readonly cancelGraceMs: number;
  private readonly leases: GenerationLeases;
  private reaping?: Subscription;

  constructor(
    private readonly llm: LlmService,
    private readonly bus: ChatEventBus,
    private readonly store: ConversationStore,
    @Inject(CHAT_SETTINGS) settings: ChatSettings,
    @Optional() private readonly metrics?: MetricsService,
    @Optional() leases?: GenerationLeases,
  ) {
    this.cancelGraceMs = settings.cancelGraceMs;
    this.leases = leases ?? new ProcessGenerationLeases();
  }

  onModuleInit(): void {
    this.reaping = this.leases
      .lapsed()
      .subscribe((lost) => void this.endLost(lost));
  }

  onModuleDestroy(): void {
    this.reaping?.unsubscribe();
  }

  get activeCount(): number {
    return this.running.size;
  }

  start(job: GenerationJob): void {
    const controller = new AbortController();
    let reason: CancelReason | undefined;
    const running: Running = {
      job,
      cancel: (why) => {
        reason ??= why;
        controller.abort();
      },
      finished: Promise.resolve(),
    };
    this.running.set(job.messageId, running);
    running.finished = this.run(
      job,
      controller.signal,
      running,
      () => reason,
    ).finally(() => this.running.delete(job.messageId));
  }

  /**
   * Lets running generations finish until the deadline, then stops the rest.
   * Resolves once every generation has published its final event.
   */
  async drain(deadlineMs: number): Promise<void> {
    const all = () =>
      Promise.all([...this.running.values()].map((r) => r.finished));
    const waited = await Promise.race([
      all().then(() => true),
      new Promise<boolean>((resolve) =>
        setTimeout(() => resolve(false), deadlineMs).unref(),
      ),
    ]);
    if (waited) return;
    for (const running of this.running.values()) running.cancel('shutdown');
    await all();
  }

  private async run(
    job: GenerationJob,
    signal: AbortSignal,
    running: Running,
    cancelReason: () => CancelReason | undefined,
  ): Promise<void> {
    const { messageId } = job;
    const watchers = this.watch(job, running);
    const lease = this.leases.hold(job, () => running.cancel('lease_lost'));
    const publish = (event: ChatEventInput) => this.publish(job, event);
    const reply = { text: '' };
    let ending: Ending;
    try {
      ending = await this.streamReply(job, signal, reply, publish);
    } catch (raw) {
      ending = this.failedEnding(raw, cancelReason(), messageId, reply.text);
    } finally {
      watchers.unsubscribe();
    }
    // Another instance has ended it for everyone, stored it and released it.
    if (cancelReason() === 'lease_lost') return;
    await this.finish(job, reply.text, ending);
    await lease.release();
  }

  /** Ends a reply whose instance died, as that instance would have on an error. */
  private async endLost(lost: LostGeneration): Promise<void> {
    // A stored reply holds its conversation until it has ended: a claim
    // that is gone or another's means the instance died after finishing.
    if (
      lost.persist &&
      (await this.store
        .activeGeneration(lost.conversationId)
        .catch(() => undefined)) !== lost.messageId
    )
      return;
    this.logger.warn(
      `Reply ${lost.messageId} in conversation ${lost.conversationId} lost its instance; ending it`,
    );
    await this.finish(
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
      await this.persist(job, text, ending.status, ending.toolCalls);
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
  ): Promise<unknown> {
    this.metrics?.eventPublished(event.type);
    return this.bus.publish(job.channel ?? job.conversationId, event);
  }

  /** Publishes the deltas; returns the events that end a complete reply. */
  private async streamReply(
    job: GenerationJob,
    signal: AbortSignal,
    reply: { text: string },
    publish: (event: ChatEventInput) => Promise<unknown>,
  ): Promise<Ending> {
    const { messageId } = job;
    let finishReason = 'stop';
    let usage: LlmUsage | undefined;
    const toolCalls = new ToolCallAccumulator();
    let model: string | undefined;
    for await (const chunk of this.llm.stream(job.request, signal)) {
      if (chunk.type === 'route') {
        model = chunk.model;
      } else if (chunk.type === 'delta') {
        if (chunk.text.length === 0) continue;
        reply.text += chunk.text;
        await publish({ type: 'delta', data: { messageId, text: chunk.text } });
      } else if (chunk.type === 'tool_call') {
        toolCalls.add(chunk);
        const { type: _type, ...fragment } = chunk;
        await publish({ type: 'tool_call', data: { messageId, ...fragment } });
      } else {
        finishReason = chunk.finishReason;
        usage = chunk.usage;
      }
    }
    const text = reply.text;
    const calls = toolCalls.calls;
    const done = { messageId, text, finishReason, usage, model };
    return {
      status: 'complete',
      ...(calls.length > 0 ? { toolCalls: calls } : {}),
      events: [
        {
          type: 'done',
          data: calls.length > 0 ? { ...done, toolCalls: calls } : done,
        },
        { type: 'message', data: text },
      ],
    };
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

  /** Cancellation from any instance, and from the last listener leaving. */
  private watch(job: GenerationJob, running: Running): Subscription {
    const { messageId } = job;
    const channel = job.channel ?? job.conversationId;
    const watchers = new Subscription();
    watchers.add(
      this.bus
        .cancelRequests(channel)
        .pipe(
          filter(
            (request) => !request.messageId || request.messageId === messageId,
          ),
        )
        .subscribe(() => running.cancel('requested')),
    );
    watchers.add(
      this.bus
        .listenerCount(channel)
        .pipe(
          map((count) => count > 0),
          distinctUntilChanged(),
          // A reply posted before anyone subscribed still runs: it is kept in the
          // replay buffer and the history. Only a transition to nobody counts.
          skipWhile((listening) => !listening),
          switchMap((listening) =>
            listening ? EMPTY : timer(this.cancelGraceMs),
          ),
        )
        .subscribe(() => running.cancel('no_listeners')),
    );
    return watchers;
  }

  private async persist(
    job: Pick<GenerationJob, 'conversationId' | 'messageId'>,
    text: string,
    status: TurnStatus,
    toolCalls?: LlmToolCall[],
  ): Promise<void> {
    try {
      // A conversation deleted while its reply ran stays deleted.
      const exists = (await this.store.get(job.conversationId)) !== undefined;
      if (exists && (text.length > 0 || status === 'complete')) {
        await this.appendOnce(job, {
          role: 'assistant',
          content: text,
          ...(toolCalls ? { toolCalls } : {}),
          messageId: job.messageId,
          status,
          createdAt: new Date().toISOString(),
        });
      }
    } catch (error) {
      this.logger.error(
        `Could not store reply ${job.messageId}: ${String(error)}`,
      );
    } finally {
      await this.release(job);
    }
  }

  /**
   * Stores the reply, trying again for a while if the store failed (a
   * failover): a write that failed may still have landed, so the history is
   * read first and the reply is never stored twice.
   */
  private async appendOnce(
    job: Pick<GenerationJob, 'conversationId' | 'messageId'>,
    turn: Turn,
  ): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.store.append(job.conversationId, [turn]);
        return;
      } catch (error) {
        const delay = RELEASE_RETRY_DELAYS_MS[attempt];
        if (attempt >= STORE_ATTEMPTS - 1 || delay === undefined) throw error;
        await new Promise((resolve) => setTimeout(resolve, delay));
        const stored = await this.store
          .get(job.conversationId)
          .catch(() => undefined);
        if (stored?.turns.some((t) => t.messageId === job.messageId)) return;
      }
    }
  }

  /**
   * Frees the conversation for its next reply. If the store is unreachable
   * (Redis down) the claim would otherwise block the conversation until it
   * expires, so the release is retried in the background for a while.
   */
  private async release(
    job: Pick<GenerationJob, 'conversationId' | 'messageId'>,
    attempt = 0,
  ): Promise<void> {
    try {
      await this.store.releaseGeneration(job.conversationId, job.messageId);
    } catch (error) {
      if (attempt >= RELEASE_RETRY_DELAYS_MS.length) {
        this.logger.error(
          `Could not release conversation ${job.conversationId}: ${String(error)}; it frees itself when the claim expires`,
        );
        return;
      }
      setTimeout(
        () => void this.release(job, attempt + 1),
        RELEASE_RETRY_DELAYS_MS[attempt],
      ).unref();
    }
  }
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

/** Attempts to store a reply: the first three pauses below, 7.5 s in all. */
const STORE_ATTEMPTS = 4;

/** Pauses between attempts to release a claim while the store is unreachable. */
const RELEASE_RETRY_DELAYS_MS = [500, 2_000, 5_000, 10_000, 20_000, 30_000];
