import { Injectable, Inject, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Principal } from '../access/principal.js';
import { ChatEventBus } from '../bus/chat-event-bus.js';
import { HttpErrors } from '../common/errors/http-errors.js';
import { AppLifecycle } from '../common/lifecycle/app-lifecycle.service.js';
import { ConversationStore } from '../conversations/conversation-store.js';
import {
  DEFAULT_CONVERSATION_ID,
  type Conversation,
  type Turn,
} from '../conversations/conversation.js';
import { LlmCallGate } from '../llm/llm-call-gate.js';
import type { ChatMessage, ChatRole } from '../llm/llm.types.js';
import { ChatRequestPolicy } from '../request-policy/chat-request.policy.js';
import { CHAT_SETTINGS, type ChatSettings } from './chat.settings.js';
import type { SendAcceptedDto } from './dto/send-accepted.dto.js';
import type { SendMessageDto } from './dto/send-message.dto.js';
import { ConversationAccess, notFound } from './conversation-access.service.js';
import { GenerationRunner } from './generation-runner.service.js';

/**
 * The chat use cases behind the routes: accept a message and start its
 * reply, read, delete and stop conversations. Without a `conversationId` the
 * request is the original page's: it carries its own history, nothing is
 * stored and replies may run concurrently. With one, the server keeps the
 * history and runs one generation at a time. Every use case first asks
 * `ConversationAccess` whether the caller may touch the conversation.
 */
@Injectable()
export class ChatService {
  private readonly claimTtlMs: number;

  constructor(
    private readonly runner: GenerationRunner,
    private readonly store: ConversationStore,
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
    const request = this.policy.prepare(dto.messages, dto, {
      model: dto.model,
    });
    request.keyId = principal.keyId;
    // The key's model and budget are answered here, not as a stream error.
    await this.gate?.check(request, request.model!);
    await this.assertBusAvailable();
    const conversationId = dto.conversationId ?? DEFAULT_CONVERSATION_ID;
    const { channel } = await this.access.forWriting(conversationId, principal);
    const messageId = randomUUID();
    const isDefault = conversationId === DEFAULT_CONVERSATION_ID;
    if (!isDefault) {
      request.messages = await this.recordUserTurns(
        conversationId,
        messageId,
        dto.messages,
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
  ): Promise<Conversation & { activeMessageId?: string }> {
    await this.access.forReading(id, principal);
    const conversation = await this.store.get(id);
    if (!conversation) throw notFound(id);
    const activeMessageId = await this.store.activeGeneration(id);
    return activeMessageId
      ? { ...conversation, activeMessageId }
      : conversation;
  }

  async deleteConversation(id: string, principal: Principal): Promise<void> {
    const { channel } = await this.access.forDeleting(id, principal);
    await this.bus.requestCancel({ conversationId: channel });
    if (!(await this.store.delete(id))) throw notFound(id);
  }

  /** Asks whichever instance runs the reply to stop it; the stream then gets `done` (cancelled). */
  async cancel(
    conversationId: string,
    principal: Principal,
    messageId?: string,
  ): Promise<{ conversationId: string; messageId?: string }> {
    const { channel } = await this.access.forReading(conversationId, principal);
    if (conversationId !== DEFAULT_CONVERSATION_ID) {
      const active = await this.store.activeGeneration(conversationId);
      if (!active || (messageId && messageId !== active)) {
        throw HttpErrors.conflict(
          'no_active_generation',
          `No reply is being generated in conversation ${conversationId}${messageId ? ` with id ${messageId}` : ''}.`,
        );
      }
      messageId = active;
    }
    await this.bus.requestCancel({ conversationId: channel, messageId });
    return { conversationId, messageId };
  }

  /**
   * Stores the new user turns and returns the whole history for the model.
   * One message is a new turn; several are either the stored history plus new
   * turns (the tail is appended) or a client's own view of the conversation,
   * which then replaces the stored one.
   */
  private async recordUserTurns(
    conversationId: string,
    messageId: string,
    posted: TextTurn[],
  ): Promise<ChatMessage[]> {
    if (
      !(await this.store.claimGeneration(
        conversationId,
        messageId,
        this.claimTtlMs,
      ))
    ) {
      const active = await this.store.activeGeneration(conversationId);
      throw HttpErrors.conflict(
        'generation_in_progress',
        `A reply is already being generated in conversation ${conversationId}; wait for it or cancel it.`,
        { activeMessageId: active },
      );
    }
    try {
      const stored = (await this.store.get(conversationId))?.turns ?? [];
      const history = toChatMessages(
        stored.filter((turn) => turn.content.length > 0),
      );
      const now = new Date().toISOString();
      const asTurns = (messages: TextTurn[]): Turn[] =>
        messages.map((m) => ({
          role: m.role,
          content: m.content,
          createdAt: now,
        }));
      let conversation: Conversation;
      if (posted.length > 1 && !startsWith(posted, history)) {
        conversation = await this.store.replace(
          conversationId,
          asTurns(posted),
        );
      } else {
        const fresh = posted.length > 1 ? posted.slice(history.length) : posted;
        conversation = await this.store.append(conversationId, asTurns(fresh));
      }
      const messages = toChatMessages(
        conversation.turns.filter((turn) => turn.content.length > 0),
      );
      this.policy.checkCount(messages.length);
      return messages;
    } catch (error) {
      await this.store.releaseGeneration(conversationId, messageId);
      throw error;
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

/** A stored conversation holds text turns only. */
interface TextTurn {
  role: ChatRole;
  content: string;
}

function toChatMessages(turns: readonly TextTurn[]): TextTurn[] {
  return turns.map(({ role, content }) => ({ role, content }));
}

function startsWith(posted: TextTurn[], history: TextTurn[]): boolean {
  return (
    history.length < posted.length &&
    history.every(
      (m, i) => posted[i].role === m.role && posted[i].content === m.content,
    )
  );
}
