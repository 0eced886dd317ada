import OpenAI from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';
import { LlmError } from '../../llm-error.js';
import { LlmProvider } from '../../llm-provider.js';
import type {
  LlmChunk,
  LlmRequest,
  LlmUsage,
  MaxTokensField,
} from '../../llm.types.js';
import { mapErnieError } from '../ernie/ernie-error.mapper.js';
import { upperFirst } from '../http/http-status-error.js';
import { createNodeHttpFetch } from '../http/node-http-fetch.js';
import {
  fromOpenAiChunk,
  type OpenAiChunkLike,
} from './openai-chunk.mapper.js';
import { mapOpenAiError } from './openai-error.mapper.js';
import { toOpenAiRequestBody } from './openai-request.mapper.js';

export interface OpenAiCompatibleOptions {
  /** Provider name for logs and metrics: `openai`, `qianfan`. */
  name: string;
  /** How messages name the upstream, e.g. "the Qianfan API". */
  label: string;
  apiKey: string;
  /** Up to the version segment: `https://qianfan.baidubce.com/v2`. */
  baseURL: string;
  model: string;
  defaultHeaders?: Record<string, string>;
  /** Longest wait for the response headers. */
  connectTimeoutMs: number;
  /**
   * Apply ERNIE's turn rules (alternating user/assistant, odd count): the
   * ERNIE models behind Qianfan v2 keep them.
   */
  alternatingTurns: boolean;
  /** Input characters the model accepts; older exchanges are dropped past it. */
  maxInputChars: number;
  /** The upstream's name for the token limit; absent: the one the client used. */
  maxTokensField?: MaxTokensField;
}

/**
 * Any OpenAI Chat Completions upstream (OpenAI, Qianfan v2, vLLM, Ollama…)
 * through the `openai` SDK, streaming with usage. The SDK's own retries are
 * off (`LlmService` retries, and only before the first token) and its
 * timeout is the connect timeout: it covers the wait for the headers only.
 */
export class OpenAiCompatibleProvider extends LlmProvider {
  readonly name: string;
  readonly model: string;
  private readonly client: OpenAI;

  constructor(private readonly options: OpenAiCompatibleOptions) {
    super();
    this.name = options.name;
    this.model = options.model;
    this.client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      defaultHeaders: options.defaultHeaders,
      maxRetries: 0,
      timeout: options.connectTimeoutMs,
      // Never picked up from the environment: they would reach other upstreams.
      organization: null,
      project: null,
      // The SDK would print unparsable chunks (user text) to the console.
      logLevel: 'off',
      // About a third less CPU per chunk than the global fetch (see there).
      fetch: createNodeHttpFetch(),
    });
  }

  async *stream(
    request: LlmRequest,
    signal: AbortSignal,
  ): AsyncIterable<LlmChunk> {
    const what = this.options.label;
    try {
      const body = toOpenAiRequestBody(request, this.options);
      const { data: chunks, response } = await this.client.chat.completions
        .create(body as unknown as ChatCompletionCreateParamsStreaming, {
          signal,
        })
        .withResponse();
      const type = response.headers.get('content-type') ?? '';
      if (!type.includes('text/event-stream')) {
        yield* this.readWholeBody(response);
        return;
      }
      let finishReason: string | undefined;
      let usage: LlmUsage | undefined;
      for await (const chunk of chunks) {
        assertChunk(chunk, what);
        const mapped = fromOpenAiChunk(chunk as OpenAiChunkLike);
        yield* mapped.chunks;
        usage = mapped.usage ?? usage;
        finishReason = mapped.finishReason ?? finishReason;
      }
      // The SDK ends the iteration quietly when the request is aborted.
      if (signal.aborted) throw LlmError.cancelled();
      if (finishReason === undefined && usage === undefined) {
        throw new LlmError(
          'upstream_unavailable',
          `${upperFirst(what)} ended its stream before the reply was complete.`,
          { retryable: true, upstreamCode: 'stream_ended_early' },
        );
      }
      yield { type: 'finish', finishReason: finishReason ?? 'stop', usage };
    } catch (error) {
      if (signal.aborted) throw LlmError.cancelled();
      throw mapOpenAiError(error, what);
    }
  }

  /**
   * An upstream may answer a streamed request with plain JSON: an error with
   * HTTP 200 (OpenAI's `{error}` or ERNIE's `{error_code}` shape), or a
   * whole reply when it ignores `stream`.
   */
  private async *readWholeBody(response: Response): AsyncGenerator<LlmChunk> {
    const what = this.options.label;
    const body = (await response.json().catch(() => undefined)) as
      | {
          error?: unknown;
          error_code?: unknown;
          error_msg?: unknown;
          choices?: {
            message?: { content?: unknown; tool_calls?: unknown };
            finish_reason?: unknown;
          }[];
          usage?: ChatCompletionChunk['usage'];
        }
      | undefined;
    if (typeof body?.error_code === 'number') {
      throw mapErnieError(
        body.error_code,
        typeof body.error_msg === 'string' ? body.error_msg : '',
      );
    }
    if (body?.error && typeof body.error === 'object') {
      throw new OpenAI.APIError(
        undefined,
        body.error,
        undefined,
        response.headers,
      );
    }
    const message = body?.choices?.[0]?.message;
    if (
      typeof message?.content !== 'string' &&
      !Array.isArray(message?.tool_calls)
    ) {
      throw new LlmError(
        'upstream_protocol',
        `${upperFirst(what)} answered in an unexpected format.`,
      );
    }
    const mapped = fromOpenAiChunk(body as OpenAiChunkLike);
    yield* mapped.chunks;
    yield {
      type: 'finish',
      finishReason: mapped.finishReason ?? 'stop',
      usage: mapped.usage,
    };
  }
}

function assertChunk(
  chunk: unknown,
  what: string,
): asserts chunk is ChatCompletionChunk {
  const choices = (chunk as { choices?: unknown } | null)?.choices;
  // Usage-only chunks of some servers carry no `choices` at all.
  if (
    typeof chunk !== 'object' ||
    chunk === null ||
    (choices != null && !Array.isArray(choices))
  ) {
    throw new LlmError(
      'upstream_protocol',
      `${upperFirst(what)} sent a stream chunk of an unexpected shape.`,
      { upstreamCode: 'malformed_chunk' },
    );
  }
}
