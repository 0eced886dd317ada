import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ResponseCorker } from './response-corker.js';

/** A response that records cork/uncork and lets the test set its backlog. */
class FakeResponse {
  corks = 0;
  writableLength = 0;
  readonly calls: string[] = [];
  cork(): void {
    this.corks++;
    this.calls.push('cork');
  }
  uncork(): void {
    this.corks--;
    this.calls.push('uncork');
  }
}

/** A response written on its own tick per event, as Nest writes them. */
function piped(corker: ResponseCorker) {
  const response = new FakeResponse();
  const write = () =>
    new Promise<void>((resolve) =>
      process.nextTick(() => {
        corker.written(response);
        resolve();
      }),
    );
  return { response, write };
}

describe('ResponseCorker', () => {
  it('corks a response on its first write of a turn and uncorks it once, at the end of the turn', async () => {
    const corker = new ResponseCorker();
    const { response, write } = piped(corker);
    for (let i = 0; i < 5; i++) await write();
    expect(response.calls).toEqual(['cork']);
    await nextTurn();
    expect(response.calls).toEqual(['cork', 'uncork']);
    expect(response.corks).toBe(0);
    await write();
    await nextTurn();
    expect(response.calls).toEqual(['cork', 'uncork', 'cork', 'uncork']);
  });

  it('uncorks every response written in the turn', async () => {
    const corker = new ResponseCorker();
    const streams = [piped(corker), piped(corker), piped(corker)];
    await Promise.all(streams.map(({ write }) => write()));
    expect(streams.map(({ response }) => response.corks)).toEqual([1, 1, 1]);
    await nextTurn();
    expect(streams.map(({ response }) => response.corks)).toEqual([0, 0, 0]);
  });

  it('flushes a large burst as it grows instead of holding it until the end of the turn', async () => {
    const corker = new ResponseCorker();
    const { response, write } = piped(corker);
    await write();
    response.writableLength = 8 * 1024;
    await write();
    expect(response.calls).toEqual(['cork', 'uncork', 'cork']);
    expect(response.corks).toBe(1);
    await nextTurn();
    expect(response.corks).toBe(0);
  });
});
