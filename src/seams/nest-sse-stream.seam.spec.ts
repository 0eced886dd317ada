import 'reflect-metadata';
import {
  Controller,
  type MessageEvent,
  Req,
  type INestApplication,
  type LoggerService,
} from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { Test } from '@nestjs/testing';
import { Observable, of } from 'rxjs';
import { DiscoveryModule } from '@nestjs/core';
import { SseStream } from '@nestjs/core/router/sse-stream.js';
import fc from 'fast-check';
import { sseText } from '../../test/support/sse-text.js';
import { frameSse, PING_FRAME } from '../streaming/sse-framing.js';
import { EventStreamRoute } from '../streaming/event-stream-route.decorator.js';
import { EventStreamRoutes } from '../streaming/event-stream-routes.js';
import { SseFrame } from '../streaming/sse-frame.js';
import { STREAMING_SETTINGS } from '../streaming/streaming.settings.js';
import { installSeams } from './install-seams.js';

const FRAMES = [
  frameSse({ event: 'ready', id: '1-0', retry: 2000, data: '{"a":1}' }),
  frameSse({ id: '1-1', data: 'two\nlines' }),
  PING_FRAME,
];

@Controller('t')
class FramesController {
  @EventStreamRoute({
    prefix: 't',
    path: 'events',
  })
  events(): Observable<SseFrame> {
    return of(...FRAMES.map((frame) => new SseFrame(frame)));
  }

  /** A burst of frames in one turn, counting the socket writes that carry the response. */
  @EventStreamRoute({
    prefix: 't',
    path: 'burst',
  })
  burst(@Req() request: IncomingMessage): Observable<SseFrame> {
    burstWrites = countWrites(request.socket);
    return of(...BURST.map((frame) => new SseFrame(frame)));
  }

  /** Emits 1 KB frames until the client is dropped (at most 64 MB). */
  @EventStreamRoute({
    prefix: 't',
    path: 'flood',
  })
  flood(): Observable<SseFrame> {
    const frame = new SseFrame(frameSse({ data: 'x'.repeat(1024) }));
    return new Observable<SseFrame>((subscriber) => {
      let sent = 0;
      const timer = setInterval(() => {
        for (let i = 0; i < 256 && sent < 65_536; i++, sent++)
          subscriber.next(frame);
      }, 1);
      return () => {
        clearInterval(timer);
        droppedNow();
      };
    });
  }
}

const BURST = Array.from({ length: 20 }, (_, i) =>
  frameSse({ event: 'delta', id: `1-${i}`, data: `{"text":"${i}"}` }),
);
let burstWrites = () => 0;

/** Counts the writes a socket hands to the kernel (one per `write`/`writev`). */
function countWrites(socket: Socket): () => number {
  const writable = socket as unknown as Record<
    '_write' | '_writev',
    (...args: unknown[]) => void
  >;
  let writes = 0;
  for (const method of ['_write', '_writev'] as const) {
    const original = writable[method];
    writable[method] = function (this: unknown, ...args: unknown[]) {
      writes++;
      return original.apply(this, args);
    };
  }
  return () => writes;
}

let droppedNow = () => undefined as void;
const dropped = new Promise<void>((resolve) => (droppedNow = resolve));
const warnings: string[] = [];
const logger: LoggerService = {
  log: () => undefined,
  error: () => undefined,
  warn: (message: unknown) => void warnings.push(String(message)),
};

/**
 * Guards the one hook into Nest's `@Sse()` internals against an upgrade:
 * through a real Nest app and a real socket, pre-framed events must arrive
 * as they are (not re-framed as `data:` lines, which is what an unhooked
 * Nest would write), and the route must exist with the SSE headers; a
 * burst must leave in one socket write (the corker, fed by the hooked
 * writer); the pending limit declared from config must be the one Nest
 * enforces.
 */
describe('Nest SSE adapter (real Nest app, real HTTP)', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    installSeams();
    const moduleRef = await Test.createTestingModule({
      imports: [DiscoveryModule],
      controllers: [FramesController],
      providers: [
        EventStreamRoutes,
        { provide: STREAMING_SETTINGS, useValue: { maxPendingChars: 1024 } },
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger });
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('writes the frames of an event-stream route byte for byte', async () => {
    const response = await fetch(`${url}/t/events`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    // The body starts with the first field: no blank line before it (#25).
    expect(await response.text()).toBe(FRAMES.join(''));
  });

  it('sends a burst of frames written in one turn in one socket write, not one per frame', async () => {
    const response = await fetch(`${url}/t/burst`);
    expect(await response.text()).toBe(BURST.join(''));
    // The headers may leave on their own; the frames and the end together.
    expect(burstWrites()).toBeLessThanOrEqual(2);
  });

  it('drops a client that does not read past the pending limit declared by EventStreamRoutes', async () => {
    const { port } = new URL(url);
    const socket = connect(Number(port), '127.0.0.1');
    try {
      socket.write('GET /t/flood HTTP/1.1\r\nHost: localhost\r\n\r\n');
      // Never read: the frames wait, then Nest drops the connection.
      socket.pause();
      await dropped;
      expect(warnings.join('\n')).toContain('maximum allowed 1024');
    } finally {
      socket.destroy();
    }
  });
});

/** Any string at all, lone surrogates included. */
const anyString = fc.string({ unit: 'binary', maxLength: 40 });

/** What Nest's own `SseStream` (the `@Sse()` formatting the frames replace) writes for a message. */
async function nestFormat(message: MessageEvent): Promise<string> {
  const stream = new SseStream();
  let output = '';
  stream.on('data', (chunk: string) => (output += chunk));
  await new Promise<void>((resolve, reject) =>
    stream.writeMessage(message, (error?: Error | null) =>
      error ? reject(error) : resolve(),
    ),
  );
  return output;
}

describe("frameSse against Nest's SseStream (the formatting the seam replaces)", () => {
  it("frames every event byte for byte as Nest's SseStream did", async () => {
    const name = fc.constantFrom(undefined, 'delta', 'ready', 'shutdown');
    await fc.assert(
      fc.asyncProperty(
        name,
        fc.oneof(sseText, anyString),
        fc.option(fc.nat(), { nil: undefined }),
        async (type, data, retry) => {
          const id = '1764131282000-1';
          expect(frameSse({ event: type, id, retry, data })).toBe(
            await nestFormat({ type, id, retry, data }),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
