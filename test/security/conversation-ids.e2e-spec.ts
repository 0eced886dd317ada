import { Redis } from 'ioredis';
import { startApp, type AppProcess } from '../support/app-process.js';
import type { Accepted } from '../support/chat-helpers.js';
import {
  redisEnv,
  startRedisServer,
  type RedisServer,
} from '../support/redis-server.js';
import { SseClient } from '../support/sse-client.js';
import {
  bearer,
  callAs,
  keyIdOf,
  sendAs,
  type Answer,
} from '../support/tenants.js';

const KEY_A = 'ids-a-0123456789abcdef';
const KEY_B = 'ids-b-0123456789abcdef';
const ADMIN = 'ids-admin-0123456789abcdef';

let counter = 0;
const freshId = (name: string) => `${name}-${Date.now()}-${++counter}`;

/** The answer with the id taken out of its message, to compare two ids' answers. */
const shape = ({ status, body }: Answer, id: string) => ({
  status,
  code: body?.code,
  message:
    typeof body?.message === 'string'
      ? body.message.replaceAll(id, '<id>')
      : undefined,
});

/**
 * Issue #24, finding 5: key B subscribing to `c_1` and leaving made A get
 * 404 on `c_1` (in Redis for 7 days), and another key's id answered 404
 * where an unused one answered 200/202. Ids are now a namespace per key: the
 * same id under two keys is two conversations, and admins name the owner.
 */
