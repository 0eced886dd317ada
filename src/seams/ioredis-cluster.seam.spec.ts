import { EventEmitter } from 'node:events';
import { Cluster } from 'ioredis';
import { shardedSubscriberEvents } from './ioredis-cluster.seam.js';

describe('ioredis cluster seam (fails when ioredis changes the private field)', () => {
  it('finds the sharded subscriber group’s emitter on a Cluster built with shardedSubscribers', () => {
    const cluster = new Cluster([{ host: '127.0.0.1', port: 1 }], {
      lazyConnect: true,
      shardedSubscribers: true,
    });
    try {
      expect(shardedSubscriberEvents(cluster)).toBeInstanceOf(EventEmitter);
    } finally {
      cluster.disconnect();
    }
  });
});
