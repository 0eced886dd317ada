import { Logger } from '@nestjs/common';
import type { ChunkSink } from '../../chunk-sink.js';
import { LlmError } from '../../llm-error.js';
import { LlmProvider } from '../../llm-provider.js';
import type { LlmRequest } from '../../llm.types.js';
import { TOKEN_REJECTED_CODES } from '../http/upstream-errors.js';
import { joinUrl, requestUpstream } from '../http/upstream-request.js';
import type { ErnieAccessTokenSource } from './ernie-access-token-source.js';
import { toErnieChatBody } from './ernie-request.mapper.js';
import { readErnieResponse } from './ernie-response-reader.js';
import type { ErnieChatBody } from './ernie-wire.types.js';

export interface ErnieProviderOptions {
  /** e.g. `https://aip.baidubce.com` */
  baseUrl: string;
  /** Path segment of the model, e.g. `eb-instant` (ERNIE-Bot-turbo). */
  modelEndpoint: string;
  /** Input characters the model accepts (messages and system prompt). */
  maxInputChars: number;
  /** Longest wait for the response headers. */
  connectTimeoutMs: number;
}

/**
 * ERNIE through Baidu's access-token ("wenxinworkshop") API: streams the
 * reply with `stream: true`, keeps the conversation within ERNIE's turn
 * rules and input limit, and when ERNIE says the access token is invalid or
 * expired (110/111) fetches a new one and tries once more.
 */
export class ErnieProvider extends LlmProvider {
  readonly name = 'ernie';
  readonly model: string;
  private readonly logger = new Logger(ErnieProvider.name);
  private readonly chatPath: string;

  constructor(
    private readonly options: ErnieProviderOptions,
    private readonly tokens: ErnieAccessTokenSource,
  ) {
    super();
    this.model = options.modelEndpoint;
    this.chatPath = `/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/${encodeURIComponent(options.modelEndpoint)}`;
  }

  async pump(
    request: LlmRequest,
    signal: AbortSignal,
    sink: ChunkSink,
  ): Promise<void> {
    // Refuses input that cannot fit before any network call.
    const body = toErnieChatBody(request, this.options.maxInputChars);
    let refreshed = false;
    while (true) {
      const token = await this.tokens.get(signal);
      let emitted = false;
      try {
        return await this.chat(token, body, signal, (chunk) => {
          emitted ||= chunk.type !== 'finish';
          return sink(chunk);
        });
      } catch (raw) {
        if (signal.aborted) throw LlmError.cancelled();
        const error = raw instanceof LlmError ? raw : unexpected(raw);
        const rejected =
          typeof error.upstreamCode === 'number' &&
          TOKEN_REJECTED_CODES.has(error.upstreamCode);
        // Once only, and never after text went out: it would be sent twice.
        if (!rejected || emitted || refreshed) throw error;
        this.logger.warn(
          `ERNIE rejected the access token (${error.upstreamCode}); fetching a new one`,
        );
        await this.tokens.invalidate(token);
        refreshed = true;
      }
    }
  }

  private async chat(
    token: string,
    body: ErnieChatBody,
    signal: AbortSignal,
    sink: ChunkSink,
  ): Promise<void> {
    const url = new URL(joinUrl(this.options.baseUrl, this.chatPath));
    url.searchParams.set('access_token', token);
    const response = await requestUpstream(
      url.toString(),
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'text/event-stream, application/json',
        },
        body: JSON.stringify(body),
      },
      {
        signal,
        connectTimeoutMs: this.options.connectTimeoutMs,
        what: 'the ERNIE chat API',
      },
    );
    await readErnieResponse(response, sink);
  }
}

function unexpected(error: unknown): LlmError {
  return new LlmError('internal_error', 'The ERNIE call failed unexpectedly.', {
    cause: error,
  });
}
