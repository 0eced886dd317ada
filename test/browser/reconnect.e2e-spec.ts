import type { Browser, BrowserContext } from 'playwright-core';
import { startApp, type AppProcess } from '../support/app-process.js';
import {
  launchBrowser,
  mockReply,
  openChat,
  recordConnectionStates,
  sendMessage,
  squash,
  waitForConnection,
  waitForReply,
} from '../support/browser.js';
import { startCuttableProxy } from '../support/cuttable-proxy.js';
import {
  cutDuringReply,
  expectDrawnIntact,
} from '../support/reply-through-cut.js';

const ENV = {
  MOCK_DELAY_MS: '30',
  // Reconnect fast after a restart; shut down without waiting for replies.
  SSE_RETRY_MS: '300',
  SHUTDOWN_GRACE_MS: '0',
};

describe(
  'the chat page through connection trouble',
  { timeout: 120_000 },
  () => {
    let app: AppProcess | undefined;
    let browser: Browser;
    let context: BrowserContext;

    beforeAll(async () => {
      browser = await launchBrowser();
    });
    beforeEach(async () => {
      app = await startApp(ENV);
      context = await browser.newContext();
    });
    afterEach(async () => {
      await context.close();
      await app?.stop();
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('shows reconnecting while the server restarts, then live again, and the conversation goes on', async () => {
      const { page, errors } = await openChat(context, app!.url);
      const states = await recordConnectionStates(page);
      await waitForReply(await sendMessage(page, 'Before the restart'));

      const { port } = app!;
      // Promptly and cleanly, although the page keeps trying to reconnect.
      expect(await app!.stop()).toBe(0);
      await waitForConnection(page, 'reconnecting');
      app = await startApp(ENV, { port });
      await waitForConnection(page, 'live');
      expect(states.join(' ')).toMatch(/^live .*reconnecting.* live$/);

      // This server kept no history (in-memory store): the page sends it again.
      const reply = await waitForReply(
        await sendMessage(page, 'After the restart'),
      );
      expect(squash(await reply.locator('.content').innerText())).toBe(
        squash(mockReply('After the restart', 2, 3)),
      );
      expect(await page.locator('.message.user').allInnerTexts()).toEqual([
        'Before the restart',
        'After the restart',
      ]);
      expect(errors).toEqual([]);
    });

    it('resumes a reply after the connection drops, without losing or doubling a word', async () => {
      const proxy = await startCuttableProxy(app!.port);
      try {
        const { page } = await openChat(context, proxy.url);
        const text = `Count with me: ${Array.from({ length: 200 }, (_, i) => `n${i}`).join(' ')}`;
        await expectDrawnIntact(await cutDuringReply(page, proxy, text), text);
      } finally {
        await proxy.close();
      }
    });
  },
);
