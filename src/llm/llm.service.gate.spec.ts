import { Test } from '@nestjs/testing';
import {
  LlmCallGate,
  type LlmCallResult,
  type LlmCallTicket,
} from './llm-call-gate.js';
import { LlmError } from './llm-error.js';
import { LlmProvider } from './llm-provider.js';
import { LLM_CALL_POLICY } from './llm.di-tokens.js';
import { LlmService } from './llm.service.js';
import type { LlmChunk, LlmRequest } from './llm.types.js';

/** Replies with `texts`, reporting `usage` or none; or stalls after them until aborted. */
class FakeProvider extends LlmProvider {
  readonly name = 'fake';
  readonly model = 'default-model';
  calls = 0;
  constructor(
    private readonly texts: string[],
    private readonly ending: 'usage' | 'no-usage' | 'stall',
  ) {
    super();
  }
  async *stream(
    _request: LlmRequest,
    signal: AbortSignal,
  ): AsyncGenerator<LlmChunk> {
    this.calls++;
    yield { type: 'route', model: 'answering-model', deployment: 'd1' };
    for (const text of this.texts) yield { type: 'delta', text };
    if (this.ending === 'stall') {
      await new Promise((_resolve, reject) =>
        signal.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    }
    yield {
      type: 'finish',
      finishReason: 'stop',
      ...(this.ending === 'usage'
        ? { usage: { promptTokens: 7, completionTokens: 3, totalTokens: 10 } }
        : {}),
    };
  }
}

class RecordingGate extends LlmCallGate {
  readonly admitted: { request: LlmRequest; model: string }[] = [];
  readonly ended: LlmCallResult[] = [];
  readonly revoke = new AbortController();
  refuse?: LlmError;
  admit(request: LlmRequest, model: string): Promise<LlmCallTicket> {
    if (this.refuse) return Promise.reject(this.refuse);
    this.admitted.push({ request, model });
    return Promise.resolve({
      signal: this.revoke.signal,
      end: (result) => {
        this.ended.push(result);
        return Promise.resolve();
      },
    });
  }
  check(): Promise<void> {
    return Promise.resolve();
  }
}

async function serviceWith(provider: LlmProvider, gate: LlmCallGate) {
  const module = await Test.createTestingModule({
    providers: [
      LlmService,
      { provide: LlmProvider, useValue: provider },
      { provide: LlmCallGate, useValue: gate },
      {
        provide: LLM_CALL_POLICY,
        useValue: {
          connectTimeoutMs: 1_000,
          firstTokenTimeoutMs: 2_000,
          idleTimeoutMs: 2_000,
          totalTimeoutMs: 5_000,
          maxRetries: 2,
          retryBaseMs: 1,
          retryMaxMs: 5,
        },
      },
    ],
  }).compile();
  return module.get(LlmService);
}

const REQUEST: LlmRequest = {
  keyId: 'k_1',
  messages: [{ role: 'user', content: 'Sixteen chars!!!' }],
};

describe('LlmService with an LlmCallGate', () => {
  it('admits the call for the default model, then accounts the upstream usage under the answering model', async () => {
    const gate = new RecordingGate();
    const service = await serviceWith(
      new FakeProvider(['a', 'b'], 'usage'),
      gate,
    );
    for await (const _chunk of service.stream(
      REQUEST,
      new AbortController().signal,
    ));
    expect(gate.admitted).toEqual([
      { request: REQUEST, model: 'default-model' },
    ]);
    expect(gate.ended).toEqual([
      {
        model: 'answering-model',
        outcome: 'finished',
        estimated: false,
        usage: { promptTokens: 7, completionTokens: 3, totalTokens: 10 },
      },
    ]);
  });

  it('estimates usage the upstream did not report, also for a reply the caller left', async () => {
    const gate = new RecordingGate();
    const provider = new FakeProvider(['12345678'], 'stall');
    const service = await serviceWith(provider, gate);
    const caller = new AbortController();
    await expect(
      (async () => {
        for await (const chunk of service.stream(REQUEST, caller.signal)) {
          if (chunk.type === 'delta') caller.abort();
        }
      })(),
    ).rejects.toMatchObject({ code: 'cancelled' });
    expect(gate.ended).toEqual([
      {
        model: 'answering-model',
        outcome: 'cancelled',
        estimated: true,
        usage: { promptTokens: 4, completionTokens: 2, totalTokens: 6 },
      },
    ]);
  });

  it('throws a refusal before calling the provider', async () => {
    const gate = new RecordingGate();
    gate.refuse = new LlmError('insufficient_quota', 'spent');
    const provider = new FakeProvider(['a'], 'usage');
    const service = await serviceWith(provider, gate);
    await expect(
      (async () => {
        for await (const _chunk of service.stream(
          REQUEST,
          new AbortController().signal,
        ));
      })(),
    ).rejects.toMatchObject({ code: 'insufficient_quota', status: 429 });
    expect(provider.calls).toBe(0);
  });

  it('ends a running call with the reason the gate aborted it, without retrying', async () => {
    const gate = new RecordingGate();
    const provider = new FakeProvider(['a'], 'stall');
    const service = await serviceWith(provider, gate);
    await expect(
      (async () => {
        for await (const chunk of service.stream(
          REQUEST,
          new AbortController().signal,
        )) {
          if (chunk.type === 'delta') {
            gate.revoke.abort(
              new LlmError('key_revoked', 'The API key was removed.'),
            );
          }
        }
      })(),
    ).rejects.toMatchObject({ code: 'key_revoked' });
    expect(provider.calls).toBe(1);
    expect(gate.ended).toEqual([
      expect.objectContaining({ outcome: 'failed' }),
    ]);
  });
});
