import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { pushEach, type ChunkSink } from '../../chunk-sink.js';
import { LlmError } from '../../llm-error.js';
import { LlmProvider } from '../../llm-provider.js';
import type {
  LlmChunk,
  LlmRequest,
  LlmUsage,
  MaxTokensField,
} from '../../llm.types.js';
import { upperFirst } from '../http/http-status-error.js';
import { pumpServerSentEvents } from '../http/server-sent-events.js';
import { faultIn, mapUpstreamFault } from '../http/upstream-errors.js';
import {
  joinUrl,
  requestUpstream,
  type UpstreamResponse,
} from '../http/upstream-request.js';
import {
  contentTypeOf,
  isSuccess,
  readBodyJson,
  upstreamErrorFrom,
  upstreamErrorOf,
} from '../http/upstream-response.js';
import {
  fromOpenAiChunk,
  type OpenAiChunkLike,
} from './openai-chunk.mapper.js';
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
 * Any OpenAI Chat Completions upstream (OpenAI, Qianfan v2, vLLM, Ollama…),
 * streaming with usage, read with undici and `eventsource-parser`
 * (`requestUpstream`); the `openai` package gives the wire types only, and
 * errors are read like every provider's (`http/upstream-response.ts`). No retries here (`LlmService` retries, and
 * only before the first token); the connect timeout covers the wait for the
 * headers only. Reading the stream through the SDK (its `fetch`, WHATWG
 * streams and its own SSE decoder) cost more CPU per chunk
 * (bench/analysis.md).
 */
export class OpenAiCompatibleProvider extends LlmProvider {
  readonly name: string;
  readonly model: string;
  private readonly chatUrl: string;
  private readonly headers: Record<string, string>;

  constructor(private readonly options: OpenAiCompatibleOptions) {
    super();
    this.name = options.name;
    this.model = options.model;
    this.chatUrl = joinUrl(options.baseURL, 'chat/completions');
    this.headers = {
      ...options.defaultHeaders,
      Authorization: `Bearer ${options.apiKey}`,
      'Content-Type': 'application/json',
      Accept: 'text/event-stream, application/json',
    };
  }

  async pump(
    request: LlmRequest,
    signal: AbortSignal,
    sink: ChunkSink,
  ): Promise<void> {
    const what = this.options.label;
    try {
      const response = await this.send(
        toOpenAiRequestBody(request, this.options),
        signal,
      );
      if (!contentTypeOf(response).includes('text/event-stream')) {
        await pushEach(await this.readWholeBody(response), sink);
        return;
      }
      let finishReason: string | undefined;
      let usage: LlmUsage | undefined;
      // Each event is parsed and pushed as its bytes arrive; `[DONE]` ends
      // the reading (the rest is drained, not destroyed), an event carrying
      // `error` throws its `LlmError`, unparsable JSON a `SyntaxError`.
      await pumpServerSentEvents(response.body, (event, stop) => {
        if (event.data.startsWith('[DONE]')) return stop();
        const data = JSON.parse(event.data) as { error?: unknown } | null;
        if (data?.error) throw mapUpstreamFault(faultIn(data) ?? {}, what);
        assertChunk(data, what);
        const mapped = fromOpenAiChunk(data as OpenAiChunkLike);
        usage = mapped.usage ?? usage;
        finishReason = mapped.finishReason ?? finishReason;
        return pushEach(mapped.chunks, sink);
      });
      if (signal.aborted) throw LlmError.cancelled();
      if (finishReason === undefined && usage === undefined) {
        throw new LlmError(
          'upstream_unavailable',
          `${upperFirst(what)} ended its stream before the reply was complete.`,
          { retryable: true, upstreamCode: 'stream_ended_early' },
        );
      }
      await sink({
        type: 'finish',
        finishReason: finishReason ?? 'stop',
        usage,
      });
    } catch (error) {
      if (signal.aborted) throw LlmError.cancelled();
      throw readError(error, what);
    }
  }

  /** Posts the request; an answer other than 2xx is thrown as its `LlmError`. */
  private async send(
    body: object,
    signal: AbortSignal,
  ): Promise<UpstreamResponse> {
    const response = await requestUpstream(
      this.chatUrl,
      { method: 'POST', headers: this.headers, body: JSON.stringify(body) },
      {
        signal,
        connectTimeoutMs: this.options.connectTimeoutMs,
        what: this.options.label,
      },
    );
    if (isSuccess(response)) return response;
    throw await upstreamErrorOf(response, this.options.label);
  }

  /**
   * An upstream may answer a streamed request with plain JSON: an error with
   * HTTP 200 (OpenAI's `{error}` or Baidu's `{error_code}` shape), or a
   * whole reply when it ignores `stream`.
   */
  private async readWholeBody(response: UpstreamResponse): Promise<LlmChunk[]> {
    const what = this.options.label;
    const body = (await readBodyJson(response)) as
      | {
          choices?: {
            message?: { content?: unknown; tool_calls?: unknown };
            finish_reason?: unknown;
          }[];
          usage?: ChatCompletionChunk['usage'];
        }
      | undefined;
    if (faultIn(body)) throw upstreamErrorFrom(response, body, what);
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
    return [
      ...mapped.chunks,
      {
        type: 'finish',
        finishReason: mapped.finishReason ?? 'stop',
        usage: mapped.usage,
      },
    ];
  }
}

/** What failed while reading a reply, as the gateway's error. */
function readError(error: unknown, what: string): LlmError {
  if (error instanceof LlmError) return error;
  if (error instanceof SyntaxError) {
    return new LlmError(
      'upstream_protocol',
      `${upperFirst(what)} sent a malformed stream chunk; the reply could not be read.`,
      { upstreamCode: 'malformed_chunk' },
    );
  }
  return new LlmError(
    'upstream_unavailable',
    `The connection to ${what} was lost before the reply was complete.`,
    { retryable: true, upstreamCode: 'connection_lost' },
  );
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
