import { randomBytes, randomInt } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import {
  DEFAULT_CHUNKS,
  FakeUpstream,
  type FakeBehaviour,
  type RecordedRequest,
  type StreamFraming,
} from './fake-upstream.js';

/** Real-looking credentials the fake accepts by default (never real ones). */
export const FAKE_ERNIE_API_KEY = 'Xq3vT9kLm2Pz8RbN4wYc7HdA';
export const FAKE_ERNIE_SECRET_KEY = 'aK8sJ2mQ9vX4nB7cL1pR6tW3yZ5hD0fG';

export interface FakeErnieOptions {
  apiKey?: string;
  secretKey?: string;
  /** `expires_in` of issued tokens, in seconds (Baidu: 30 days). */
  tokenLifetimeS?: number;
  /** Delay before answering a token request, so concurrent callers overlap. */
  tokenDelayMs?: number;
}

const CHAT_PATH = /^\/rpc\/2\.0\/ai_custom\/v1\/wenxinworkshop\/chat\/([^/]+)$/;

/**
 * Baidu's access-token ("wenxinworkshop") API on loopback: the OAuth token
 * endpoint and the chat endpoint, as ernie-protocol.md describes them. The
 * chat endpoint checks the access token (110 unknown, 111 revoked) and
 * ERNIE's message rules (336006/336007/336008/336003) before applying the
 * scripted behaviour, so a provider that breaks a rule fails as with Baidu.
 *
 * Point the app at it with `ERNIE_AUTH_BASE_URL` and `ERNIE_BASE_URL` both
 * set to `fake.url`.
 */
export class FakeErnie extends FakeUpstream {
  /** Every access token issued, oldest first. */
  readonly issuedTokens: string[] = [];
  readonly apiKey: string;
  readonly secretKey: string;
  tokenLifetimeS: number;
  tokenDelayMs: number;
  private readonly revoked = new Set<string>();
  private readonly tokenQueue: FakeBehaviour[] = [];

  private constructor(options: FakeErnieOptions) {
    super();
    this.apiKey = options.apiKey ?? FAKE_ERNIE_API_KEY;
    this.secretKey = options.secretKey ?? FAKE_ERNIE_SECRET_KEY;
    this.tokenLifetimeS = options.tokenLifetimeS ?? 2_592_000;
    this.tokenDelayMs = options.tokenDelayMs ?? 0;
  }

  static async start(options: FakeErnieOptions = {}): Promise<FakeErnie> {
    const fake = new FakeErnie(options);
    await fake.listen();
    return fake;
  }

  /** Requests to the token endpoint. */
  get tokenRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.path === '/oauth/2.0/token');
  }

  /** Requests to the chat endpoint (any model endpoint). */
  get chatRequests(): RecordedRequest[] {
    return this.requests.filter((r) => CHAT_PATH.test(r.path));
  }

  /** From now on every token issued so far is answered with 111 (expired). */
  revokeTokens(): void {
    for (const token of this.issuedTokens) this.revoked.add(token);
  }

  /**
   * Faults for the next token requests: only `http` (e.g. a 500 or a 200
   * with garbage), `stall` and `cut` apply; others are ignored and the token
   * is issued.
   */
  enqueueToken(...behaviours: FakeBehaviour[]): this {
    this.tokenQueue.push(...behaviours);
    return this;
  }

  /** Also forgets token faults; issued tokens stay valid, as a client may hold them. */
  override reset(): void {
    super.reset();
    this.tokenQueue.length = 0;
  }

  protected async route(
    request: RecordedRequest,
    res: ServerResponse,
  ): Promise<void> {
    if (request.method === 'POST' && request.path === '/oauth/2.0/token') {
      await this.token(request, res);
      return;
    }
    const chat = CHAT_PATH.exec(request.path);
    if (request.method === 'POST' && chat) {
      await this.chat(request, res);
      return;
    }
    this.sendJson(res, 404, {
      error_code: 3,
      error_msg: 'Unsupported openapi method',
    });
  }

  private async token(
    request: RecordedRequest,
    res: ServerResponse,
  ): Promise<void> {
    if (this.tokenDelayMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, this.tokenDelayMs));
    }
    const fault = this.tokenQueue.shift();
    if (
      fault?.type === 'http' ||
      fault?.type === 'stall' ||
      fault?.type === 'cut'
    ) {
      await this.play(request, res, fault, ernieFraming());
      return;
    }
    const { query } = request;
    if (query.get('grant_type') !== 'client_credentials') {
      this.sendJson(res, 400, {
        error: 'unsupported_grant_type',
        error_description: 'The authorization grant type is not supported',
      });
      return;
    }
    if (query.get('client_id') !== this.apiKey) {
      this.sendJson(res, 401, {
        error: 'invalid_client',
        error_description: 'unknown client id',
      });
      return;
    }
    if (query.get('client_secret') !== this.secretKey) {
      this.sendJson(res, 401, {
        error: 'invalid_client',
        error_description: 'Client authentication failed',
      });
      return;
    }
    const token = `24.${randomBytes(16).toString('hex')}.${this.tokenLifetimeS}.${Math.floor(Date.now() / 1000)}.282335-${randomInt(10_000_000, 99_999_999)}`;
    this.issuedTokens.push(token);
    this.sendJson(res, 200, {
      refresh_token: `25.${randomBytes(16).toString('hex')}`,
      expires_in: this.tokenLifetimeS,
      session_key: randomBytes(24).toString('base64'),
      access_token: token,
      scope: 'public brain_all_scope wenxinworkshop_mgr',
      session_secret: randomBytes(16).toString('hex'),
    });
  }

  private async chat(
    request: RecordedRequest,
    res: ServerResponse,
  ): Promise<void> {
    const token = request.query.get('access_token') ?? '';
    if (this.revoked.has(token)) {
      this.sendError(res, 111, 'Access token expired');
      return;
    }
    if (!this.issuedTokens.includes(token)) {
      this.sendError(res, 110, 'Access token invalid or no longer valid');
      return;
    }
    const ruleBroken = checkMessageRules(request.body);
    if (ruleBroken) {
      this.sendError(res, ruleBroken.code, ruleBroken.message);
      return;
    }
    const behaviour = this.nextBehaviour();
    request.behaviour = behaviour;
    if (behaviour.type === 'error') {
      res.writeHead(behaviour.status ?? 200, {
        'Content-Type': 'application/json',
        ...behaviour.headers,
      });
      res.end(
        JSON.stringify({
          error_code: behaviour.code,
          error_msg: behaviour.message ?? 'fake error',
        }),
      );
      return;
    }
    if (behaviour.type === 'tool_call' || request.body?.stream === false) {
      this.sendWhole(res, request.body, behaviour);
      return;
    }
    await this.play(request, res, behaviour, ernieFraming(request.body));
  }

  /**
   * A non-streamed reply (`stream: false`, as the gateway asks when it
   * sends functions): the text, or a `function_call` with its thoughts.
   */
  private sendWhole(
    res: ServerResponse,
    body: { messages?: { content?: string }[] } | undefined,
    behaviour: FakeBehaviour,
  ): void {
    const id = `as-${randomBytes(5).toString('hex')}`;
    const promptTokens = Math.max(
      1,
      (body?.messages ?? []).reduce((n, m) => n + (m.content?.length ?? 0), 0),
    );
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: 5,
      total_tokens: promptTokens + 5,
    };
    const common = {
      id,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      is_truncated: false,
      need_clear_history: false,
      usage,
    };
    if (behaviour.type === 'tool_call') {
      this.sendJson(res, 200, {
        ...common,
        result: '',
        finish_reason: 'function_call',
        function_call: {
          name: behaviour.name,
          arguments: behaviour.arguments,
          thoughts: 'I should call the function.',
        },
      });
      return;
    }
    const chunks =
      behaviour.type === 'reply' ? (behaviour.chunks ?? DEFAULT_CHUNKS) : [];
    this.sendJson(res, 200, {
      ...common,
      result: chunks.join(''),
      finish_reason: 'normal',
    });
  }

  private sendError(res: ServerResponse, code: number, message: string): void {
    this.sendJson(res, 200, { error_code: code, error_msg: message });
  }
}

