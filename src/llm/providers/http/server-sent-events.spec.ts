import { PassThrough, Readable } from 'node:stream';
import {
  pumpServerSentEvents,
  ServerSentEventsError,
} from './server-sent-events.js';

describe('pumpServerSentEvents', () => {
  /** A Node body the test writes to, with undici's `dump()`. */
  function nodeBody() {
    const body = new PassThrough() as PassThrough & {
      dump: () => Promise<void>;
      dumped: boolean;
    };
    body.dumped = false;
    body.dump = () => {
      body.dumped = true;
      body.resume();
      return Promise.resolve();
    };
    return body;
  }

  it('hands each event over as its bytes arrive, whatever the chunking', async () => {
    const events: string[] = [];
    const bytes = new TextEncoder().encode('data: 你好\n\ndata: b\n\ndata: c');
    const body = Readable.from(
      [...bytes].map((byte) => Buffer.of(byte)),
      { objectMode: false },
    );
    await pumpServerSentEvents(body, (event) => void events.push(event.data));
    expect(events).toEqual(['你好', 'b', 'c']);
  });

  it('stops when asked, and drains the rest of the body without destroying it', async () => {
    const body = nodeBody();
    const events: string[] = [];
    const done = pumpServerSentEvents(body, (event, stop) => {
      events.push(event.data);
      if (event.data === 'stop') stop();
    });
    body.write('data: a\n\ndata: stop\n\ndata: late\n\n');
    await done;
    expect(events).toEqual(['a', 'stop']);
    expect(body.dumped).toBe(true);
    expect(body.destroyed).toBe(false);
  });

  it('holds the body while the handler is behind, then goes on', async () => {
    const body = nodeBody();
    const events: string[] = [];
    let release!: () => void;
    const done = pumpServerSentEvents(body, (event) => {
      events.push(event.data);
      if (event.data === 'slow') {
        return new Promise<void>((resolve) => (release = resolve));
      }
    });
    body.write('data: slow\n\n');
    await new Promise((resolve) => setImmediate(resolve));
    expect(body.isPaused()).toBe(true);
    body.write('data: next\n\n');
    body.end();
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(['slow']);
    release();
    await done;
    expect(events).toEqual(['slow', 'next']);
  });

  it('once stopped, hands nothing more over, and resolves when the last hold settles', async () => {
    const body = nodeBody();
    const events: string[] = [];
    let release!: () => void;
    let resolved = false;
    const done = pumpServerSentEvents(body, (event, stop) => {
      events.push(event.data);
      stop();
      return new Promise<void>((resolve) => (release = resolve));
    }).then(() => (resolved = true));
    body.write('data: last\n\ndata: after\n\n');
    await new Promise((resolve) => setImmediate(resolve));
    expect(resolved).toBe(false);
    release();
    await done;
    expect(events).toEqual(['last']);
    expect(body.dumped).toBe(true);
  });

  it('rejects with what the handler threw, and drains the body', async () => {
    const body = nodeBody();
    const done = pumpServerSentEvents(body, () => {
      throw new SyntaxError('bad json');
    });
    body.write('data: {\n\n');
    await expect(done).rejects.toBeInstanceOf(SyntaxError);
    expect(body.dumped).toBe(true);
  });

  it('rejects with a rejected hold, a framing fault, or the body’s error', async () => {
    const held = nodeBody();
    const holding = pumpServerSentEvents(held, () =>
      Promise.reject(new Error('consumer failed')),
    );
    held.write('data: a\n\n');
    await expect(holding).rejects.toThrow('consumer failed');

    const big = nodeBody();
    const framing = pumpServerSentEvents(big, () => undefined, {
      maxEventChars: 100,
    });
    big.end(`data: ${'x'.repeat(200)}`);
    await expect(framing).rejects.toBeInstanceOf(ServerSentEventsError);

    const broken = nodeBody();
    const failing = pumpServerSentEvents(broken, () => undefined);
    broken.destroy(new Error('socket hang up'));
    await expect(failing).rejects.toThrow('socket hang up');

    const closed = nodeBody();
    const cut = pumpServerSentEvents(closed, () => undefined);
    closed.destroy();
    await expect(cut).rejects.toThrow('closed before its end');
  });

  it('hands lines that are not SSE fields to onStrayLine', async () => {
    const stray: string[] = [];
    await pumpServerSentEvents(
      Readable.from([Buffer.from('{"error_code":1}')]),
      () => undefined,
      { onStrayLine: (line) => stray.push(line) },
    );
    expect(stray).toEqual(['{"error_code":1}']);
  });
});
