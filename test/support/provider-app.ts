import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startApp, type AppProcess } from './app-process.js';
import { subscribe } from './chat-helpers.js';
import type { SseClient } from './sse-client.js';
import { started } from './started.js';

export interface ProviderApp<F> {
  readonly app: AppProcess;
  readonly fake: F;
  /** Subscribes to a conversation (waits for `ready`); closed after the test. */
  readonly open: (conversationId: string) => Promise<SseClient>;
}

/**
 * Registers, in the calling `describe`, the hooks of a provider spec: a fake
 * upstream, then the app configured for it; after each test, no secret in
 * the app's output or any stream, the streams closed and the fake reset;
 * both stopped at the end.
 */
export function useProviderApp<F extends FakeUpstream>(options: {
  startFake: () => Promise<F>;
  env: (fake: F) => Record<string, string>;
  secrets: (fake: F) => string[];
}): ProviderApp<F> {
  let fake: F | undefined;
  let app: AppProcess | undefined;
  const clients: SseClient[] = [];
  beforeAll(async () => {
    fake = await options.startFake();
    app = await startApp(options.env(fake));
  });
  afterEach(async () => {
    const output = started(app, 'the app').output();
    for (const secret of options.secrets(started(fake, 'the fake'))) {
      expect(output).not.toContain(secret);
      for (const client of clients) expect(client.raw).not.toContain(secret);
    }
    await Promise.all(clients.splice(0).map((c) => c.close()));
    fake?.reset();
  });
  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });
  return {
    get app() {
      return started(app, 'the app');
    },
    get fake() {
      return started(fake, 'the fake');
    },
    open: async (conversationId) => {
      const client = await subscribe(started(app, 'the app'), conversationId);
      clients.push(client);
      return client;
    },
  };
}
