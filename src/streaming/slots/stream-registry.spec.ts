import { EventEmitter } from 'node:events';
import { Test } from '@nestjs/testing';
import {
  STREAM_REGISTRY_SETTINGS,
  type StreamRegistrySettings,
} from './stream-registry.settings.js';
import { StreamRegistry, type StreamConnection } from './stream-registry.js';

const SETTINGS: StreamRegistrySettings = {
  maxStreams: 3,
  maxPerIp: 2,
  maxPerKey: 1,
};

/** A response still being written: its slot is held until it finishes or closes. */
const openResponse = () =>
  Object.assign(new EventEmitter(), {
    writableFinished: false,
    destroyed: false,
  }) as EventEmitter & StreamConnection;

describe('StreamRegistry', () => {
  let registry: StreamRegistry;

  beforeEach(async () => {
    const module = await Test.createTestingModule({
      providers: [
        StreamRegistry,
        { provide: STREAM_REGISTRY_SETTINGS, useValue: SETTINGS },
      ],
    }).compile();
    registry = module.get(StreamRegistry);
  });

  it('refuses a client past its limit and everyone past the total, with a 429 naming the setting; a release frees the slot once', () => {
    const ip = { kind: 'ip', id: '10.0.0.1' } as const;
    const first = registry.acquire(ip);
    registry.acquire(ip);
    expect(() => registry.acquire(ip)).toThrow(
      expect.objectContaining({
        status: 429,
        code: 'too_many_streams_per_client',
        message: expect.stringContaining('SSE_MAX_STREAMS_PER_IP'),
      }),
    );
    first.release();
    first.release();
    expect(registry.openStreams).toBe(1);
    registry.acquire(ip);

    registry.acquire({ kind: 'key', id: 'k_aaaaaaaaaaaa' });
    // SSE_MAX_STREAMS (3) is reached, whoever asks next.
    expect(() =>
      registry.acquire({ kind: 'key', id: 'k_bbbbbbbbbbbb' }),
    ).toThrow(expect.objectContaining({ code: 'too_many_streams' }));
  });

  it('applies the per-key limit to keys, each key on its own', () => {
    registry.acquire({ kind: 'key', id: 'k_aaaaaaaaaaaa' });
    expect(() =>
      registry.acquire({ kind: 'key', id: 'k_aaaaaaaaaaaa' }),
    ).toThrow(
      expect.objectContaining({
        message: expect.stringContaining('MAX_STREAMS_PER_KEY'),
      }),
    );
    registry.acquire({ kind: 'key', id: 'k_bbbbbbbbbbbb' });
    expect(registry.openStreams).toBe(2);
  });

  it('holds a released slot until its response has finished', () => {
    const response = openResponse();
    registry.acquire({ kind: 'ip', id: '10.0.0.2' }, response).release();
    expect(registry.openStreams).toBe(1);
    response.emit('finish');
    response.emit('close');
    expect(registry.openStreams).toBe(0);
  });
});
