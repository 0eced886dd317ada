import { Redis } from 'ioredis';
import { until } from './redis-cluster.js';
import {
  freePort,
  startRedisServer,
  type RedisServer,
} from './redis-server.js';

export interface RedisSentinelSetup {
  /** `127.0.0.1:<port>` of the sentinel, for REDIS_SENTINELS. */
  sentinels: string;
  /** The master's name, for REDIS_SENTINEL_NAME. */
  name: string;
  master: RedisServer;
  replica: RedisServer;
  sentinel: RedisServer;
  /** The port of the master that the sentinel names now. */
  masterPort(): Promise<number>;
  /** Asks the sentinel to fail over now (`SENTINEL FAILOVER`). */
  failover(): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * A real Sentinel set-up for tests: a master, one replica and one
 * `redis-sentinel` (quorum 1, quick timeouts), loopback only, free ports,
 * nothing persisted. Resolves once the sentinel knows the replica, so that
 * a failover can be asked for at once.
 */
export async function startRedisSentinel(): Promise<RedisSentinelSetup> {
  const name = 'mymaster';
  const started: RedisServer[] = [];
  let client: Redis | undefined;
  const dispose = async () => {
    client?.disconnect();
    await Promise.all(started.map((server) => server.dispose()));
  };
  try {
    // A replica's first sync starts at once, not after the default 5 s.
    const master = await startRedisServer({
      args: ['--repl-diskless-sync-delay', '0'],
    });
    started.push(master);
    const replica = await startRedisServer({
      args: [
        '--replicaof',
        '127.0.0.1',
        String(master.port),
        // Once promoted, it syncs the demoted master at once too.
        '--repl-diskless-sync-delay',
        '0',
      ],
    });
    started.push(replica);
    const replicaClient = new Redis({ port: replica.port, host: '127.0.0.1' });
    replicaClient.on('error', () => undefined);
    await until(
      async () =>
        (await replicaClient.info('replication')).includes(
          'master_link_status:up',
        ),
      'the replica to sync',
    ).finally(() => replicaClient.disconnect());
    const sentinel = await startRedisServer({
      binary: process.env.REDIS_SENTINEL_BIN ?? 'redis-sentinel',
      port: await freePort(),
      config: [
        `sentinel monitor ${name} 127.0.0.1 ${master.port} 1`,
        `sentinel down-after-milliseconds ${name} 1000`,
        `sentinel failover-timeout ${name} 5000`,
        '',
      ].join('\n'),
    });
    started.push(sentinel);
    client = new Redis({ port: sentinel.port, host: '127.0.0.1' });
    client.on('error', () => undefined);
    const sentinelClient = client;
    await until(async () => {
      const replicas = (await sentinelClient.call(
        'SENTINEL',
        'REPLICAS',
        name,
      )) as string[][];
      return replicas.some(
        (fields) =>
          fields.includes(String(replica.port)) &&
          fields[fields.indexOf('flags') + 1] === 'slave',
      );
    }, 'the sentinel to discover the replica');
    return {
      sentinels: `127.0.0.1:${sentinel.port}`,
      name,
      master,
      replica,
      sentinel,
      masterPort: async () => {
        const [, port] = (await sentinelClient.call(
          'SENTINEL',
          'GET-MASTER-ADDR-BY-NAME',
          name,
        )) as [string, string];
        return Number(port);
      },
      failover: async () => {
        await sentinelClient.call('SENTINEL', 'FAILOVER', name);
      },
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}
