import {
  pulled,
  pumpIterable,
  pushEach,
  type ChunkSink,
} from './chunk-sink.js';
import { LlmProvider } from './llm-provider.js';
import type { LlmChunk, LlmRequest } from './llm.types.js';

const delta = (text: string): LlmChunk => ({ type: 'delta', text });

async function* yielded(...chunks: LlmChunk[]): AsyncGenerator<LlmChunk> {
  for (const chunk of chunks) yield chunk;
}

describe('pumpIterable', () => {
  it('pushes every chunk in order, holding the next while the sink is behind', async () => {
    const seen: string[] = [];
    let release!: () => void;
    const done = pumpIterable(yielded(delta('a'), delta('b')), (chunk) => {
      seen.push((chunk as { text: string }).text);
      if (seen.length === 1) {
        return new Promise<void>((resolve) => (release = resolve));
      }
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(['a']);
    release();
    await done;
    expect(seen).toEqual(['a', 'b']);
  });
});

describe('pushEach', () => {
  it('pushes chunks that came together in a row, and hands back a hold the sink asked for', () => {
    const seen: string[] = [];
    const hold = Promise.resolve();
    const behind = pushEach([delta('a'), delta('b'), delta('c')], (chunk) => {
      const { text } = chunk as { text: string };
      seen.push(text);
      return text === 'b' ? hold : undefined;
    });
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(behind).toBe(hold);
    expect(pushEach([delta('d')], () => undefined)).toBeUndefined();
  });
});

describe('pulled', () => {
  /** A push call the test drives: it pushes `chunks`, then settles as told. */
  function call(chunks: LlmChunk[], end: 'resolve' | Error = 'resolve') {
    const signals: AbortSignal[] = [];
    const pushed: string[] = [];
    const start = async (signal: AbortSignal, sink: ChunkSink) => {
      signals.push(signal);
      for (const chunk of chunks) {
        // As a provider does: an aborted call pushes nothing more.
        if (signal.aborted) throw new Error('aborted');
        pushed.push((chunk as { text: string }).text);
        await sink(chunk);
      }
      if (end !== 'resolve') throw end;
    };
    return { start, signals, pushed };
  }

  it('yields the chunks in order, each pushed only when the consumer asks for it', async () => {
    const { start, pushed } = call([delta('a'), delta('b'), delta('c')]);
    const seen: string[] = [];
    for await (const chunk of pulled(start, new AbortController().signal)) {
      seen.push((chunk as { text: string }).text);
      // The producer waits for the consumer: nothing was pushed ahead.
      expect(pushed).toHaveLength(seen.length);
    }
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('throws the call’s error after the chunks that came before it', async () => {
    const { start } = call([delta('a')], new Error('upstream gone'));
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const chunk of pulled(start, new AbortController().signal)) {
          seen.push((chunk as { text: string }).text);
        }
      })(),
    ).rejects.toThrow('upstream gone');
    expect(seen).toEqual(['a']);
  });

  it('leaves the call when the consumer stops early, and passes the caller’s abort on', async () => {
    const early = call([delta('a'), delta('b')]);
    for await (const chunk of pulled(
      early.start,
      new AbortController().signal,
    )) {
      expect(chunk).toEqual(delta('a'));
      break;
    }
    expect(early.signals[0].aborted).toBe(true);
    expect(early.pushed).toEqual(['a']);

    const caller = new AbortController();
    const aborted = call([delta('a')]);
    const iterator = pulled(aborted.start, caller.signal)[
      Symbol.asyncIterator
    ]();
    await iterator.next();
    caller.abort(new Error('client left'));
    expect(aborted.signals[0].reason).toMatchObject({ message: 'client left' });
  });
});

describe('LlmProvider', () => {
  class Neither extends LlmProvider {
    readonly name = 'neither';
    readonly model = 'm';
  }
  class Pushing extends LlmProvider {
    readonly name = 'pushing';
    readonly model = 'm';
    override async pump(
      _request: LlmRequest,
      _signal: AbortSignal,
      sink: ChunkSink,
    ): Promise<void> {
      await sink(delta('pushed'));
      await sink({ type: 'finish', finishReason: 'stop' });
    }
  }
  class Yielding extends LlmProvider {
    readonly name = 'yielding';
    readonly model = 'm';
    override stream(): AsyncIterable<LlmChunk> {
      return yielded(delta('yielded'), {
        type: 'finish',
        finishReason: 'stop',
      });
    }
  }
  const request: LlmRequest = { messages: [] };

  it('refuses a provider that implements neither shape of a call', () => {
    expect(() => new Neither()).toThrow(
      'Neither must implement pump() or stream()',
    );
  });

  it('derives each shape of a call from the other', async () => {
    const pulledChunks: LlmChunk[] = [];
    for await (const chunk of new Pushing().stream(
      request,
      new AbortController().signal,
    )) {
      pulledChunks.push(chunk);
    }
    expect(pulledChunks[0]).toEqual(delta('pushed'));
    const pushedChunks: LlmChunk[] = [];
    await new Yielding().pump(
      request,
      new AbortController().signal,
      (chunk) => void pushedChunks.push(chunk),
    );
    expect(pushedChunks[0]).toEqual(delta('yielded'));
    expect(pushedChunks).toHaveLength(2);
  });
});
