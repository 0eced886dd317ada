import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { frameSse } from './sse-framing.js';
import { writeFrame } from './sse-frame-writer.js';

const servers: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((s) => new Promise((r) => s.close(r))),
  );
});

/** Serves one event-stream response through `handle`; resolves with the body a client read. */
async function serve(handle: (response: ServerResponse) => Promise<void>) {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/event-stream' });
    response.flushHeaders();
    void handle(response);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return (await fetch(`http://127.0.0.1:${port}/`)).text();
}

const frames = ['one', 'two', 'three'].map((data) => frameSse({ data }));

describe('writeFrame', () => {
  it('holds the frames of a turn on the corked connection and sends them at the end of the turn', async () => {
    const corked: number[] = [];
    const body = await serve(async (response) => {
      for (const frame of frames) {
        expect(writeFrame(response, frame, response.socket)).toBe(true);
      }
      // Past the tick in which Node corks a response's writes itself.
      await new Promise((resolve) => process.nextTick(resolve));
      corked.push(response.socket!.writableCorked);
      await nextTurn();
      corked.push(response.socket!.writableCorked);
      response.end();
    });
    expect(corked[0]).toBeGreaterThan(0);
    expect(corked[1]).toBe(0);
    expect(body).toBe(frames.join(''));
  });

  it('keeps every frame of a stream that ends in the turn it was written', async () => {
    // On Node 24 a corked response sent its terminating chunk before the
    // frames it held: corking the connection keeps their order.
    const body = await serve(async (response) => {
      for (const frame of frames) writeFrame(response, frame, response.socket);
      response.end();
    });
    expect(body).toBe(frames.join(''));
  });
});
