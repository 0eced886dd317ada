import type { Browser, BrowserContext } from 'playwright-core';
import { startApp, type AppProcess } from '../support/app-process.js';
import {
  launchBrowser,
  openChat,
  sendMessage,
  squash,
  waitForReply,
} from '../support/browser.js';
import { send } from '../support/chat-helpers.js';
import {
  redisEnv,
  startRedisServer,
  type RedisServer,
} from '../support/redis-server.js';

/** A message whose echoed reply streams for many seconds. */
const HUGE = Array.from({ length: 1_500 }, (_, i) => `w${i}`).join(' ');

describe(
  'a reply whose instance dies, in the browser (two instances on Redis)',
  { timeout: 120_000 },
  () => {
    let redis: RedisServer;
    let env: Record<string, string>;
    let survivor: AppProcess;
    let browser: Browser;
    let context: BrowserContext;

    beforeAll(async () => {
      redis = await startRedisServer();
      env = {
        ...redisEnv(redis, 'browser-lost'),
        MOCK_DELAY_MS: '20',
        GENERATION_LEASE_MS: '1500',
        RATE_LIMIT_MAX: '100000',
      };
      [survivor, browser] = await Promise.all([startApp(env), launchBrowser()]);
      context = await browser.newContext({
        viewport: { width: 1280, height: 800 },
      });
    });
    afterAll(async () => {
      await context?.close();
      await browser?.close();
      await survivor?.stop();
      await redis?.dispose();
    });

    it('shows it as a failed reply, keeping what arrived, and the conversation goes on', async () => {
      const doomed = await startApp(env);
      try {
        const { page, errors } = await openChat(context, survivor.url);
        // The conversation on screen, with a first exchange.
        await waitForReply(await sendMessage(page, 'hello'));
        const conversationId = new URL(page.url()).hash.slice(1);
        expect(conversationId).not.toBe('');

        // Another client's message, whose reply runs on the other instance.
        await send(doomed, [{ role: 'user', content: HUGE }], conversationId);
        const reply = page.locator('.message.assistant').nth(1);
        await reply
          .locator('.content', { hasText: 'w10 ' })
          .waitFor({ timeout: 20_000 });
        await doomed.stop('SIGKILL');

        await waitForReply(reply, 'error');
        expect(await reply.locator('.message-error').innerText()).toBe(
          'The server writing this reply stopped before finishing it. Send your message again.',
        );
        const partial = squash(await reply.locator('.content').innerText());
        expect(partial).toMatch(/^You said: w0 w1 w2 w3 w4 w5 w6 w7 w8 w9 w10/);

        await page.locator('#input:enabled').waitFor();
        const next = await waitForReply(await sendMessage(page, 'again'));
        expect(await next.locator('.content').innerText()).toContain(
          'You said: again',
        );
        expect(errors).toEqual([]);
      } finally {
        await doomed.stop();
      }
    });
  },
);
