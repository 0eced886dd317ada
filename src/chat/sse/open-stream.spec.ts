import { Observable, Subject, type Subscriber } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { chatEvent, type ChatEvent } from '../../bus/chat-event.js';
import type { SseFrame } from '../../streaming/sse-frame.js';
import { OpenStream, type StreamHost } from './open-stream.js';

function setUp() {
  const frames: SseFrame[] = [];
  const calls: string[] = [];
  const host: StreamHost = {
    controlFrame: (event) => `control ${event.type}\n\n`,
    end: () => void calls.push('end'),
    closed: () => void calls.push('closed'),
  };
  const lease = { release: () => void calls.push('released') };
  // The subscriber Nest's subscription gives the route's Observable.
  let subscriber!: Subscriber<SseFrame>;
  new Observable<SseFrame>((given) => {
    subscriber = given;
  }).subscribe((frame) => void frames.push(frame));
  const stream = new OpenStream(subscriber, host, lease, {
    conversationId: 'c1',
    lastEventId: '1-0',
    client: { kind: 'ip', id: '127.0.0.1' },
  });
  const bus = new Subject<ChatEvent>();
  stream.listen(bus);
  return { frames, calls, stream, bus };
}

describe('OpenStream', () => {
  it('writes each event as its frame, control events as the host frames them, and keeps its position', () => {
    const { frames, stream, bus } = setUp();
    expect(stream.position).toBe('1-0');
    bus.next(chatEvent('c1', '1-1', 'ready', '{"conversationId":"c1"}'));
    const delta = chatEvent('c1', '1-2', 'delta', '{"text":"hi"}');
    bus.next(delta);
    expect(frames.map((f) => [f.data, f.event])).toEqual([
      ['control ready\n\n', 'ready'],
      [delta.frame, 'delta'],
    ]);
    expect(stream.position).toBe('1-2');
  });

  it('asks the host to end the response when the bus ends the subscription', () => {
    const { calls, bus } = setUp();
    bus.complete();
    expect(calls).toEqual(['end']);
  });

  it('on teardown stops reading the bus, tells the host and releases its slot', () => {
    const { frames, calls, stream, bus } = setUp();
    stream.unsubscribe();
    bus.next(chatEvent('c1', '1-3', 'delta', '{"text":"late"}'));
    expect(frames).toEqual([]);
    expect(calls).toEqual(['closed', 'released']);
  });
});
