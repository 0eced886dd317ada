import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Response } from 'express';
import type { ClientIdentity, Principal } from '../../access/principal.js';
import { frameSse } from '../../streaming/sse-framing.js';
import { StreamRegistry } from '../../streaming/slots/stream-registry.js';
import { AppError } from '../../common/errors/app-error.js';
import { HttpErrors } from '../../common/errors/http-errors.js';
import { AppLifecycle } from '../../common/lifecycle/app-lifecycle.service.js';
import type { LlmRequest } from '../../llm/llm.types.js';
import { ChatRequestPolicy } from '../../request-policy/chat-request.policy.js';
import type { IncomingMessage } from '../../request-policy/incoming-message.js';
import {
  invalidField,
  withFieldNames,
} from '../../request-policy/invalid-field.js';
import {
  ReplyFailure,
  ReplyRunner,
  SHUTDOWN_REASON,
  type ReplyResult,
  type ReplySink,
} from '../../streaming/index.js';
import { CompletionStream } from '../completion-stream.js';
import { completionError } from '../openai-errors.js';
import type { CreateResponseDto } from './dto/create-response.dto.js';
import { TextInputDto, type InputItemDto } from './dto/input-item.dto.js';
import type { ResponseObjectDto } from './dto/response-object.dto.js';
import { ResponseEventFormat, type ResponseEvent } from './response-events.js';
import {
  itemAddress,
  ResponseFormat,
  type ReplyOutcome,
  type ResponseEcho,
} from './response-format.js';
import {
  inputFieldName,
  recentTurns,
  replyTurn,
  toResponseConversation,
  type ConversationItem,
  type PlacedItem,
} from './response-input.js';
import {
  echoOf,
  generationOptionsOf,
  refuseUnsupported,
  responseFieldName,
} from './response-request.js';
import {
  RESPONSES_SETTINGS,
  type ResponsesSettings,
} from './responses.settings.js';
import { StoredResponses, type StoredResponse } from './stored-responses.js';

/** A validated response request, ready for the model. */
export interface PreparedResponse {
  request: LlmRequest;
  echo: ResponseEcho;
  store: boolean;
  /** The conversation before the reply (stored with it), without `instructions`. */
  conversation: IncomingMessage[];
}

/**
 * OpenAI's Responses API over the streaming core: each response is one
 * reply run (`ReplyRunner`, which folds the model's chunks and is drained at
 * shutdown); this service only prepares the request, formats the folded
 * reply as a response or as the typed event stream, and keeps it when
 * `store` asks. The run is stopped when the client leaves.
 */
@Injectable()
export class ResponsesService {
  private readonly logger = new Logger(ResponsesService.name);

  constructor(
    private readonly runner: ReplyRunner,
    private readonly policy: ChatRequestPolicy,
    private readonly stored: StoredResponses,
    private readonly lifecycle: AppLifecycle,
    private readonly streams: StreamRegistry,
    @Inject(RESPONSES_SETTINGS) private readonly settings: ResponsesSettings,
  ) {}

  /**
   * Checks what the DTO cannot express, loads the conversation it
   * continues and the items it refers to, and builds the model request
   * through the request policy of chat completions; throws 400s (404 for
   * an unknown model or previous response).
   */
  async prepare(
    dto: CreateResponseDto,
    principal: Principal,
  ): Promise<PreparedResponse> {
    refuseUnsupported(dto);
    const store = dto.store ?? true;
    const previous = dto.previous_response_id
      ? await this.stored.read(dto.previous_response_id, principal)
      : undefined;
    const input = await this.placed(dto.input, principal);
    const room =
      this.settings.maxHistoryMessages -
      input.length -
      (dto.instructions ? 1 : 0);
    const conversation = toResponseConversation(
      dto.instructions,
      recentTurns(previous?.conversation ?? [], room),
      input,
    );
    const request = withFieldNames(
      () =>
        this.policy.prepare(conversation.messages, generationOptionsOf(dto), {
          model: dto.model,
          anyNameMeansDefault: true,
        }),
      (field) =>
        responseFieldName(field) ?? inputFieldName(conversation, field),
    );
    // The key's models, budgets and limits apply (KEYS_FILE), as on every route.
    request.keyId = principal.keyId;
    return {
      request,
      echo: echoOf(dto, store),
      store,
      conversation: conversation.messages.slice(dto.instructions ? 1 : 0),
    };
  }

  /** The whole response (`stream: false`); errors are thrown with their `/v1` status. */
  async create(
    prepared: PreparedResponse,
    principal: Principal,
    clientGone: AbortSignal,
  ): Promise<ResponseObjectDto> {
    this.lifecycle.assertAccepting();
    const format = this.formatFor(prepared);
    let reply: ReplyResult;
    try {
      reply = await this.runner.start(
        prepared.request,
        { route: (model) => (format.model = model) },
        { signal: clientGone },
      );
    } catch (error) {
      throw this.failure(error);
    }
    const outcome = this.outcomeOf(reply, format);
    const response = format.finished(outcome, format.outputOf(outcome));
    await this.keep(prepared, principal, response, outcome);
    return response;
  }

