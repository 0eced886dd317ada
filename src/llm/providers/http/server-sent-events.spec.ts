import {
  readServerSentEvents,
  ServerSentEventsError,
} from './server-sent-events.js';

function bodyOf(...parts: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(encoder.encode(part));
      controller.close();
    },
  });
}

async function collect(
  body: ReadableStream<Uint8Array>,
  onStrayLine?: (line: string) => void,
) {
  const events: string[] = [];
  for await (const event of readServerSentEvents(body, { onStrayLine })) {
    events.push(event.data);
  }
  return events;
}

describe('readServerSentEvents', () => {
  it('parses events whatever the chunking, even split inside a character', async () => {
    const text = 'data: {"result":"你好"}\n\ndata: {"result":"!"}\r\n\r\n';
    const bytes = new TextEncoder().encode(text);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const byte of bytes) controller.enqueue(Uint8Array.of(byte));
        controller.close();
      },
    });
    expect(await collect(body)).toEqual([
      '{"result":"你好"}',
      '{"result":"!"}',
    ]);
  });

  it('keeps a last event that lacks its blank line', async () => {
    expect(await collect(bodyOf('data: a\n\ndata: b'))).toEqual(['a', 'b']);
  });

  it('hands lines that are not SSE fields to onStrayLine', async () => {
    const stray: string[] = [];
    const events = await collect(
      bodyOf('{"error_code":336003,"error_msg":"bad"}'),
      (line) => stray.push(line),
    );
    expect(events).toEqual([]);
    expect(stray).toEqual(['{"error_code":336003,"error_msg":"bad"}']);
  });

  it('fails on an event larger than the limit', async () => {
    const run = async () => {
      for await (const event of readServerSentEvents(
        bodyOf(`data: ${'x'.repeat(200)}`),
        { maxEventChars: 100 },
      )) {
        expect(event).toBeUndefined();
      }
    };
    await expect(run()).rejects.toBeInstanceOf(ServerSentEventsError);
  });

  it('cancels the body when the consumer stops early', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('data: a\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const event of readServerSentEvents(body)) {
      expect(event.data).toBe('a');
      break;
    }
    expect(cancelled).toBe(true);
  });
});
