import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { frameSse } from '../streaming/sse-framing.js';
import { CompletionStream } from './completion-stream.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((s) => new Promise((r) => s.close(r))),
  );
});

/** What each socket write of the response carried, in order (one entry per system call). */
function recordWrites(socket: Socket): string[] {
  const writes: string[] = [];
  const text = (chunk: unknown) =>
    Buffer.isBuffer(chunk) ? chunk.toString('latin1') : String(chunk);
  const write = socket._write.bind(socket);
  const writev = socket._writev!.bind(socket);
  socket._write = (chunk, encoding, callback) => {
    writes.push(text(chunk));
    write(chunk, encoding, callback);
  };
  socket._writev = (chunks, callback) => {
    writes.push(chunks.map(({ chunk }) => text(chunk)).join(''));
    writev(chunks, callback);
  };
  return writes;
}

/** Streams through a `CompletionStream` on a real Express response; resolves with the writes and the body read. */
async function serve(handle: (stream: CompletionStream) => Promise<void>) {
  let writes: string[] = [];
  const app = express();
  app.post('/', (_request, response) => {
    writes = recordWrites(response.socket!);
    void handle(new CompletionStream(response));
  });
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  const answer = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST' });
  const body = await answer.text();
  return { writes, body, answer };
}

describe('CompletionStream', () => {
  it('sends its headers with the first frame, in one socket write', async () => {
    const first = frameSse({ data: '{"n":1}' });
    const second = frameSse({ data: '{"n":2}' });
    const { writes, body, answer } = await serve(async (stream) => {
      expect(stream.started).toBe(false);
      expect(stream.sendFrame(first)).toBeUndefined();
      expect(stream.started).toBe(true);
      await nextTurn();
      expect(stream.sendFrame(second)).toBeUndefined();
      await nextTurn();
      await stream.done();
    });
    expect(answer.headers.get('content-type')).toBe(
      'text/event-stream; charset=utf-8',
    );
    expect(body).toBe(`${first}${second}data: [DONE]\n\n`);
    expect(writes[0]).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(writes[0]).toContain(first);
    expect(writes).toHaveLength(3);
  });
});