  /**
   * Streams the response to `response` as OpenAI's typed events. Counts as
   * one open stream of the client (MAX_STREAMS_PER_KEY). Nothing is written
   * before the model's first output, so that a call failing before it gets
   * a real HTTP error status; a later failure is an `error` event, then
   * `response.failed`.
   */
  async stream(
    prepared: PreparedResponse,
    principal: Principal,
    client: ClientIdentity,
    response: Response,
    clientGone: AbortSignal,
  ): Promise<void> {
    this.lifecycle.assertAccepting();
    await this.streams.claimShared(client, response);
    const lease = this.streams.acquire(client);
    const format = this.formatFor(prepared);
    const events = new ResponseEventFormat(format);
    const out = new CompletionStream(response);
    const send = (list: ResponseEvent[]) => {
      let behind: Promise<void> | undefined;
      for (const event of list) {
        behind =
          out.sendFrame(
            frameSse({ event: event.type, data: JSON.stringify(event) }),
          ) ?? behind;
      }
      return behind;
    };
    const sink: ReplySink = {
      route: (model) => (format.model = model),
      text: (delta) => (delta === '' ? undefined : send(events.text(delta))),
      toolCall: (delta) => send(events.toolCall(delta)),
      end: async (reply) => {
        const outcome = this.outcomeOf(reply, format);
        const finished = events.finish(outcome);
        // Kept before the client hears of it: its next request may continue it at once.
        await this.keep(prepared, principal, finished.response, outcome);
        await send(finished.events);
        out.end();
      },
    };
    try {
      await this.runner.start(prepared.request, sink, { signal: clientGone });
    } catch (raw) {
      const error = this.failure(raw);
      if (!out.started) throw error;
      if (clientGone.aborted) {
        this.logger.log(
          'The client closed a streamed response; the model call was cancelled.',
        );
        return;
      }
      await send(events.fail({ code: error.code, message: error.message }));
      out.end();
    } finally {
      lease.release();
    }
  }

  read(id: string, principal: Principal): Promise<ResponseObjectDto> {
    return this.stored.read(id, principal).then((stored) => stored.response);
  }

  delete(id: string, principal: Principal): Promise<void> {
    return this.stored.delete(id, principal);
  }

  private formatFor(prepared: PreparedResponse): ResponseFormat {
    return new ResponseFormat(
      prepared.request.model ?? this.runner.defaultModel,
      prepared.echo,
    );
  }

  private outcomeOf(reply: ReplyResult, format: ResponseFormat): ReplyOutcome {
    return { ...reply, model: reply.model ?? format.model };
  }

  private async keep(
    prepared: PreparedResponse,
    principal: Principal,
    response: ResponseObjectDto,
    outcome: ReplyOutcome,
  ): Promise<void> {
    if (!prepared.store) return;
    const stored: StoredResponse = {
      response,
      conversation: [...prepared.conversation, replyTurn(outcome)],
    };
    await this.stored.save(principal, stored);
  }

  /**
   * The input as items with their paths, each `item_reference` replaced by
   * the item it names: an output item of a response this key stored.
   */
  private async placed(
    input: InputItemDto[],
    principal: Principal,
  ): Promise<PlacedItem[]> {
    const responses = new Map<string, Promise<StoredResponse | undefined>>();
    return Promise.all(
      input.map(async (item, index): Promise<PlacedItem> => {
        const path = item instanceof TextInputDto ? 'input' : `input.${index}`;
        if (item.type !== 'item_reference') return { item, path };
        const address = itemAddress(item.id);
        let stored: Promise<StoredResponse | undefined> | undefined;
        if (address) {
          stored = responses.get(address.responseId);
          if (!stored) {
            stored = this.stored
              .read(address.responseId, principal)
              .catch(() => undefined);
            responses.set(address.responseId, stored);
          }
        }
        const output = address
          ? (await stored)?.response.output[address.outputIndex]
          : undefined;
        if (!output) {
          invalidField(
            `${path}.id`,
            'isStoredItem',
            `${path}.id must name an output item of a response stored for this API key`,
          );
        }
        const resolved: ConversationItem =
          output.type === 'message'
            ? {
                type: 'message',
                role: 'assistant',
                content: output.content.map((part) => part.text).join(''),
              }
            : {
                type: 'function_call',
                call_id: output.call_id,
                name: output.name,
                arguments: output.arguments,
              };
        return { item: resolved, path };
      }),
    );
  }

  private failure(raw: unknown): AppError {
    const failure = raw instanceof ReplyFailure ? raw : undefined;
    if (failure?.stopReason === SHUTDOWN_REASON) {
      return HttpErrors.unavailable(
        'shutting_down',
        'The server is restarting; try again in a moment.',
      );
    }
    const error = failure ? failure.error : raw;
    const mapped = completionError(error);
    if (mapped.status >= 500 && !(error instanceof AppError)) {
      this.logger.error(error);
    }
    return mapped;
  }
}