describe.each([
  ['memory', false],
  ['redis', true],
])(
  'conversation ids cannot be squatted or probed (%s bus)',
  (_bus, withRedis) => {
    let redis: RedisServer | undefined;
    let prefix = '';
    let app: AppProcess;
    const clients: SseClient[] = [];

    const stream = async (key: string, query: string) => {
      const client = await SseClient.open(`${app.url}/server/events${query}`, {
        headers: bearer(key),
      });
      clients.push(client);
      return client;
    };
    const readyStream = async (key: string, query: string) => {
      const client = await stream(key, query);
      expect(client.response.status).toBe(200);
      await client.waitFor(
        (c) => c.ofType('ready').length > 0,
        10_000,
        'ready',
      );
      return client;
    };

    beforeAll(async () => {
      const env: Record<string, string> = {
        API_KEYS: `${KEY_A},${KEY_B}`,
        ADMIN_API_KEYS: ADMIN,
        MOCK_DELAY_MS: '40',
      };
      if (withRedis) {
        redis = await startRedisServer();
        const shared = redisEnv(redis, 'ids');
        prefix = shared.REDIS_KEY_PREFIX;
        Object.assign(env, shared);
      }
      app = await startApp(env);
    });
    afterEach(async () => {
      await Promise.all(clients.splice(0).map((c) => c.close()));
    });
    afterAll(async () => {
      await app?.stop();
      await redis?.dispose();
    });

    it('lets A use an id that B subscribed to first and left', async () => {
      const id = freshId('c');
      const squatter = await readyStream(KEY_B, `?conversationId=${id}`);
      await squatter.close();

      const owner = await readyStream(KEY_A, `?conversationId=${id}`);
      const sent = await sendAs(app, KEY_A, id, 'mine');
      expect(sent.status).toBe(202);
      const { messageId } = sent.body as unknown as Accepted;
      const end = JSON.parse(
        (await owner.waitForEnd(messageId, 20_000)).data,
      ) as {
        finishReason: string;
      };
      expect(end.finishReason).toBe('stop');
      expect(
        (await callAs(app, KEY_A, 'GET', `/server/conversations/${id}`)).status,
      ).toBe(200);
      expect(squatter.ofType('delta')).toHaveLength(0);
    });

    it("answers B the same for A's id as for an id nobody uses, and B's writes never reach A's", async () => {
      const id = freshId('used');
      const unused = freshId('unused');
      const owner = await readyStream(KEY_A, `?conversationId=${id}`);
      const first = await sendAs(app, KEY_A, id, 'secret plans');
      await owner.waitForEnd(
        (first.body as unknown as Accepted).messageId,
        20_000,
      );

      const both = async (
        act: (conversationId: string) => Promise<Answer>,
      ): Promise<void> => {
        const used = shape(await act(id), id);
        const free = shape(await act(unused), unused);
        expect(used).toEqual(free);
      };
      await both((c) =>
        callAs(app, KEY_B, 'GET', `/server/conversations/${c}`),
      );
      await both((c) =>
        callAs(app, KEY_B, 'POST', `/server/conversations/${c}/cancel`, {}),
      );
      await both((c) =>
        callAs(app, KEY_B, 'DELETE', `/server/conversations/${c}`),
      );
      await both(async (c) => {
        const client = await stream(KEY_B, `?conversationId=${c}`);
        await client.close();
        return { status: client.response.status, body: undefined };
      });
      await both(async (c) => {
        const answer = await sendAs(app, KEY_B, c, 'forged');
        return { status: answer.status, body: undefined };
      });

      const mine = await callAs(
        app,
        KEY_A,
        'GET',
        `/server/conversations/${id}`,
      );
      expect(mine.status).toBe(200);
      const turns = (mine.body as { turns: { content: string }[] }).turns;
      expect(turns.map((t) => t.content)).toContain('secret plans');
      expect(turns.map((t) => t.content)).not.toContain('forged');
    });

    it('lets an admin read, stream and cancel another key’s conversation only by naming its owner', async () => {
      const id = freshId('audited');
      const owner = await readyStream(KEY_A, `?conversationId=${id}`);
      const running = await sendAs(app, KEY_A, id, 'keep talking');
      const { messageId } = running.body as unknown as Accepted;
      const ownerQuery = `owner=${keyIdOf(KEY_A)}`;

      // Without the owner, the admin's own namespace: nothing there.
      expect(
        (await callAs(app, ADMIN, 'GET', `/server/conversations/${id}`)).status,
      ).toBe(404);
      expect(
        (
          await callAs(
            app,
            ADMIN,
            'GET',
            `/server/conversations/${id}?${ownerQuery}`,
          )
        ).status,
      ).toBe(200);
      const watching = await readyStream(
        ADMIN,
        `?conversationId=${id}&${ownerQuery}`,
      );
      // Deleting another's stays refused.
      expect(
        (
          await callAs(
            app,
            ADMIN,
            'DELETE',
            `/server/conversations/${id}?${ownerQuery}`,
          )
        ).status,
      ).toBe(403);
      const cancel = await callAs(
        app,
        ADMIN,
        'POST',
        `/server/conversations/${id}/cancel?${ownerQuery}`,
        {},
      );
      expect(cancel.status).toBe(202);
      const end = JSON.parse(
        (await owner.waitForEnd(messageId, 30_000)).data,
      ) as {
        finishReason: string;
      };
      expect(end.finishReason).toBe('cancelled');
      expect((await watching.waitForEnd(messageId, 30_000)).data).toBe(
        (await owner.waitForEnd(messageId)).data,
      );

      // A key that is not an admin cannot name another owner, whatever the id.
      for (const conversationId of [id, freshId('nobody')]) {
        expect(
          await callAs(
            app,
            KEY_B,
            'GET',
            `/server/conversations/${conversationId}?${ownerQuery}`,
          ),
        ).toMatchObject({ status: 403, body: { code: 'owner_not_allowed' } });
      }
    });

    it.runIf(withRedis)(
      'stores nothing in Redis for an id that was only subscribed to (no week-long claim)',
      async () => {
        const id = freshId('idle');
        const client = await readyStream(KEY_B, `?conversationId=${id}`);
        await client.close();
        const admin = await readyStream(
          ADMIN,
          `?conversationId=${id}&owner=${keyIdOf(KEY_A)}`,
        );
        await admin.close();
        const connection = new Redis(redis!.url);
        try {
          // Presence of a live stream may linger briefly; nothing is stored.
          const stored = (await connection.keys(`${prefix}*${id}*`)).filter(
            (key) => /:(meta|turns|generation)$/.test(key),
          );
          expect(stored).toEqual([]);
        } finally {
          connection.disconnect();
        }
      },
    );
  },
);
