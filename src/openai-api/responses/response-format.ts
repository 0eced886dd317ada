import { randomUUID } from 'node:crypto';
import type { LlmToolCall, LlmUsage } from '../../llm/llm.types.js';
import type {
  ItemStatus,
  OutputFunctionCallDto,
  OutputItemDto,
  OutputMessageDto,
  ResponseErrorDto,
  ResponseObjectDto,
  ResponseStatus,
  ResponseUsageDto,
  ServiceTier,
} from './dto/response-object.dto.js';

/** A reply as the streaming core folds it: what every format is built from. */
export interface ReplyOutcome {
  text: string;
  toolCalls: LlmToolCall[];
  finishReason: string;
  usage?: LlmUsage;
  model: string;
}

/** What a response repeats of its request (OpenAI echoes the settings used). */
export type ResponseEcho = Pick<
  ResponseObjectDto,
  | 'instructions'
  | 'max_output_tokens'
  | 'metadata'
  | 'parallel_tool_calls'
  | 'previous_response_id'
  | 'reasoning'
  | 'store'
  | 'temperature'
  | 'text'
  | 'tool_choice'
  | 'tools'
  | 'top_p'
  | 'user'
> & { service_tier?: ServiceTier };

const RESPONSE_ID = /^resp_([0-9a-f]{32})$/;
const ITEM_ID = /^(?:msg|fc)_([0-9a-f]{32})_(\d{1,4})$/;

/**
 * The id of the response an output item belongs to, and the item's place
 * in its output: item ids are built from their response's, so that an
 * `item_reference` finds its response without an index of items.
 */
export function itemAddress(
  itemId: string,
): { responseId: string; outputIndex: number } | undefined {
  const match = ITEM_ID.exec(itemId);
  return match
    ? { responseId: `resp_${match[1]}`, outputIndex: Number(match[2]) }
    : undefined;
}

export const isResponseId = (id: string): boolean => RESPONSE_ID.test(id);

export function toResponseUsage(usage: LlmUsage): ResponseUsageDto {
  return {
    input_tokens: usage.promptTokens,
    input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    output_tokens: usage.completionTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: usage.totalTokens,
  };
}

/** `length` and `content_filter` end a reply early: the response is incomplete. */
function incompleteReason(
  finishReason: string,
): 'max_output_tokens' | 'content_filter' | undefined {
  if (finishReason === 'length') return 'max_output_tokens';
  if (finishReason === 'content_filter') return 'content_filter';
  return undefined;
}

/**
 * Builds the objects of one response, all sharing its id, creation time,
 * model and echoed settings, in OpenAI's field layout (SDKs read them as
 * they are). Items are numbered by their place in `output`.
 */
export class ResponseFormat {
  readonly id: string;
  readonly createdAt = Math.floor(Date.now() / 1000);
  private readonly key = randomUUID().replaceAll('-', '');

  constructor(
    /** The model asked for, until the router says which one answers. */
    public model: string,
    private readonly echo: ResponseEcho,
  ) {
    this.id = `resp_${this.key}`;
  }

  messageItem(
    outputIndex: number,
    text: string,
    status: ItemStatus,
  ): OutputMessageDto {
    return {
      type: 'message',
      id: `msg_${this.key}_${outputIndex}`,
      status,
      role: 'assistant',
      content: text === '' && status === 'in_progress' ? [] : [textPart(text)],
    };
  }

  callItem(
    outputIndex: number,
    call: LlmToolCall,
    status: ItemStatus,
  ): OutputFunctionCallDto {
    return {
      type: 'function_call',
      id: `fc_${this.key}_${outputIndex}`,
      status,
      call_id: call.id,
      name: call.name,
      arguments: call.arguments,
    };
  }

  /**
   * The output of a whole reply: its text as one message (none when the
   * reply only calls functions), then one item per call.
   */
  outputOf(outcome: ReplyOutcome): OutputItemDto[] {
    const status = itemStatus(outcome.finishReason);
    const output: OutputItemDto[] = [];
    if (outcome.text !== '' || outcome.toolCalls.length === 0) {
      output.push(this.messageItem(0, outcome.text, status));
    }
    for (const call of outcome.toolCalls) {
      output.push(this.callItem(output.length, call, status));
    }
    return output;
  }

  /** The finished response, with `output` as given (a stream's items in their order). */
  finished(outcome: ReplyOutcome, output: OutputItemDto[]): ResponseObjectDto {
    this.model = outcome.model;
    const reason = incompleteReason(outcome.finishReason);
    return this.response(reason ? 'incomplete' : 'completed', output, {
      usage: outcome.usage,
      incomplete: reason,
    });
  }

  failed(error: ResponseErrorDto, output: OutputItemDto[]): ResponseObjectDto {
    return this.response('failed', output, { error });
  }

  response(
    status: ResponseStatus,
    output: OutputItemDto[],
    end: {
      usage?: LlmUsage;
      error?: ResponseErrorDto;
      incomplete?: 'max_output_tokens' | 'content_filter';
    } = {},
  ): ResponseObjectDto {
    const { service_tier, ...echo } = this.echo;
    return {
      id: this.id,
      object: 'response',
      created_at: this.createdAt,
      status,
      completed_at:
        status === 'completed' ? Math.floor(Date.now() / 1000) : null,
      error: end.error ?? null,
      incomplete_details: end.incomplete ? { reason: end.incomplete } : null,
      model: this.model,
      output,
      ...echo,
      truncation: 'disabled',
      ...(end.usage ? { usage: toResponseUsage(end.usage) } : {}),
      background: false,
      ...(service_tier ? { service_tier } : {}),
    };
  }
}

export function textPart(text: string): OutputMessageDto['content'][number] {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

export function itemStatus(finishReason: string): ItemStatus {
  return incompleteReason(finishReason) ? 'incomplete' : 'completed';
}
