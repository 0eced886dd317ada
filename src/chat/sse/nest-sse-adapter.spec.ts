import 'reflect-metadata';
import { Controller, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Observable, of } from 'rxjs';
import { frameSse } from '../../bus/chat-event.js';
import {
  configureEventStreams,
  EventStreamRoute,
} from './event-stream-route.decorator.js';
import { SseFrame } from './nest-sse-adapter.js';

const FRAMES = [
  frameSse({ event: 'ready', id: '1-0', retry: 2000, data: '{"a":1}' }),
  frameSse({ id: '1-1', data: 'two\nlines' }),
  ': ping\n\n',
];

@Controller('t')
class FramesController {
  constructor() {
    configureEventStreams(FramesController, 1024);
  }

  @EventStreamRoute({
    prefix: 't',
    path: 'events',
    streamToken: { defaultConversation: 'default' },
  })
  events(): Observable<SseFrame> {
    return of(...FRAMES.map((frame) => new SseFrame(frame)));
  }
}

/**
 * Guards the one hook into Nest's `@Sse()` internals against an upgrade:
 * through a real Nest app and a real socket, pre-framed events must arrive
 * as they are (not re-framed as `data:` lines, which is what an unhooked
 * Nest would write), and the route must exist with the SSE headers.
 */
describe('Nest SSE adapter (real Nest app, real HTTP)', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [FramesController],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    url = `${await app.getUrl()}/t/events`;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('writes the frames of an event-stream route byte for byte', async () => {
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    // Nest's SseStream opens the body with a blank line.
    expect(await response.text()).toBe(`\n${FRAMES.join('')}`);
  });
});
