import { Injectable, Inject, Logger, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Principal } from '../access/principal.js';
import { ChatEventBus } from '../bus/chat-event-bus.js';
import { AppError } from '../common/errors/app-error.js';
import { HttpErrors } from '../common/errors/http-errors.js';
import { AppLifecycle } from '../common/lifecycle/app-lifecycle.service.js';
import { ConversationStore } from '../conversations/conversation-store.js';
import { GenerationLock } from '../conversations/generation-lock/generation-lock.js';
import {
  DEFAULT_CONVERSATION_ID,
  type Conversation,
  type Turn,
} from '../conversations/conversation.js';
import { LlmCallGate } from '../llm/llm-call-gate.js';
import type { ChatMessage, MessageRole } from '../llm/llm.types.js';
import { ChatRequestPolicy } from '../request-policy/chat-request.policy.js';
import type { IncomingMessage } from '../request-policy/incoming-message.js';
import { invalidField } from '../request-policy/invalid-field.js';
import { CHAT_SETTINGS, type ChatSettings } from './chat.settings.js';
import type { SendAcceptedDto } from './dto/send-accepted.dto.js';
import type { SendMessageDto } from './dto/send-message.dto.js';
import { toIncomingMessages } from './dto/chat-message.dto.js';
import { replayHistory } from './conversation-history.js';
import { ConversationAccess, notFound } from './conversation-access.service.js';
import { GenerationRunner } from './generation-runner.service.js';

/**
 * The chat use cases behind the routes: accept a message and start its
 * reply, read, delete and stop conversations. Without a `conversationId` the
 * request is the original page's: it carries its own history, nothing is
 * stored and replies may run concurrently. With one, the server keeps the
 * history and runs one generation at a time. Every use case first asks
 * `ConversationAccess` which conversation key (`channel`) the caller's id
 * names; the store and the lock are used by that key only. A store or lock
 * that cannot answer (Redis down) is `503 state_unavailable`.
 */
@Injectable()
export class ChatService {
  private readonly logger = new Logger(ChatService.name);
  private readonly claimTtlMs: number;

  constructor(
    private readonly runner: GenerationRunner,
    private readonly store: ConversationStore,
    private readonly lock: GenerationLock,
    private readonly bus: ChatEventBus,
    private readonly lifecycle: AppLifecycle,
    private readonly policy: ChatRequestPolicy,
    private readonly access: ConversationAccess,
    @Inject(CHAT_SETTINGS) settings: ChatSettings,
    @Optional() private readonly gate?: LlmCallGate,
  ) {
    // The claim outlives the longest possible generation, so it only expires
    // by itself when the instance that held it died.
    this.claimTtlMs = settings.generationTimeoutMs + 60_000;
  }

  async send(
    dto: SendMessageDto,
    principal: Principal,
  ): Promise<SendAcceptedDto> {
    this.lifecycle.assertAccepting();
    const conversationId = dto.conversationId ?? DEFAULT_CONVERSATION_ID;
    const isDefault = conversationId === DEFAULT_CONVERSATION_ID;
    const posted = toIncomingMessages(dto.messages);
    const request = this.policy.prepare(posted, dto, {
      model: dto.model,
      continuesHistory: !isDefault,
    });
    request.keyId = principal.keyId;
    // The key's model and budget are answered here, not as a stream error.
    await this.gate?.check(request, request.model!);
    await this.assertBusAvailable();
    const { channel } = this.access.forWriting(conversationId, principal);
    const messageId = randomUUID();
    if (!isDefault) {
      request.messages = await this.state(() =>
        this.recordUserTurns(conversationId, channel, messageId, posted),
      );
    }
    this.runner.start({
      conversationId,
      channel,
      messageId,
      persist: !isDefault,
      request,
    });
    return { conversationId, messageId };
  }

  async getConversation(
    id: string,
    principal: Principal,
    owner?: string,
  ): Promise<Conversation & { activeMessageId?: string }> {
    const { channel } = this.access.forReading(id, principal, owner);
    const [conversation, activeMessageId] = await this.state(() =>
      Promise.all([this.store.get(channel), this.lock.holder(channel)]),
    );
    if (!conversation) throw notFound(id);
    return activeMessageId
      ? { ...conversation, activeMessageId }
      : conversation;
  }

  async deleteConversation(
    id: string,
    principal: Principal,
    owner?: string,
  ): Promise<void> {
    const { channel } = this.access.forDeleting(id, principal, owner);
    const deleted = await this.state(async () => {
      await this.bus.requestCancel({ conversationId: channel });
      return this.store.delete(channel);
    });
    if (!deleted) throw notFound(id);
  }

