import { freePort } from '../../test/support/redis-server.js';
import { RedisConnections } from './redis-connections.js';
import { redactRedisUrl } from './redis-topology.js';

describe('RedisConnections', () => {
  it('refuses to start when Redis is unreachable, naming REDIS_URL without its password', async () => {
    const port = await freePort();
    const started = Date.now();
    const opening = RedisConnections.open({
      url: `redis://admin:s3cret@127.0.0.1:${port}/0`,
      keyPrefix: 'x:',
    });
    await expect(opening).rejects.toThrow(
      `Cannot reach Redis at redis://127.0.0.1:${port}/0 (REDIS_URL): connect ECONNREFUSED`,
    );
    await opening.catch((error: Error) =>
      expect(error.message).not.toContain('s3cret'),
    );
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('redacts credentials from a URL', () => {
    expect(redactRedisUrl('rediss://user:pw@redis.internal:6380/2')).toBe(
      'rediss://redis.internal:6380/2',
    );
    expect(redactRedisUrl('redis://:pw@localhost')).toBe('redis://localhost');
    expect(redactRedisUrl('::')).toBe('(an invalid URL)');
  });
});