/** ERNIE's SSE framing: `data: {json}\n\n`, the last event with `is_end: true`, no `[DONE]`. */
function ernieFraming(body?: {
  messages?: { content?: string }[];
}): StreamFraming {
  const id = `as-${randomBytes(5).toString('hex')}`;
  const created = Math.floor(Date.now() / 1000);
  const promptTokens = Math.max(
    1,
    (body?.messages ?? []).reduce((n, m) => n + (m.content?.length ?? 0), 0),
  );
  const usage = (completion: number) => ({
    prompt_tokens: promptTokens,
    completion_tokens: completion,
    total_tokens: promptTokens + completion,
  });
  const event = (fields: Record<string, unknown>) =>
    `data: ${JSON.stringify({
      id,
      object: 'chat.completion',
      created,
      is_truncated: false,
      need_clear_history: false,
      ...fields,
    })}\n\n`;
  return {
    contentType: 'text/event-stream',
    chunk: (text, index) =>
      event({
        sentence_id: index,
        is_end: false,
        result: text,
        usage: usage(index + 1),
      }),
    end: (deltas) => [
      event({
        sentence_id: deltas.length,
        is_end: true,
        result: '',
        finish_reason: 'normal',
        usage: usage(deltas.length),
      }),
    ],
    malformed: 'data: {"id":"as-broken","result":"unterminated\n\n',
  };
}

/** ERNIE's checks on `messages`, with its error codes. */
function checkMessageRules(
  body: unknown,
): { code: number; message: string } | undefined {
  const messages = (body as { messages?: unknown } | undefined)?.messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    return { code: 336003, message: 'messages should not be empty' };
  }
  if (messages.length % 2 === 0) {
    return {
      code: 336006,
      message: 'the length of messages must be an odd number',
    };
  }
  for (const [index, message] of messages.entries()) {
    const { role, content, function_call } = (message ?? {}) as {
      role?: unknown;
      content?: unknown;
      function_call?: unknown;
    };
    // An assistant turn that calls a function may have empty content.
    const mayBeEmpty = role === 'assistant' && function_call !== undefined;
    if (typeof content !== 'string' || (content.length === 0 && !mayBeEmpty)) {
      return { code: 336003, message: 'message content can not be empty' };
    }
    // A function's result stands where the user's turn would.
    if (index % 2 === 0 && role !== 'user' && role !== 'function') {
      return {
        code: 336007,
        message:
          'the role of message with even index in the messages must be user',
      };
    }
    if (index % 2 === 1 && role !== 'assistant') {
      return {
        code: 336008,
        message:
          'the role of message with odd index in the messages must be assistant',
      };
    }
  }
  return undefined;
}
