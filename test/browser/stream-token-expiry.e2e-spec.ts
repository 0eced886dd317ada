import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startApp, type AppProcess } from '../support/app-process.js';
import {
  API_KEY,
  enterApiKey,
  expectKeyInNoUrl,
  isEventStream,
  KEYED_ENV,
  recordStreamTokens,
  type IssuedStreamToken,
} from '../support/api-key-page.js';
import {
  launchBrowser,
  mockReply,
  openChat,
  recordConnectionStates,
  recordReplyRenders,
  sendMessage,
  squash,
  UI_TIMEOUT_MS,
  waitForConnection,
  waitForReply,
} from '../support/browser.js';
import { eventually } from '../support/sse-client.js';
import { startCuttableProxy, type CuttableProxy } from './cuttable-proxy.js';

const ENV = {
  ...KEYED_ENV,
  // The browser's own reconnection comes quickly after a cut.
  SSE_RETRY_MS: '300',
};
const COUNT = `Count with me: ${Array.from({ length: 300 }, (_, i) => `n${i}`).join(' ')}`;

describe(
  'the chat page when its stream token has expired',
  { timeout: 120_000 },
  () => {
    let app: AppProcess;
    let browser: Browser;
    let context: BrowserContext;
    let proxy: CuttableProxy;

    beforeAll(async () => {
      [app, browser] = await Promise.all([startApp(ENV), launchBrowser()]);
    });
    beforeEach(async () => {
      proxy = await startCuttableProxy(app.port);
      context = await browser.newContext();
    });
    afterEach(async () => {
      await context.close();
      await proxy.close();
    });
    afterAll(async () => {
      await browser?.close();
      await app?.stop();
    });

    type LivePage = Awaited<ReturnType<typeof liveWithExpiredToken>>;

    /** A page with the key, live through the proxy, once the server no longer accepts its stream token. */
    async function liveWithExpiredToken(
      prepare: (page: Page) => Promise<unknown> = async () => {},
    ) {
      const chat = await openChat(context, proxy.url, { live: false });
      await prepare(chat.page);
      const tokens = recordStreamTokens(chat.page);
      await enterApiKey(chat.page, API_KEY);
      await waitForConnection(chat.page, 'live');
      await eventually(() => tokens.length > 0, UI_TIMEOUT_MS, 'a token');
      const expiresAt = Date.parse(tokens.at(-1)!.expiresAt);
      await eventually(
        () => Date.now() > expiresAt,
        UI_TIMEOUT_MS,
        'the stream token to expire',
      );
      return { ...chat, tokens, issued: tokens.length };
    }

    /** Cuts the stream in the middle of a long reply; resolves the reply once it completed, and what was drawn of it. */
    async function cutDuringReply(page: Page) {
      const renders = await recordReplyRenders(page);
      const states = await recordConnectionStates(page);
      const pending = await sendMessage(page, COUNT);
      await pending.filter({ hasText: 'n5' }).waitFor();
      const cutAt = renders.length;
      proxy.cut();
      await eventually(
        () => states.includes('reconnecting'),
        UI_TIMEOUT_MS,
        'the page to notice the cut',
      );
      await waitForConnection(page, 'live');
      const reply = await waitForReply(pending);
      return { reply, renders, cutAt };
    }

    async function expectResumedIntact(
      { reply, renders, cutAt }: Awaited<ReturnType<typeof cutDuringReply>>,
      { requests, tokens, issued }: LivePage,
    ) {
      const expected = squash(mockReply(COUNT));
      expect(squash(await reply.locator('.content').innerText())).toBe(
        expected,
      );
      const drawn = renders.map(squash).filter(Boolean);
      // Words kept arriving after the reconnection, each drawing extending the last.
      expect(
        drawn.slice(cutAt).filter((t) => t !== expected).length,
      ).toBeGreaterThan(1);
      for (const [index, shown] of drawn.entries()) {
        expect(expected.startsWith(shown), shown).toBe(true);
        if (index > 0) expect(shown.startsWith(drawn[index - 1])).toBe(true);
      }

      // The page reopened its stream with a fresh token, resuming where it was.
      await eventually(
        () => tokens.length > issued,
        UI_TIMEOUT_MS,
        'a new token',
      );
      const resumed = requests
        .filter(isEventStream)
        .map((request) => new URL(request.url()).searchParams)
        .filter((query) => query.get('streamToken') === tokens.at(-1)!.token);
      expect(resumed.length).toBeGreaterThan(0);
      expect(resumed[0].get('lastEventId')).toMatch(/^\d+-\d+$/);
      expectKeyInNoUrl(requests);
    }

    it('reconnects with a fresh token before the browser would present the expired one', async () => {
      const live = await liveWithExpiredToken();
      const { page, errors } = live;
      const refused: string[] = [];
      page.on('response', (response) => {
        if (isEventStream(response.request()) && response.status() === 401)
          refused.push(response.url());
      });

      await expectResumedIntact(await cutDuringReply(page), live);
      expect(refused).toEqual([]);
      expect(errors).toEqual([]);
    });

    it('fetches a fresh token when the server refused the expired one to the browser', async () => {
      // The page is told its tokens last an hour, so it never replaces one
      // by itself: the browser's own reconnection presents the expired
      // token, and the server refuses it.
      const live = await liveWithExpiredToken((page) =>
        page.route('**/server/stream-tokens', async (route) => {
          const response = await route.fetch();
          const body = (await response.json()) as IssuedStreamToken;
          await route.fulfill({
            response,
            json: { ...body, expiresIn: 3600 },
          });
        }),
      );
      const { page, errors } = live;
      const refused: string[] = [];
      page.on('response', (response) => {
        if (isEventStream(response.request()) && response.status() === 401)
          refused.push(response.url());
      });

      await expectResumedIntact(await cutDuringReply(page), live);
      expect(refused.length).toBeGreaterThan(0);
      expect(await page.locator('.notice-error').count()).toBe(0);
      expect(errors).toEqual([]);
    });
  },
);
