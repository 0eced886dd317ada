import {
  RedisConnections,
  type RedisConnectionOptions,
} from '../../src/redis/redis-connections.js';
import { startRedisServer, type RedisServer } from './redis-server.js';

/**
 * A real `redis-server` for the life of a spec file, and `open()` for
 * connections to it: each one stands for an instance of the app, and all are
 * closed, then the server stopped, after the file's last test.
 */
export function useRedisConnections(
  options: Omit<RedisConnectionOptions, 'url'>,
): { open: () => Promise<RedisConnections>; server: () => RedisServer } {
  let server: RedisServer | undefined;
  const opened: RedisConnections[] = [];
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await Promise.all(opened.splice(0).map((redis) => redis.close()));
    await server?.dispose();
  });
  const running = () => {
    if (!server) throw new Error('the Redis server is not started yet');
    return server;
  };
  return {
    server: running,
    open: async () => {
      const redis = await RedisConnections.open({
        url: running().url,
        ...options,
      });
      opened.push(redis);
      return redis;
    },
  };
}
