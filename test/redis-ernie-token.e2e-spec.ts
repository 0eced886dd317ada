import { FakeErnie } from './fakes/fake-ernie.js';
import { startApp, type AppProcess } from './support/app-process.js';
import { ernieEnv, FAKE_CREDENTIALS } from './support/provider-env.js';
import {
  redisEnv,
  startRedisServer,
  type RedisServer,
} from './support/redis-server.js';
import { burstOfFirstRequests } from './support/token-burst.js';

describe('ERNIE access token shared by two instances through Redis (e2e)', () => {
  let redis: RedisServer;
  let fake: FakeErnie;
  let apps: AppProcess[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    // The token service is slow, so the first requests of both instances overlap.
    fake = await FakeErnie.start({ tokenDelayMs: 300 });
    const env = {
      ...ernieEnv(fake),
      ...redisEnv(redis, 'ernie'),
      SHUTDOWN_GRACE_MS: '0',
    };
    apps = await Promise.all([startApp(env), startApp(env)]);
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await fake?.close();
    await redis?.dispose();
  });

  it('20 simultaneous first requests spread over both instances cause one token request', async () => {
    await burstOfFirstRequests(apps, fake);
    expect(fake.tokenRequests).toHaveLength(1);
    expect(
      new Set(fake.chatRequests.map((r) => r.query.get('access_token'))),
    ).toEqual(new Set([fake.issuedTokens[0]]));
    for (const app of apps) {
      for (const secret of [...FAKE_CREDENTIALS, ...fake.issuedTokens])
        expect(app.output()).not.toContain(secret);
    }
  });
});
