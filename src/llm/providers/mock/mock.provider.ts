import { setTimeout as sleep } from 'node:timers/promises';
import {
  LlmError,
  LLM_ERROR_CODES,
  type LlmErrorCode,
} from '../../llm-error.js';
import { LlmProvider } from '../../llm-provider.js';
import type {
  ChatMessage,
  LlmChunk,
  LlmRequest,
  LlmUsage,
} from '../../llm.types.js';

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
 * `delayMs` between deltas, so that a person sees it type.
 */
export class MockProvider extends LlmProvider {
  readonly name = 'mock';
  readonly model = 'mock-echo-1';

  constructor(private readonly options: MockProviderOptions) {
    super();
  }

  async *stream(
    request: LlmRequest,
    signal: AbortSignal,
  ): AsyncIterable<LlmChunk> {
    const reply = MockProvider.replyTo(request);
    let first = true;
    for (const piece of splitIntoDeltas(reply)) {
      if (this.options.delayMs > 0) {
        await sleep(this.options.delayMs, undefined, { signal }).catch(
          () => undefined,
        );
      }
      if (signal.aborted) throw LlmError.cancelled();
      // The error directive fails after the first delta, so a client sees a
      // partial reply followed by an `error` event, as with a real stream cut.
      if (!first) MockProvider.failIfAsked(request);
      first = false;
      yield { type: 'delta', text: piece };
    }
    MockProvider.failIfAsked(request);
    yield {
      type: 'finish',
      finishReason: 'stop',
      usage: usageOf(request, reply),
    };
  }

  /** The full reply for a request; exposed so tests can state what to expect. */
  static replyTo(request: LlmRequest): string {
    const last = lastUserMessage(request.messages);
    const userTurns = request.messages.filter((m) => m.role === 'user').length;
    const system = request.system
      ? ` Instructions received: ${request.system.length} characters.`
      : '';
    return (
      `You said: ${last}\n\n` +
      `This is turn ${userTurns} of our conversation (${request.messages.length} messages seen).${system} ` +
      `I am the offline mock model, so I answer by echoing.`
    );
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

function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function usageOf(request: LlmRequest, reply: string): LlmUsage {
  const promptTokens = request.messages.reduce(
    (sum, m) => sum + estimateTokens(m.content),
    0,
  );
  const completionTokens = estimateTokens(reply);
  return {
    promptTokens,
    completionTokens,
    totalTokens: promptTokens + completionTokens,
  };
}
