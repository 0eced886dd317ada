import type { LlmToolCallDelta } from '../llm/llm.types.js';
import type {
  ReplyFailure,
  ReplyResult,
  ReplySink,
} from '../streaming/reply.js';
import type { AppError } from '../common/errors/app-error.js';
import type { CompletionFormat } from './completion-format.js';
import type { CompletionStream } from './completion-stream.js';
import { toOpenAiError } from './openai-errors.js';

/**
 * The OpenAI format over a reply run: each piece becomes a
 * `chat.completion.chunk` event, after one role chunk that starts the
 * stream; then the finish chunk, the usage chunk when asked, `[DONE]`.
 *
 * A failure before the first chunk writes nothing (the caller answers with
 * an HTTP error status); after it, it becomes one error event that ends the
 * stream, unless the client has gone.
 */
export class CompletionChunkSink implements ReplySink {
  /** The failure as `/v1` reports it, once the run has failed. */
  error?: AppError;

  constructor(
    private readonly format: CompletionFormat,
    private readonly out: CompletionStream,
    private readonly includeUsage: boolean,
    private readonly clientGone: AbortSignal,
    private readonly toError: (failure: ReplyFailure) => AppError,
  ) {}

  route(model: string): void {
    this.format.model = model;
  }

  text(delta: string): Promise<void> | undefined {
    const opening = this.open();
    if (opening) return opening.then(() => this.sendText(delta));
    return this.sendText(delta);
  }

  toolCall(delta: LlmToolCallDelta): Promise<void> | undefined {
    const opening = this.open(true);
    const send = () => this.out.send(this.format.toolCallChunk(delta));
    if (opening) return opening.then(send);
    return send();
  }

  async end(reply: ReplyResult): Promise<void> {
    await this.open();
    await this.out.send(this.format.finishChunk(reply.finishReason));
    if (this.includeUsage)
      await this.out.send(this.format.usageChunk(reply.usage));
    await this.out.done();
  }

  async fail(failure: ReplyFailure): Promise<void> {
    this.error = this.toError(failure);
    if (!this.out.started || this.clientGone.aborted) return;
    await this.out.fail(toOpenAiError(this.error.toJSON()));
  }

  /** Starts the stream with its role chunk, once (content null before a tool call). */
  private open(opensToolCall = false): Promise<void> | undefined {
    return this.out.started
      ? undefined
      : this.out.send(this.format.roleChunk(opensToolCall));
  }

  private sendText(delta: string): Promise<void> | undefined {
    return delta
      ? this.out.sendFrame(this.format.contentFrame(delta))
      : undefined;
  }
}
