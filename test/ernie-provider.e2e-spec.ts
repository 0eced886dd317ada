import { FakeErnie } from './fakes/fake-ernie.js';
import { ask, replyOf, send } from './support/chat-helpers.js';
import { useProviderApp } from './support/provider-app.js';
import { ernieEnv, FAKE_CREDENTIALS } from './support/provider-env.js';
import {
  expectUpstreamClosedWhenCancelled,
  expectUpstreamClosedWhenListenerLeaves,
} from './support/upstream-closing.js';

const SYSTEM_PROMPT = 'You are a concise assistant for the e2e suite.';
const REPLY = 'Hello from the fake model.';
const FIRST_TOKEN_TIMEOUT_MS = 1_000;
const IDLE_TIMEOUT_MS = 600;
const MAX_RETRIES = 2;

/** Small timeouts and fast retries, so that faults show in well under a second. */
const TUNING = {
  SYSTEM_PROMPT,
  LLM_FIRST_TOKEN_TIMEOUT_MS: String(FIRST_TOKEN_TIMEOUT_MS),
  LLM_IDLE_TIMEOUT_MS: String(IDLE_TIMEOUT_MS),
  LLM_MAX_RETRIES: String(MAX_RETRIES),
  LLM_RETRY_BASE_MS: '20',
  LLM_RETRY_MAX_MS: '100',
  CANCEL_GRACE_MS: '100',
  SHUTDOWN_GRACE_MS: '0',
  LOG_LEVEL: 'debug',
};

describe('ERNIE provider through the real app (fake ERNIE upstream)', () => {
  const setup = useProviderApp({
    startFake: () => FakeErnie.start(),
    env: (fake) => ({ ...ernieEnv(fake), ...TUNING }),
    secrets: (fake) => [...FAKE_CREDENTIALS, ...fake.issuedTokens],
  });
  const { open } = setup;

  it('streams the reply as several deltas then done with usage; the system prompt goes in `system`', async () => {
    const client = await open('e-stream');
    const reply = await ask(setup.app, client, 'e-stream', 'Hi');
    expect(reply.event).toBe('done');
    expect(reply.deltas.length).toBeGreaterThanOrEqual(3);
    expect(reply.deltas.join('')).toBe(REPLY);
    expect(reply.text).toBe(REPLY);
    expect(reply.finishReason).toBe('stop');
    expect(reply.usage).toEqual({
      promptTokens: 2,
      completionTokens: 5,
      totalTokens: 7,
    });
    const [request] = setup.fake.chatRequests;
    expect(request.path).toBe(
      '/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/eb-instant',
    );
    expect(request.body.stream).toBe(true);
    expect(request.body.system).toBe(SYSTEM_PROMPT);
    expect(request.body.messages).toEqual([{ role: 'user', content: 'Hi' }]);
  });

  it('sends a history of more than 3 turns within the alternation rules', async () => {
    const client = await open('e-history');
    for (const text of ['first', 'second', 'third']) {
      expect((await ask(setup.app, client, 'e-history', text)).event).toBe(
        'done',
      );
    }
    expect((await ask(setup.app, client, 'e-history', 'fourth')).event).toBe(
      'done',
    );
    expect(setup.fake.chatRequests.at(-1)!.body.messages).toEqual([
      { role: 'user', content: 'first' },
      { role: 'assistant', content: REPLY },
      { role: 'user', content: 'second' },
      { role: 'assistant', content: REPLY },
      { role: 'user', content: 'third' },
      { role: 'assistant', content: REPLY },
      { role: 'user', content: 'fourth' },
    ]);
  });

  it("normalises a client's own history (default conversation) so ERNIE accepts it", async () => {
    const client = await open('default');
    const { messageId } = await send(setup.app, [
      { role: 'assistant', content: 'Welcome!' },
      { role: 'user', content: 'one' },
      { role: 'user', content: 'two' },
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: 'three' },
    ]);
    expect((await replyOf(client, messageId)).event).toBe('done');
    expect(setup.fake.chatRequests[0].body.messages).toEqual([
      { role: 'user', content: 'one\n\ntwo' },
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: 'three' },
    ]);
  });

  it('closes the upstream request when the last listener leaves', () =>
    expectUpstreamClosedWhenListenerLeaves(setup, 'e-leave'));

  it('closes the upstream request when the reply is cancelled', () =>
    expectUpstreamClosedWhenCancelled(setup, 'e-cancel'));
});
