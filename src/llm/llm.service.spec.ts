import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { ChunkSink } from './chunk-sink.js';
import { LlmError } from './llm-error.js';
import { LlmProvider } from './llm-provider.js';
import { LLM_CALL_POLICY } from './llm.di-tokens.js';
import { LlmService } from './llm.service.js';
import type { LlmCallPolicy, LlmChunk, LlmRequest } from './llm.types.js';

type Step = (signal: AbortSignal) => AsyncIterable<LlmChunk>;

/** A provider whose successive calls follow a script. */
class ScriptedProvider extends LlmProvider {
  readonly name = 'scripted';
  readonly model = 'scripted-1';
  calls = 0;
  readonly signals: AbortSignal[] = [];
  constructor(private readonly steps: Step[]) {
    super();
  }
  stream(_request: LlmRequest, signal: AbortSignal): AsyncIterable<LlmChunk> {
    this.signals.push(signal);
    const step = this.steps[Math.min(this.calls++, this.steps.length - 1)];
    return step(signal);
  }
}

/** A provider whose calls run `call`, pushing what it pushes. */
class PushingProvider extends LlmProvider {
  readonly name = 'pushing';
  readonly model = 'pushing-1';
  constructor(
    private readonly call: (
      signal: AbortSignal,
      sink: ChunkSink,
    ) => Promise<void>,
  ) {
    super();
  }
  override pump(
    _request: LlmRequest,
    signal: AbortSignal,
    sink: ChunkSink,
  ): Promise<void> {
    return this.call(signal, sink);
  }
}

const reply = (...texts: string[]): Step =>
  async function* () {
    for (const text of texts) yield { type: 'delta', text };
    yield { type: 'finish', finishReason: 'stop' };
  };
const fail = (error: LlmError, ...before: string[]): Step =>
  async function* () {
    for (const text of before) yield { type: 'delta', text };
    throw error;
  };
const stall = (...before: string[]): Step =>
  async function* (signal) {
    for (const text of before) yield { type: 'delta', text };
    await new Promise((_resolve, reject) =>
      signal.addEventListener('abort', () => reject(new Error('aborted'))),
    );
  };

const POLICY: LlmCallPolicy = {
  connectTimeoutMs: 1_000,
  firstTokenTimeoutMs: 200,
  idleTimeoutMs: 100,
  totalTimeoutMs: 5_000,
  maxRetries: 2,
  retryBaseMs: 1,
  retryMaxMs: 5,
};

async function serviceWith(
  provider: LlmProvider,
  policy: Partial<LlmCallPolicy> = {},
): Promise<LlmService> {
  const module = await Test.createTestingModule({
    providers: [
      LlmService,
      { provide: LlmProvider, useValue: provider },
      { provide: LLM_CALL_POLICY, useValue: { ...POLICY, ...policy } },
    ],
  }).compile();
  return module.get(LlmService);
}

async function run(service: LlmService, signal = new AbortController().signal) {
  const texts: string[] = [];
  try {
    for await (const chunk of service.stream(
      { messages: [{ role: 'user', content: 'hi' }] },
      signal,
    )) {
      if (chunk.type === 'delta') texts.push(chunk.text);
    }
    return { texts };
  } catch (error) {
    return { texts, error: error as LlmError };
  }
}

const retryable = () =>
  new LlmError('upstream_unavailable', 'busy', {
    retryable: true,
    upstreamCode: 336100,
  });

