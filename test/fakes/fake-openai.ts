import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import {
  FakeUpstream,
  type RecordedRequest,
  type StreamFraming,
} from './fake-upstream.js';

/** Real-looking keys (never real ones): an OpenAI project key and a Qianfan v2 key. */
export const FAKE_OPENAI_API_KEY =
  'sk-proj-Tq8wZr3NfK1mVb6YcX0sLp9DgH4jE2uA7oI5eW1qR8tY3uI6oP0aS9dF';
export const FAKE_QIANFAN_API_KEY =
  'bce-v3/ALTAK-8fJd2LmQ9xWv3RtY6uPz/4c1e9b7a2d5f8e3c6b0a9d2e5f8c1b4a7d0e3f6';

export interface FakeOpenAiOptions {
  /** The bearer key accepted (others get 401 invalid_api_key). */
  apiKey?: string;
}

const CHAT_PATH = /^\/(?:.*\/)?v\d+\/chat\/completions$/;

/**
 * An OpenAI Chat Completions upstream on loopback, which is also what
 * Qianfan v2 speaks: `POST /v1/chat/completions` or `/v2/chat/completions`
 * (any prefix), bearer key, SSE chunks with `choices[0].delta.content`, a
 * last chunk with `finish_reason`, a usage chunk when
 * `stream_options.include_usage` is set, then `data: [DONE]`. Errors come as
 * HTTP 4xx/5xx with `{error: {code, message, type}, id}`.
 *
 * Point the app at it with `OPENAI_BASE_URL=${fake.url}/v1`, or
 * `QIANFAN_BASE_URL=${fake.url}` (the provider adds `/v2`).
 */
export class FakeOpenAi extends FakeUpstream {
  readonly apiKey: string;

  private constructor(options: FakeOpenAiOptions) {
    super();
    this.apiKey = options.apiKey ?? FAKE_OPENAI_API_KEY;
  }

  static async start(options: FakeOpenAiOptions = {}): Promise<FakeOpenAi> {
    const fake = new FakeOpenAi(options);
    await fake.listen();
    return fake;
  }

  /** Requests to `…/v1|v2/chat/completions`. */
  get chatRequests(): RecordedRequest[] {
    return this.requests.filter((r) => CHAT_PATH.test(r.path));
  }

  protected async route(
    request: RecordedRequest,
    res: ServerResponse,
  ): Promise<void> {
    if (request.method !== 'POST' || !CHAT_PATH.test(request.path)) {
      this.sendError(
        res,
        404,
        'not_found',
        'Unknown route',
        'invalid_request_error',
      );
      return;
    }
    if (request.headers.authorization !== `Bearer ${this.apiKey}`) {
      this.sendError(
        res,
        401,
        'invalid_api_key',
        'Incorrect API key provided.',
        'invalid_request_error',
      );
      return;
    }
    const behaviour = this.nextBehaviour();
    request.behaviour = behaviour;
    if (behaviour.type === 'error') {
      const status = behaviour.status ?? 400;
      this.sendError(
        res,
        status,
        String(behaviour.code),
        behaviour.message ?? 'fake error',
        behaviour.errorType ??
          (status === 429 ? 'rate_limit_error' : 'invalid_request_error'),
        behaviour.headers,
      );
      return;
    }
    if (behaviour.type === 'tool_call') {
      this.sendToolCall(res, request.body, behaviour);
      return;
    }
    await this.play(request, res, behaviour, openAiFraming(request.body));
  }

  /** A streamed tool call as OpenAI frames it: id and name first, then the arguments in pieces. */
  private sendToolCall(
    res: ServerResponse,
    body: Parameters<typeof openAiFraming>[0],
    call: { name: string; arguments: string; id?: string },
  ): void {
    const framing = openAiFraming(body);
    const half = Math.ceil(call.arguments.length / 2);
    const delta = (toolCall: Record<string, unknown>, first = false) =>
      framing.frame({
        choices: [
          {
            index: 0,
            delta: {
              ...(first ? { role: 'assistant', content: null } : {}),
              tool_calls: [{ index: 0, ...toolCall }],
            },
            finish_reason: null,
          },
        ],
      });
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    res.write(
      delta(
        {
          id: call.id ?? 'call_fake_1',
          type: 'function',
          function: { name: call.name, arguments: '' },
        },
        true,
      ),
    );
    res.write(
      delta({ function: { arguments: call.arguments.slice(0, half) } }),
    );
    res.write(delta({ function: { arguments: call.arguments.slice(half) } }));
    res.end(framing.end([], 'tool_calls').join(''));
  }

  private sendError(
    res: ServerResponse,
    status: number,
    code: string,
    message: string,
    type: string,
    headers: Record<string, string> = {},
  ): void {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(
      JSON.stringify({
        error: { code, message, type },
        id: `as-${randomBytes(5).toString('hex')}`,
      }),
    );
  }
}

/** OpenAI's SSE framing: chunk objects, a finish chunk, a usage chunk, `[DONE]`. */
function openAiFraming(body: {
  model?: string;
  messages?: { content?: string }[];
  stream_options?: { include_usage?: boolean };
}): StreamFraming & {
  frame(fields: Record<string, unknown>): string;
  end(deltas: string[], finishReason?: string): string[];
} {
  const id = `chatcmpl-${randomBytes(6).toString('hex')}`;
  const created = Math.floor(Date.now() / 1000);
  const model = body?.model ?? 'fake-model';
  const frame = (fields: Record<string, unknown>) =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, ...fields })}\n\n`;
  const promptTokens = Math.max(
    1,
    (body?.messages ?? []).reduce((n, m) => n + (m.content?.length ?? 0), 0),
  );
  return {
    frame,
    contentType: 'text/event-stream',
    chunk: (text: string, index: number) =>
      frame({
        choices: [
          {
            index: 0,
            delta:
              index === 0
                ? { role: 'assistant', content: text }
                : { content: text },
            finish_reason: null,
          },
        ],
      }),
    end: (deltas: string[], finishReason = 'stop') => [
      frame({
        choices: [{ index: 0, delta: {}, finish_reason: finishReason }],
      }),
      ...(body?.stream_options?.include_usage
        ? [
            frame({
              choices: [],
              usage: {
                prompt_tokens: promptTokens,
                completion_tokens: deltas.length,
                total_tokens: promptTokens + deltas.length,
              },
            }),
          ]
        : []),
      'data: [DONE]\n\n',
    ],
    malformed: 'data: {"id":"chatcmpl-broken","choices":[{"delta":\n\n',
  };
}
