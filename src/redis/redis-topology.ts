/** A `host:port` pair of a cluster seed node or a sentinel. */
export interface RedisNode {
  host: string;
  port: number;
}

/**
 * Where the instance finds Redis: one server (`REDIS_URL`), a Redis Cluster
 * (`REDIS_CLUSTER_NODES`, any few of its nodes) or a master watched by
 * Sentinel (`REDIS_SENTINELS` and `REDIS_SENTINEL_NAME`).
 */
export type RedisTopology =
  | { kind: 'server'; url: string }
  | { kind: 'cluster'; nodes: RedisNode[]; credentials: RedisCredentials }
  | {
      kind: 'sentinel';
      sentinels: RedisNode[];
      name: string;
      credentials: RedisCredentials;
      /** The sentinels' own password, when they require one. */
      sentinelPassword?: string;
    };

/** The data nodes' credentials, for the topologies that have no URL to carry them. */
export interface RedisCredentials {
  username?: string;
  password?: string;
}

/** Parses `host:port,host:port`; throws naming `setting` on a bad entry. */
export function parseRedisNodes(raw: string, setting: string): RedisNode[] {
  return raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map((entry) => {
      const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(entry);
      const port = Number(match?.[2]);
      if (!match || port < 1 || port > 65535)
        throw new Error(
          `${setting} must list host:port pairs separated by commas; "${entry}" is not one`,
        );
      return { host: match[1].replace(/^\[|\]$/g, ''), port };
    });
}

/** The setting an operator should look at when this topology is unreachable. */
export function topologySetting(topology: RedisTopology): string {
  switch (topology.kind) {
    case 'server':
      return 'REDIS_URL';
    case 'cluster':
      return 'REDIS_CLUSTER_NODES';
    case 'sentinel':
      return 'REDIS_SENTINELS';
  }
}

/** The URL without its user name and password: safe in logs and errors. */
export function redactRedisUrl(raw: string): string {
  try {
    const url = new URL(raw);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return '(an invalid URL)';
  }
}

/** Where Redis is, without credentials: safe in logs and errors. */
export function describeTopology(topology: RedisTopology): string {
  const nodes = (list: { host: string; port: number }[]) =>
    list.map(({ host, port }) => `${host}:${port}`).join(',');
  switch (topology.kind) {
    case 'server':
      return redactRedisUrl(topology.url);
    case 'cluster':
      return `cluster ${nodes(topology.nodes)}`;
    case 'sentinel':
      return `${topology.name} via sentinels ${nodes(topology.sentinels)}`;
  }
}