  /** Asks whichever instance runs the reply to stop it; the stream then gets `done` (cancelled). */
  async cancel(
    conversationId: string,
    principal: Principal,
    messageId?: string,
    owner?: string,
  ): Promise<{ conversationId: string; messageId?: string }> {
    const { channel } = this.access.forReading(
      conversationId,
      principal,
      owner,
    );
    if (conversationId !== DEFAULT_CONVERSATION_ID) {
      const active = await this.state(() => this.lock.holder(channel));
      if (!active || (messageId && messageId !== active)) {
        if (!(await this.state(() => this.store.get(channel)))) {
          throw notFound(conversationId);
        }
        throw HttpErrors.conflict(
          'no_active_generation',
          `No reply is being generated in conversation ${conversationId}${messageId ? ` with id ${messageId}` : ''}.`,
        );
      }
      messageId = active;
    }
    await this.state(() =>
      this.bus.requestCancel({ conversationId: channel, messageId }),
    );
    return { conversationId, messageId };
  }

  /**
   * Stores the new turns and returns the whole history for the model.
   * One message is a new turn; several are either the stored history plus new
   * turns (the tail is appended) or a client's own view of the conversation,
   * which then replaces the stored one. Posted tool results must answer the
   * calls of the assistant turn before them, stored or posted.
   */
  private async recordUserTurns(
    conversationId: string,
    key: string,
    messageId: string,
    posted: IncomingMessage[],
  ): Promise<ChatMessage[]> {
    if (!(await this.lock.acquire(key, messageId, this.claimTtlMs))) {
      const active = await this.lock.holder(key);
      throw HttpErrors.conflict(
        'generation_in_progress',
        `A reply is already being generated in conversation ${conversationId}; wait for it or cancel it.`,
        { activeMessageId: active },
      );
    }
    try {
      const stored = (await this.store.get(key))?.turns ?? [];
      const history = stored.filter(isVisible);
      const now = new Date().toISOString();
      const asTurns = (messages: IncomingMessage[]): Turn[] =>
        messages.map((m) => ({
          role: m.role as MessageRole,
          content: m.content,
          ...(m.toolCalls ? { toolCalls: m.toolCalls } : {}),
          ...(m.toolCallId ? { toolCallId: m.toolCallId } : {}),
          createdAt: now,
        }));
      const replace = posted.length > 1 && !startsWith(posted, history);
      const fresh = replace
        ? posted
        : posted.length > 1
          ? posted.slice(history.length)
          : posted;
      const kept = replace ? [] : stored;
      checkToolResults(
        [...kept, ...asTurns(fresh)],
        kept.length,
        posted.length - fresh.length,
      );
      const conversation: Conversation = replace
        ? await this.store.replace(key, asTurns(fresh))
        : await this.store.append(key, asTurns(fresh));
      const { messages } = replayHistory(conversation.turns);
      this.policy.checkCount(messages.length);
      return messages;
    } catch (error) {
      await this.lock.release(key, messageId);
      throw error;
    }
  }

  /**
   * Runs work on the shared state: a failure that is not one of our own
   * answers is the backend's (Redis unreachable, a failover that did not
   * end in time), told to the client as 503 with a stable code; the cause
   * stays in the log.
   */
  private async state<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof AppError) throw error;
      this.logger.warn(`State backend unavailable: ${String(error)}`);
      throw HttpErrors.unavailable(
        'state_unavailable',
        'Conversations cannot be reached right now (the state backend is unavailable); try again in a moment.',
      );
    }
  }

  /** A reply nobody could receive is refused (503) rather than accepted and lost. */
  private async assertBusAvailable(): Promise<void> {
    try {
      await this.bus.ping();
    } catch {
      throw HttpErrors.unavailable(
        'bus_unavailable',
        'Replies cannot be delivered right now (the event bus is unreachable); try again in a moment.',
      );
    }
  }
}

/** What a client shows of a stored turn: it has text, calls tools, or is a tool's result. */
function isVisible(turn: Turn): boolean {
  return (
    turn.content.length > 0 ||
    turn.role === 'tool' ||
    (turn.toolCalls?.length ?? 0) > 0
  );
}

function startsWith(posted: IncomingMessage[], history: Turn[]): boolean {
  return (
    history.length < posted.length &&
    history.every(
      (turn, i) =>
        posted[i].role === turn.role &&
        posted[i].content === turn.content &&
        posted[i].toolCallId === turn.toolCallId &&
        callIds(posted[i]) === callIds(turn),
    )
  );
}

function callIds(turn: Pick<Turn, 'toolCalls'>): string {
  return (turn.toolCalls ?? []).map((call) => call.id).join(' ');
}

/**
 * Refuses a posted tool result (from `first` on; `offset`: the first's index
 * among the posted messages) that answers no call of the assistant turn
 * before it: the history would replay without it.
 */
function checkToolResults(turns: Turn[], first: number, offset: number): void {
  const { dropped } = replayHistory(turns);
  for (let index = first; index < turns.length; index++) {
    if (turns[index].role === 'tool' && dropped.has(index)) {
      const field = `messages.${offset + index - first}.tool_call_id`;
      invalidField(
        field,
        'isToolResult',
        `${field} must answer a tool call of the assistant message before it`,
      );
    }
  }
}
