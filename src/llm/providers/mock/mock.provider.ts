import { setTimeout as sleep } from 'node:timers/promises';
import {
  LlmError,
  LLM_ERROR_CODES,
  type LlmErrorCode,
} from '../../llm-error.js';
import type { ChunkSink } from '../../chunk-sink.js';
import { LlmProvider } from '../../llm-provider.js';
import type {
  ChatMessage,
  LlmRequest,
  LlmToolCall,
  LlmUsage,
} from '../../llm.types.js';
import { jsonFor } from './mock-json.js';
import { limitReply } from './mock-reply-limits.js';

export interface MockProviderOptions {
  /** Pause before each delta, in ms (0 streams as fast as possible). */
  delayMs: number;
}

/** `/mock-error <code>` as the last user message makes the mock fail with that code. */
const ERROR_DIRECTIVE = /^\/mock-error\s+([a-z_]+)\s*$/;

/**
 * The offline model: needs no network and no key, and is the default. Its
 * reply is deterministic and proves that it saw the whole request: it echoes
 * the last user message and counts the turns. Streamed word by word with
 * `delayMs` between deltas, so that a person sees it type. It honours `stop`
 * and the token limit (one word is one token), and calls a tool when tools
 * are given (see `toolCallFor`), then answers with the tool's result. Asked
 * for JSON (`responseFormat`, whichever API it came through), it answers a
 * JSON value that fits the schema (`jsonFor`), so structured-output clients
 * can be tried offline.
 */
export class MockProvider extends LlmProvider {
  readonly name = 'mock';
  readonly model = 'mock-echo-1';

  constructor(private readonly options: MockProviderOptions) {
    super();
  }

  async pump(
    request: LlmRequest,
    signal: AbortSignal,
    sink: ChunkSink,
  ): Promise<void> {
    const call = MockProvider.toolCallFor(request);
    const { pieces, finishReason } = call
      ? { pieces: splitArguments(call.arguments), finishReason: 'tool_calls' }
      : limitReply(
          splitIntoDeltas(
            MockProvider.structuredReplyTo(request) ??
              MockProvider.replyTo(request),
          ),
          request,
        );
    let first = true;
    for (const piece of pieces) {
      if (this.options.delayMs > 0) {
        await sleep(this.options.delayMs, undefined, { signal }).catch(
          () => undefined,
        );
      }
      if (signal.aborted) throw LlmError.cancelled();
      // The error directive fails after the first delta, so a client sees a
      // partial reply followed by an `error` event, as with a real stream cut.
      if (!first) MockProvider.failIfAsked(request);
      const behind = sink(
        call
          ? {
              type: 'tool_call',
              index: 0,
              ...(first ? { id: call.id, name: call.name } : {}),
              argumentsDelta: piece,
            }
          : { type: 'delta', text: piece },
      );
      if (behind) await behind;
      first = false;
    }
    MockProvider.failIfAsked(request);
    await sink({
      type: 'finish',
      finishReason,
      usage: usageOf(request, pieces.length),
    });
  }

  /** The full text reply for a request; exposed so tests can state what to expect. */
  static replyTo(request: LlmRequest): string {
    const last = request.messages.at(-1);
    if (last?.role === 'tool') {
      return `The tool ${last.name ?? 'call'} returned: ${last.content}`;
    }
    const lastUser = lastUserMessage(request.messages);
    const userTurns = request.messages.filter((m) => m.role === 'user').length;
    const system = request.system
      ? ` Instructions received: ${request.system.length} characters.`
      : '';
    return (
      `You said: ${lastUser}\n\n` +
      `This is turn ${userTurns} of our conversation (${request.messages.length} messages seen).${system} ` +
      `I am the offline mock model, so I answer by echoing.`
    );
  }

  /**
   * The JSON text the mock answers when asked for JSON, undefined otherwise:
   * a value of the `json_schema` format's schema, or for `json_object` an
   * object holding the text reply. Made from the last user message (or the
   * tool result being answered), so the same question gets the same value.
   */
  static structuredReplyTo(request: LlmRequest): string | undefined {
    const format = request.responseFormat;
    if (format?.type === 'json_object') {
      return JSON.stringify({ reply: MockProvider.replyTo(request) });
    }
    if (format?.type !== 'json_schema') return undefined;
    const last = request.messages.at(-1);
    const prompt =
      last?.role === 'tool' ? last.content : lastUserMessage(request.messages);
    return JSON.stringify(jsonFor(format.json_schema.schema ?? {}, prompt));
  }

  /**
   * The call the mock makes: with tools, unless `tool_choice` is `none` or
   * the last message is already a tool result, it calls the named tool (or
   * the first), with arguments made from the last user message that fit its
   * parameters' schema (`jsonFor`: every required property, or the first
   * property when none is required; `{"input": …}` without a schema).
   */
  static toolCallFor(request: LlmRequest): LlmToolCall | undefined {
    const choice = request.toolChoice;
    if (!request.tools?.length || choice === 'none') return undefined;
    if (request.messages.at(-1)?.role === 'tool') return undefined;
    const tool =
      (typeof choice === 'object'
        ? request.tools.find((t) => t.name === choice.name)
        : undefined) ?? request.tools[0];
    const prompt = lastUserMessage(request.messages);
    const properties = tool.parameters?.properties;
    const hasProperties =
      typeof properties === 'object' &&
      properties !== null &&
      Object.keys(properties).length > 0;
    const userTurns = request.messages.filter((m) => m.role === 'user').length;
    return {
      id: `call_mock_${userTurns}`,
      name: tool.name,
      arguments: JSON.stringify(
        hasProperties
          ? jsonFor({ type: 'object', ...tool.parameters }, prompt)
          : { input: prompt },
      ),
    };
  }

  private static failIfAsked(request: LlmRequest): void {
    const match = ERROR_DIRECTIVE.exec(lastUserMessage(request.messages));
    if (!match) return;
    const code = (LLM_ERROR_CODES as readonly string[]).includes(match[1])
      ? (match[1] as LlmErrorCode)
      : 'upstream_bad_request';
    throw new LlmError(code, `The mock model was asked to fail with ${code}.`, {
      upstreamCode: 'mock',
    });
  }
}

function lastUserMessage(messages: ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i].role === 'user') return messages[i].content;
  }
  return '';
}

/** Splits text into word-sized deltas that concatenate back to the exact text. */
export function splitIntoDeltas(text: string): string[] {
  return text.match(/\s*\S+|\s+$/gu) ?? [text];
}

/** Arguments in three fragments, as real upstreams stream them in pieces. */
function splitArguments(json: string): string[] {
  const third = Math.ceil(json.length / 3);
  return [
    '',
    json.slice(0, third),
    json.slice(third, 2 * third),
    json.slice(2 * third),
  ];
}

function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function usageOf(request: LlmRequest, completionTokens: number): LlmUsage {
  const promptTokens = request.messages.reduce(
    (sum, m) => sum + estimateTokens(m.content),
    0,
  );
  return {
    promptTokens,
    completionTokens,
    totalTokens: promptTokens + completionTokens,
  };
}
