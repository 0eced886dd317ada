import { FakeErnie } from './fakes/fake-ernie.js';
import { FAKE_QIANFAN_API_KEY, FakeOpenAi } from './fakes/fake-openai.js';
import type { FakeUpstream } from './fakes/fake-upstream.js';
import { startApp, type AppProcess } from './support/app-process.js';
import { replyOf, subscribe, type Accepted } from './support/chat-helpers.js';
import {
  ATTEMPTS,
  ERNIE_CELLS,
  OPENAI_CELLS,
  REPLY,
  TRANSPORT_CELLS,
  type FaultCell,
} from './support/fault-cells.js';
import {
  ernieEnv,
  FAKE_CREDENTIALS,
  openAiEnv,
  qianfanEnv,
} from './support/provider-env.js';
import { eventually, postJson, type SseClient } from './support/sse-client.js';

const CONNECT_TIMEOUT_MS = 800;
const FIRST_TOKEN_TIMEOUT_MS = 1_000;
const IDLE_TIMEOUT_MS = 600;
const RETRY_MAX_MS = 50;
/**
 * The longest a reply may take in any cell: every attempt waits out its
 * longest timeout, plus the backoff, plus slack for a loaded CI machine.
 */
const DEADLINE_MS =
  ATTEMPTS * (CONNECT_TIMEOUT_MS + FIRST_TOKEN_TIMEOUT_MS) +
  RETRY_MAX_MS +
  4_000;

const TUNING = {
  LLM_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
  LLM_FIRST_TOKEN_TIMEOUT_MS: String(FIRST_TOKEN_TIMEOUT_MS),
  LLM_IDLE_TIMEOUT_MS: String(IDLE_TIMEOUT_MS),
  LLM_TOTAL_TIMEOUT_MS: '20000',
  LLM_MAX_RETRIES: String(ATTEMPTS - 1),
  LLM_RETRY_BASE_MS: '10',
  LLM_RETRY_MAX_MS: String(RETRY_MAX_MS),
  SHUTDOWN_GRACE_MS: '0',
  RATE_LIMIT_MAX: '100000',
};

interface Provider<F extends FakeUpstream> {
  name: string;
  start(): Promise<{ fake: F; env: Record<string, string> }>;
  cells: FaultCell<F>[];
  chatRequests(fake: F): FakeUpstream['requests'];
}

const ernie: Provider<FakeErnie> = {
  name: 'ernie',
  start: async () => {
    const fake = await FakeErnie.start();
    return { fake, env: ernieEnv(fake) };
  },
  cells: [...TRANSPORT_CELLS, ...ERNIE_CELLS],
  chatRequests: (fake) => fake.chatRequests,
};
const qianfan: Provider<FakeOpenAi> = {
  name: 'qianfan',
  start: async () => {
    const fake = await FakeOpenAi.start({ apiKey: FAKE_QIANFAN_API_KEY });
    return { fake, env: qianfanEnv(fake) };
  },
  cells: [...TRANSPORT_CELLS, ...OPENAI_CELLS],
  chatRequests: (fake) => fake.chatRequests,
};
const openai: Provider<FakeOpenAi> = {
  name: 'openai',
  start: async () => {
    const fake = await FakeOpenAi.start();
    return { fake, env: openAiEnv(fake) };
  },
  cells: [...TRANSPORT_CELLS, ...OPENAI_CELLS],
  chatRequests: (fake) => fake.chatRequests,
};

/**
 * Every cell: one fault, one reply. It must end within the timeouts with
 * `done` after a retry or exactly one typed `error` (with the partial text),
 * close every upstream connection it opened, and leave the app serving: the
 * next reply in the same conversation is accepted (so the first one has
 * published everything) and completes.
 */
describe.each([ernie, qianfan, openai] as Provider<FakeUpstream>[])(
  'upstream fault matrix: $name provider (e2e, fake upstream)',
  (provider) => {
    let fake: FakeUpstream;
    let app: AppProcess;
    let client: SseClient | undefined;
    let cellNumber = 0;

    beforeAll(async () => {
      const started = await provider.start();
      fake = started.fake;
      app = await startApp({ ...started.env, ...TUNING });
    });
    afterEach(async () => {
      await client?.close();
      client = undefined;
      fake.reset();
    });
    afterAll(async () => {
      for (const secret of FAKE_CREDENTIALS) {
        expect(app?.output()).not.toContain(secret);
      }
      await app?.stop();
      await fake?.close();
    });

    it.each(provider.cells.map((cell) => [cell.name, cell] as const))(
      '%s',
      async (_name, cell) => {
        const conversationId = `${provider.name}-${++cellNumber}`;
        client = await subscribe(app, conversationId);
        cell.arrange(fake);
        const started = Date.now();
        const first = await sendUntilAccepted(app, conversationId, 'hi');
        const reply = await replyOf(client, first.messageId, DEADLINE_MS);
        const elapsed = Date.now() - started;

        const { outcome } = cell;
        expect(reply.event).toBe(outcome.event);
        if (outcome.event === 'done') {
          const text = outcome.text ?? REPLY;
          expect(reply.text.length).toBe(text.length);
          expect(reply.text === text).toBe(true);
          expect(reply.deltas.join('') === text).toBe(true);
        } else {
          expect(reply.code).toBe(outcome.code);
          expect(reply.text).toBe(outcome.partial);
          expect(reply.deltas.join('')).toBe(outcome.partial);
        }
        expect(provider.chatRequests(fake)).toHaveLength(outcome.attempts);
        expect(elapsed).toBeLessThan(DEADLINE_MS);
        await fake.waitFor(
          () => fake.requests.every((r) => r.settled),
          5_000,
          'every upstream request closed',
        );

        fake.reset();
        const next = await sendUntilAccepted(app, conversationId, 'again');
        expect((await replyOf(client, next.messageId)).event).toBe('done');
        const terminal = client.events.filter(
          (e) =>
            (e.event === 'done' || e.event === 'error') &&
            (JSON.parse(e.data) as { messageId: string }).messageId ===
              first.messageId,
        );
        expect(terminal).toHaveLength(1);
        expect(app.child.exitCode).toBeNull();
      },
    );
  },
);

/**
 * POSTs a message, retrying while the previous reply of the conversation
 * still holds its claim (it releases it just after its last event).
 */
async function sendUntilAccepted(
  app: AppProcess,
  conversationId: string,
  content: string,
): Promise<Accepted> {
  let accepted: Accepted | undefined;
  await eventually(
    async () => {
      const answer = await postJson<Accepted>(`${app.url}/server/send`, {
        conversationId,
        messages: [{ role: 'user', content }],
      });
      if (answer.status === 202) accepted = answer.body;
      else if (answer.status !== 409)
        throw new Error(`send answered ${answer.status}`);
      return accepted !== undefined;
    },
    5_000,
    'the conversation to accept a message',
  );
  return accepted!;
}