describe('LlmService', () => {
  it('retries a retryable failure before the first token, then succeeds', async () => {
    const provider = new ScriptedProvider([
      fail(retryable()),
      fail(retryable()),
      reply('a', 'b'),
    ]);
    const result = await run(await serviceWith(provider));
    expect(result).toEqual({ texts: ['a', 'b'] });
    expect(provider.calls).toBe(3);
  });

  it('gives up after the configured number of retries', async () => {
    const provider = new ScriptedProvider([fail(retryable())]);
    const result = await run(await serviceWith(provider, { maxRetries: 2 }));
    expect(result.error?.code).toBe('upstream_unavailable');
    expect(provider.calls).toBe(3);
  });

  it('never retries once a delta went out: the partial text stays, the error surfaces', async () => {
    const provider = new ScriptedProvider([
      fail(retryable(), 'partial'),
      reply('again'),
    ]);
    const result = await run(await serviceWith(provider));
    expect(result.texts).toEqual(['partial']);
    expect(result.error?.code).toBe('upstream_unavailable');
    expect(provider.calls).toBe(1);
  });

  it('does not retry a non-retryable error', async () => {
    const provider = new ScriptedProvider([
      fail(new LlmError('upstream_bad_request', 'bad')),
      reply('x'),
    ]);
    const result = await run(await serviceWith(provider));
    expect(result.error?.code).toBe('upstream_bad_request');
    expect(provider.calls).toBe(1);
  });

  it('times out a provider that never sends a first token, and aborts its request', async () => {
    const provider = new ScriptedProvider([stall()]);
    const result = await run(await serviceWith(provider, { maxRetries: 0 }));
    expect(result.error?.code).toBe('upstream_timeout');
    expect(provider.signals[0].aborted).toBe(true);
  });

  it('times out an idle gap mid-stream, keeping the partial text', async () => {
    const provider = new ScriptedProvider([stall('one', 'two')]);
    const result = await run(await serviceWith(provider));
    expect(result.texts).toEqual(['one', 'two']);
    expect(result.error?.code).toBe('upstream_timeout');
    expect(result.error?.message).toContain('no new token');
  });

  describe('with the clock under test control', () => {
    beforeEach(() => vi.useFakeTimers());
    afterEach(() => vi.useRealTimers());

    const paced = (gapMs: number, ...texts: string[]): Step =>
      async function* () {
        for (const text of texts) {
          await new Promise((resolve) => setTimeout(resolve, gapMs));
          yield { type: 'delta', text };
        }
        yield { type: 'finish', finishReason: 'stop' };
      };

    it('restarts the idle limit with every token: a slow but steady reply runs past it', async () => {
      const provider = new ScriptedProvider([paced(80, 'a', 'b', 'c', 'd')]);
      const service = await serviceWith(provider, {
        firstTokenTimeoutMs: 100,
        idleTimeoutMs: 100,
      });
      const pending = run(service);
      await vi.advanceTimersByTimeAsync(400);
      expect(await pending).toEqual({ texts: ['a', 'b', 'c', 'd'] });
    });

    it('switches to the idle limit after the first token, even when it is shorter', async () => {
      const provider = new ScriptedProvider([stall('one')]);
      const service = await serviceWith(provider, {
        firstTokenTimeoutMs: 10_000,
        idleTimeoutMs: 100,
        maxRetries: 0,
      });
      let result: Awaited<ReturnType<typeof run>> | undefined;
      void run(service).then((settled) => (result = settled));
      await vi.advanceTimersByTimeAsync(100);
      expect(result?.texts).toEqual(['one']);
      expect(result?.error?.message).toContain('no new token, 0.1 s');
    });
  });

  it('reports cancellation when the caller aborts, and aborts the provider', async () => {
    const provider = new ScriptedProvider([stall('one')]);
    const controller = new AbortController();
    const service = await serviceWith(provider, { idleTimeoutMs: 10_000 });
    const pending = run(service, controller.signal);
    await vi.waitFor(() => expect(provider.signals.length).toBe(1));
    controller.abort();
    const result = await pending;
    expect(result.error?.code).toBe('cancelled');
    expect(provider.signals[0].aborted).toBe(true);
  });

  it('does not count the time its sink is behind against the idle limit', async () => {
    const provider = new ScriptedProvider([reply('a', 'b', 'c')]);
    const service = await serviceWith(provider, { idleTimeoutMs: 50 });
    const texts: string[] = [];
    await service.run(
      { messages: [] },
      new AbortController().signal,
      async (chunk) => {
        if (chunk.type !== 'delta') return;
        texts.push(chunk.text);
        // The client reads slowly: each delta is held three idle limits long.
        await new Promise((resolve) => setTimeout(resolve, 150));
      },
    );
    expect(texts).toEqual(['a', 'b', 'c']);
  });

  it('gives a sink’s failure back as it came, leaving the call', async () => {
    const provider = new ScriptedProvider([reply('a', 'b')]);
    const service = await serviceWith(provider);
    const gone = new Error('socket gone');
    await expect(
      service.run({ messages: [] }, new AbortController().signal, (chunk) => {
        if (chunk.type === 'delta') throw gone;
      }),
    ).rejects.toBe(gone);
    expect(provider.calls).toBe(1);
    expect(provider.signals[0].aborted).toBe(true);
  });

  it('aborts the provider’s signal before a sink’s failure reaches it, so it ends as cancelled', async () => {
    let abortedWhenThrown: boolean | undefined;
    const watching = new PushingProvider(async (signal, sink) => {
      try {
        await sink({ type: 'delta', text: 'a' });
      } catch (error) {
        abortedWhenThrown = signal.aborted;
        throw error;
      }
    });
    const service = await serviceWith(watching);
    const gone = new Error('socket gone');
    await expect(
      service.run({ messages: [] }, new AbortController().signal, () => {
        throw gone;
      }),
    ).rejects.toBe(gone);
    expect(abortedWhenThrown).toBe(true);
  });

  it('drops what a provider still pushes once its call is over', async () => {
    let late!: ChunkSink;
    const lingering = new PushingProvider(async (_signal, sink) => {
      await sink({ type: 'delta', text: 'a' });
      await sink({ type: 'finish', finishReason: 'stop' });
      late = sink;
    });
    const service = await serviceWith(lingering);
    const seen: LlmChunk[] = [];
    await service.run(
      { messages: [] },
      new AbortController().signal,
      (chunk) => void seen.push(chunk),
    );
    late({ type: 'delta', text: 'too late' });
    expect(seen.map((chunk) => chunk.type)).toEqual(['delta', 'finish']);
  });

  it('waits at least what the upstream asked for (Retry-After), within the cap', async () => {
    const provider = new ScriptedProvider([
      fail(
        new LlmError('upstream_rate_limited', 'slow down', {
          retryable: true,
          retryAfterMs: 40,
        }),
      ),
      reply('ok'),
    ]);
    const service = await serviceWith(provider, { retryMaxMs: 1_000 });
    // Each retry is announced with its delay: "…, retry 1/2 in 40 ms".
    const warn = vi
      .spyOn(Logger.prototype, 'warn')
      .mockImplementation(() => {});
    for await (const chunk of service.stream(
      { messages: [] },
      new AbortController().signal,
    )) {
      void chunk;
    }
    const delays = warn.mock.calls.map(([message]) =>
      Number(/ in (\d+) ms$/.exec(String(message))?.[1]),
    );
    warn.mockRestore();
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThanOrEqual(40);
  });
});
