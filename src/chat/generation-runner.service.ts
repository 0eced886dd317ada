import { Injectable, Logger, Inject, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
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
import type { AppConfig } from '../config/app-config.service.js';
import { ConversationStore } from '../conversations/conversation-store.js';
import type { TurnStatus } from '../conversations/conversation.js';
import { LlmError } from '../llm/llm-error.js';
import { LlmService } from '../llm/llm.service.js';
import { ToolCallAccumulator } from '../llm/tool-call-accumulator.js';
import type { LlmRequest, LlmUsage } from '../llm/llm.types.js';
import { MetricsService } from '../metrics/metrics.service.js';

export interface GenerationJob {
  conversationId: string;
  messageId: string;
  request: LlmRequest;
  /** Store the reply as an assistant turn and release the conversation's claim. */
  persist: boolean;
}

export type CancelReason = 'requested' | 'no_listeners' | 'shutdown';

/** How a reply ended: its stored status and the events that tell subscribers. */
interface Ending {
  status: TurnStatus;
  events: ChatEventInput[];
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
 */
@Injectable()
export class GenerationRunner {
  private readonly logger = new Logger(GenerationRunner.name);
  private readonly running = new Map<string, Running>();
  private readonly cancelGraceMs: number;

  constructor(
    private readonly llm: LlmService,
    private readonly bus: ChatEventBus,
    private readonly store: ConversationStore,
    @Inject(ConfigService) config: AppConfig,
    @Optional() private readonly metrics?: MetricsService,
  ) {
    this.cancelGraceMs = config.get('CANCEL_GRACE_MS', { infer: true });
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
    const { conversationId, messageId } = job;
    const watchers = this.watch(job, running);
    const publish = (event: ChatEventInput) => {
      this.metrics?.eventPublished(event.type);
      return this.bus.publish(conversationId, event);
    };
    const reply = { text: '' };
    let ending: Ending;
    try {
      ending = await this.streamReply(job, signal, reply, publish);
    } catch (raw) {
      ending = this.failedEnding(raw, cancelReason(), messageId, reply.text);
    } finally {
      watchers.unsubscribe();
    }
    // Stored (and the conversation released) before the final events go
    // out: a client that sees `done` finds the reply in the history and may
    // post its next message at once, without a 409.
    if (job.persist) await this.persist(job, reply.text, ending.status);
    try {
      for (const event of ending.events) await publish(event);
    } catch (publishError) {
      this.logger.error(
        `Could not publish the end of reply ${messageId}: ${String(publishError)}`,
      );
    }
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
    return {
      status: 'error',
      events: [
        {
          type: 'error',
          data: {
            messageId,
            code: failure.code,
            message: failure.message,
            text,
            ...(failure.details ? { details: failure.details } : {}),
          },
        },
        {
          type: 'message',
          data: text
            ? `${text}\n\n[error] ${failure.message}`
            : `[error] ${failure.message}`,
        },
      ],
    };
  }

  /** Cancellation from any instance, and from the last listener leaving. */
  private watch(job: GenerationJob, running: Running): Subscription {
    const { conversationId, messageId } = job;
    const watchers = new Subscription();
    watchers.add(
      this.bus
        .cancelRequests(conversationId)
        .pipe(
          filter(
            (request) => !request.messageId || request.messageId === messageId,
          ),
        )
        .subscribe(() => running.cancel('requested')),
    );
    watchers.add(
      this.bus
        .listenerCount(conversationId)
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
    job: GenerationJob,
    text: string,
    status: TurnStatus,
  ): Promise<void> {
    try {
      // A conversation deleted while its reply ran stays deleted.
      const exists = (await this.store.get(job.conversationId)) !== undefined;
      if (exists && (text.length > 0 || status === 'complete')) {
        await this.store.append(job.conversationId, [
          {
            role: 'assistant',
            content: text,
            messageId: job.messageId,
            status,
            createdAt: new Date().toISOString(),
          },
        ]);
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
   * Frees the conversation for its next reply. If the store is unreachable
   * (Redis down) the claim would otherwise block the conversation until it
   * expires, so the release is retried in the background for a while.
   */
  private async release(job: GenerationJob, attempt = 0): Promise<void> {
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

/** Pauses between attempts to release a claim while the store is unreachable. */
const RELEASE_RETRY_DELAYS_MS = [500, 2_000, 5_000, 10_000, 20_000, 30_000];
