import { pumpIterable, type ChunkSink } from '../llm/chunk-sink.js';
import { LlmError } from '../llm/llm-error.js';
import type { LlmService } from '../llm/llm.service.js';
import type { LlmChunk } from '../llm/llm.types.js';
import { InFlightReplies } from './in-flight-replies.js';
import { ReplyFailure, SHUTDOWN_REASON, type ReplySink } from './reply.js';
import { ReplyRunner } from './reply-runner.js';

const REQUEST = { messages: [{ role: 'user' as const, content: 'hi' }] };

/** An `LlmService` whose call pushes `chunks`, then stays open until aborted when `hang` is set. */
function fakeLlm(
  chunks: LlmChunk[],
  options: { hang?: boolean; fail?: unknown } = {},
) {
  const signals: AbortSignal[] = [];
  const llm = {
    model: 'default-model',
    async *stream(_request: unknown, signal: AbortSignal) {
      signals.push(signal);
      for (const chunk of chunks) yield chunk;
      if (options.fail) throw options.fail;
      if (options.hang) {
        await new Promise((_resolve, reject) => {
          if (signal.aborted) reject(LlmError.cancelled());
          signal.addEventListener('abort', () => reject(LlmError.cancelled()), {
            once: true,
          });
        });
      }
    },
    run(request: unknown, signal: AbortSignal, sink: ChunkSink) {
      return pumpIterable(llm.stream(request, signal), sink);
    },
  };
  return { llm: llm as unknown as LlmService, signals };
}

/** A sink that records every call, in order. */
function recordingSink() {
  const calls: [string, unknown][] = [];
  const sink: Required<ReplySink> = {
    route: (model) => void calls.push(['route', model]),
    text: (delta) => void calls.push(['text', delta]),
    toolCall: (delta) => void calls.push(['toolCall', delta]),
    usage: (usage) => void calls.push(['usage', usage]),
    end: (reply) => void calls.push(['end', reply]),
    fail: (failure) => void calls.push(['fail', failure.partial]),
  };
  return { sink, calls };
}

describe('ReplyRunner', () => {
  it('folds the chunks once into the reply and hands each piece to the sink in order', async () => {
    const usage = { promptTokens: 1, completionTokens: 2, totalTokens: 3 };
    const { llm } = fakeLlm([
      { type: 'route', model: 'm2', deployment: 'd' },
      { type: 'delta', text: 'Hel' },
      { type: 'tool_call', index: 1, id: 'b', name: 'g', argumentsDelta: '{' },
      { type: 'tool_call', index: 0, id: 'a', name: 'f', argumentsDelta: '{}' },
      { type: 'delta', text: 'lo' },
      { type: 'tool_call', index: 1, argumentsDelta: '}' },
      { type: 'finish', finishReason: 'tool_calls', usage },
    ]);
    const runner = new ReplyRunner(llm, new InFlightReplies());
    const { sink, calls } = recordingSink();

    const reply = await runner.start(REQUEST, sink);

    expect(reply).toEqual({
      text: 'Hello',
      toolCalls: [
        { id: 'a', name: 'f', arguments: '{}' },
        { id: 'b', name: 'g', arguments: '{}' },
      ],
      finishReason: 'tool_calls',
      usage,
      model: 'm2',
    });
    expect(calls.map(([kind]) => kind)).toEqual([
      'route',
      'text',
      'toolCall',
      'toolCall',
      'text',
      'toolCall',
      'usage',
      'end',
    ]);
    expect(calls.at(-1)).toEqual(['end', reply]);
  });

  it('says `stop` when the provider gave no finish reason, and works with an empty sink', async () => {
    const { llm } = fakeLlm([{ type: 'delta', text: 'x' }]);
    const runner = new ReplyRunner(llm, new InFlightReplies());
    await expect(runner.start(REQUEST, {})).resolves.toEqual({
      text: 'x',
      toolCalls: [],
      finishReason: 'stop',
    });
  });

  it('waits for a sink that is behind before reading the next chunk', async () => {
    const { llm } = fakeLlm([
      { type: 'delta', text: 'a' },
      { type: 'delta', text: 'b' },
      { type: 'finish', finishReason: 'stop' },
    ]);
    const runner = new ReplyRunner(llm, new InFlightReplies());
    const seen: string[] = [];
    let catchUp!: () => void;
    const run = runner.start(REQUEST, {
      text: (delta) => {
        seen.push(delta);
        if (delta === 'a')
          return new Promise<void>((resolve) => (catchUp = resolve));
      },
    });
    await vi.waitFor(() => expect(seen).toEqual(['a']));
    await Promise.resolve();
    expect(seen).toEqual(['a']);
    catchUp();
    await run;
    expect(seen).toEqual(['a', 'b']);
  });

  it('rejects with the error, the reply so far and no stop reason when the call fails', async () => {
    const error = new LlmError('upstream_unavailable', 'down');
    const { llm } = fakeLlm([{ type: 'delta', text: 'par' }], { fail: error });
    const runner = new ReplyRunner(llm, new InFlightReplies());
    const { sink, calls } = recordingSink();

    const failure = await runner.start(REQUEST, sink).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(ReplyFailure);
    expect(failure).toMatchObject({
      error,
      stopped: false,
      stopReason: undefined,
      partial: { text: 'par', toolCalls: [], finishReason: 'stop' },
    });
    expect(calls.map(([kind]) => kind)).toEqual(['text', 'fail']);
  });

  it('stops under its own signal when the caller aborts, keeping the caller’s reason', async () => {
    const { llm, signals } = fakeLlm([{ type: 'delta', text: 'a' }], {
      hang: true,
    });
    const runner = new ReplyRunner(llm, new InFlightReplies());
    const caller = new AbortController();
    const run = runner.start(REQUEST, {}, { signal: caller.signal });
    await vi.waitFor(() => expect(signals).toHaveLength(1));
    expect(signals[0]).not.toBe(caller.signal);

    caller.abort('requested');

    await expect(run).rejects.toMatchObject({
      stopped: true,
      stopReason: 'requested',
      partial: { text: 'a' },
    });
  });

  it('is tracked while it runs, and stopped by the drain with the shutdown reason', async () => {
    const { llm } = fakeLlm([], { hang: true });
    const inFlight = new InFlightReplies();
    const runner = new ReplyRunner(llm, inFlight);
    const failed: unknown[] = [];
    const run = runner.start(REQUEST, {
      fail: (failure) => void failed.push(failure.stopReason),
    });
    run.catch(() => undefined);
    expect(inFlight.size).toBe(1);

    await inFlight.drain(0);

    expect(failed).toEqual([SHUTDOWN_REASON]);
    expect(inFlight.size).toBe(0);
  });
});
