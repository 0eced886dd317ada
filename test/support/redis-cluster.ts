import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import {
  freePort,
  startRedisServer,
  type RedisServer,
} from './redis-server.js';

const run = promisify(execFile);
const REDIS_CLI = process.env.REDIS_CLI_BIN ?? 'redis-cli';

export interface RedisClusterNode {
  server: RedisServer;
  /** The node's cluster id. */
  id: string;
}

export interface RedisCluster {
  /** `host:port,host:port…` of the masters, for REDIS_CLUSTER_NODES. */
  seeds: string;
  masters: RedisClusterNode[];
  /** One replica of the first master, when asked for. */
  replica?: RedisClusterNode;
  /** The slot of a key (`CLUSTER KEYSLOT`). */
  keySlot(key: string): Promise<number>;
  /** The node that serves `slot` now. */
  ownerOf(slot: number): Promise<number>;
  /** Runs one command on a node and returns its reply. */
  command(port: number, ...args: string[]): Promise<unknown>;
  dispose(): Promise<void>;
}

/**
 * A real Redis Cluster for tests: three masters (`--cluster-enabled yes`,
 * slots given by `redis-cli --cluster create`) and, if asked, one replica of
 * the first master for failover tests; loopback only, free ports, nothing
 * persisted. Resolves once every node reports `cluster_state:ok` (and the
 * replica is in sync).
 */
export async function startRedisCluster(
  options: { replica?: boolean } = {},
): Promise<RedisCluster> {
  const servers: RedisServer[] = [];
  const clients = new Map<number, Redis>();
  const client = (port: number) => {
    let redis = clients.get(port);
    if (!redis) {
      redis = new Redis({ port, host: '127.0.0.1', lazyConnect: false });
      redis.on('error', () => undefined);
      clients.set(port, redis);
    }
    return redis;
  };
  const command = (port: number, ...args: string[]) =>
    client(port).call(args[0], ...args.slice(1));
  const dispose = async () => {
    for (const redis of clients.values()) redis.disconnect();
    await Promise.all(servers.map((server) => server.dispose()));
  };
  const busPorts = new Map<RedisServer, number>();
  const startNode = async () => {
    const busPort = await freePort();
    const server = await startRedisServer({
      args: [
        '--cluster-enabled',
        'yes',
        '--cluster-port',
        String(busPort),
        '--cluster-config-file',
        'nodes.conf',
        '--cluster-node-timeout',
        '2000',
        // A replica's first sync starts at once, not after the default 5 s.
        '--repl-diskless-sync-delay',
        '0',
      ],
    });
    servers.push(server);
    busPorts.set(server, busPort);
    return server;
  };
  const nodeOf = async (server: RedisServer): Promise<RedisClusterNode> => ({
    server,
    id: String(await command(server.port, 'CLUSTER', 'MYID')),
  });
  try {
    const masters = [await startNode(), await startNode(), await startNode()];
    await run(REDIS_CLI, [
      '--cluster',
      'create',
      ...masters.map((m) => `127.0.0.1:${m.port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    const nodes = await Promise.all(masters.map(nodeOf));
    let replica: RedisClusterNode | undefined;
    if (options.replica) {
      const server = await startNode();
      await command(
        server.port,
        'CLUSTER',
        'MEET',
        '127.0.0.1',
        String(masters[0].port),
        String(busPorts.get(masters[0])),
      );
      await until(async () => {
        const known = String(await command(server.port, 'CLUSTER', 'NODES'));
        return known.includes(nodes[0].id);
      }, 'the replica to learn the cluster');
      await command(server.port, 'CLUSTER', 'REPLICATE', nodes[0].id);
      await until(async () => {
        const info = String(await command(server.port, 'INFO', 'replication'));
        return info.includes('master_link_status:up');
      }, 'the replica to sync');
      replica = await nodeOf(server);
    }
    for (const server of servers) {
      await until(async () => {
        const info = String(await command(server.port, 'CLUSTER', 'INFO'));
        return info.includes('cluster_state:ok');
      }, `node ${server.port} to see the cluster ok`);
    }
    return {
      seeds: masters.map((m) => `127.0.0.1:${m.port}`).join(','),
      masters: nodes,
      replica,
      keySlot: async (key) =>
        Number(await command(masters[0].port, 'CLUSTER', 'KEYSLOT', key)),
      ownerOf: async (slot) => {
        for (const server of servers) {
          const slots = (await command(server.port, 'CLUSTER', 'SLOTS').catch(
            () => [],
          )) as [number, number, [string, number]][];
          const owner = slots.find(([from, to]) => slot >= from && slot <= to);
          if (owner) return owner[2][1];
        }
        throw new Error(`no node serves slot ${slot}`);
      },
      command,
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** Polls `check` until it holds, up to 20 s. */
export async function until(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
