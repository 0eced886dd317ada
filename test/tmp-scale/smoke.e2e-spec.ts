import { startRedisCluster } from '../support/redis-cluster.js';
import { RedisConnections } from '../../src/redis/redis-connections.js';
import { parseRedisNodes } from '../../src/redis/redis-topology.js';
import { RedisChatEventBus } from '../../src/bus/redis/redis-chat-event-bus.js';
import { Collected } from '../support/collect.js';

it('smoke', async () => {
  const t0 = Date.now();
  const cluster = await startRedisCluster({ replica: true });
  console.log('cluster up in', Date.now() - t0);
  try {
    const open = () => RedisConnections.open({ topology: { kind: 'cluster', nodes: parseRedisNodes(cluster.seeds, 'x'), credentials: {} }, keyPrefix: 't:' });
    const a = await open(); const b = await open();
    const busA = new RedisChatEventBus(a, { replaySize: 100, replayTtlMs: 60000, presenceTtlMs: 1000 });
    const busB = new RedisChatEventBus(b, { replaySize: 100, replayTtlMs: 60000, presenceTtlMs: 1000 });
    const c = new Collected(busB.subscribe('conv1'));
    await c.until((v) => v.length === 1, 'ready');
    for (const id of ['conv1']) await busA.publish(id, { type: 'delta', data: { text: 'x' } });
    await c.until((v) => v.length === 2, 'live');
    console.log(c.values.map((e) => e.type));
    c.unsubscribe();
    await busA.close(); await busB.close(); await a.close(); await b.close();
  } finally { await cluster.dispose(); }
}, 60000);
