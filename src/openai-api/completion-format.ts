import { randomUUID } from 'node:crypto';
import { frameSse } from '../streaming/sse-framing.js';
import type {
  LlmToolCall,
  LlmToolCallDelta,
  LlmUsage,
} from '../llm/llm.types.js';
import type { ChatCompletionChunkDto } from './dto/chat-completion-chunk.dto.js';
import {
  FINISH_REASONS,
  type ChatCompletionDto,
  type FinishReason,
} from './dto/chat-completion.dto.js';
import type { CompletionUsageDto } from './dto/completion-usage.dto.js';

/** Stands for the text in a content chunk's template. */
const TEXT_MARKER = '\u0000text\u0000';

/** A content chunk's frame for one model, split around its text; no split when the model name holds the marker. */
interface ContentTemplate {
  model: string;
  before?: string;
  after?: string;
}

/** Upstreams' own names for a natural end (ERNIE says `normal`); anything unknown is a stop. */
export function toFinishReason(reason: string): FinishReason {
  return (FINISH_REASONS as readonly string[]).includes(reason)
    ? (reason as FinishReason)
    : 'stop';
}

export function toUsage(usage: LlmUsage): CompletionUsageDto {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.totalTokens,
  };
}

/**
 * Builds the objects of one completion, all sharing its id, creation time and
 * model, in OpenAI's exact field layout (clients and SDKs read them as is).
 */
export class CompletionFormat {
  readonly id = `chatcmpl-${randomUUID().replaceAll('-', '')}`;
  readonly created = Math.floor(Date.now() / 1000);
  private contentTemplate?: ContentTemplate;

  constructor(
    /** The model asked for, until the router says which one answers. */
    public model: string,
    private readonly includeUsage = false,
    /** The request used legacy `functions`: calls go back as `function_call`. */
    private readonly legacyFunctions = false,
  ) {}

  completion(
    text: string,
    finishReason: string,
    usage?: LlmUsage,
    toolCalls: LlmToolCall[] = [],
  ): ChatCompletionDto {
    return {
      id: this.id,
      object: 'chat.completion',
      created: this.created,
      model: this.model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: text === '' && toolCalls.length > 0 ? null : text,
            ...this.calls(toolCalls),
            refusal: null,
          },
          logprobs: null,
          finish_reason: this.finishReason(finishReason),
        },
      ],
      ...(usage ? { usage: toUsage(usage) } : {}),
      system_fingerprint: null,
    };
  }

  /**
   * The first chunk: the role, and no text yet, as OpenAI sends it: `""`
   * before text, `null` before a tool call (a client that reads `""` as a
   * text part would otherwise record an empty one before the call).
   */
  roleChunk(opensToolCall = false): ChatCompletionChunkDto {
    return this.chunk(
      { role: 'assistant', content: opensToolCall ? null : '' },
      null,
    );
  }

  contentChunk(text: string): ChatCompletionChunkDto {
    return this.chunk({ content: text }, null);
  }

  /**
   * `contentChunk(text)` framed as an SSE event, byte for byte, built from
   * the completion's frame around the text: only the text is serialised per
   * chunk, with no chunk object to build and throw away.
   */
  contentFrame(text: string): string {
    if (this.contentTemplate?.model !== this.model) {
      this.contentTemplate = this.templateFor(this.model);
    }
    const { before, after } = this.contentTemplate;
    if (before === undefined)
      return frameSse({ data: JSON.stringify(this.contentChunk(text)) });
    return `${before}${JSON.stringify(text)}${after}`;
  }

  private templateFor(model: string): ContentTemplate {
    const marker = JSON.stringify(TEXT_MARKER);
    const parts = frameSse({
      data: JSON.stringify(this.contentChunk(TEXT_MARKER)),
    }).split(marker);
    // A model name holding the marker would split it elsewhere: build whole.
    if (parts.length !== 2) return { model };
    return { model, before: parts[0], after: parts[1] };
  }

  /** A fragment of a tool call, framed as OpenAI streams them. */
  toolCallChunk(delta: LlmToolCallDelta): ChatCompletionChunkDto {
    const first = delta.id !== undefined || delta.name !== undefined;
    if (this.legacyFunctions) {
      return this.chunk(
        {
          function_call: first
            ? { name: delta.name, arguments: delta.argumentsDelta }
            : { arguments: delta.argumentsDelta },
        },
        null,
      );
    }
    return this.chunk(
      {
        tool_calls: [
          first
            ? {
                index: delta.index,
                id: delta.id,
                type: 'function',
                function: { name: delta.name, arguments: delta.argumentsDelta },
              }
            : {
                index: delta.index,
                function: { arguments: delta.argumentsDelta },
              },
        ],
      },
      null,
    );
  }

  finishChunk(finishReason: string): ChatCompletionChunkDto {
    return this.chunk({}, this.finishReason(finishReason));
  }

  private finishReason(reason: string): FinishReason {
    const known = toFinishReason(reason);
    return this.legacyFunctions && known === 'tool_calls'
      ? 'function_call'
      : known;
  }

  private calls(
    toolCalls: LlmToolCall[],
  ): Pick<
    ChatCompletionDto['choices'][number]['message'],
    'tool_calls' | 'function_call'
  > {
    if (toolCalls.length === 0) return {};
    const asFunction = (call: LlmToolCall) => ({
      name: call.name,
      arguments: call.arguments,
    });
    if (this.legacyFunctions)
      return { function_call: asFunction(toolCalls[0]) };
    return {
      tool_calls: toolCalls.map((call) => ({
        id: call.id,
        type: 'function',
        function: asFunction(call),
      })),
    };
  }

  /** With `include_usage`, after the finish chunk: no choices, the usage. */
  usageChunk(usage: LlmUsage | undefined): ChatCompletionChunkDto {
    return {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: [],
      usage: usage ? toUsage(usage) : null,
      system_fingerprint: null,
    };
  }

  private chunk(
    delta: ChatCompletionChunkDto['choices'][number]['delta'],
    finishReason: FinishReason | null,
  ): ChatCompletionChunkDto {
    return {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: [
        { index: 0, delta, logprobs: null, finish_reason: finishReason },
      ],
      ...(this.includeUsage ? { usage: null } : {}),
      system_fingerprint: null,
    };
  }
}
