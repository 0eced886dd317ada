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
  openChat,
  UI_TIMEOUT_MS,
  waitForConnection,
} from '../support/browser.js';
import {
  startCuttableProxy,
  type CuttableProxy,
} from '../support/cuttable-proxy.js';
import {
  cutDuringReply,
  expectDrawnIntact,
  type ReplyThroughCut,
} from '../support/reply-through-cut.js';
import { eventually } from '../support/sse-client.js';

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

    /** The URLs of the page's event streams the server refused with 401. */
    function recordRefusedStreams(page: Page): string[] {
      const refused: string[] = [];
      page.on('response', (response) => {
        if (isEventStream(response.request()) && response.status() === 401)
          refused.push(response.url());
      });
      return refused;
    }

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

    /** The reply came whole through the cut, and the page resumed with a fresh token. */
    async function expectResumedIntact(
      cut: ReplyThroughCut,
      { requests, tokens, issued }: LivePage,
    ) {
      await expectDrawnIntact(cut, COUNT);

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
      const refused = recordRefusedStreams(page);

      await expectResumedIntact(await cutDuringReply(page, proxy, COUNT), live);
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
      const refused = recordRefusedStreams(page);

      await expectResumedIntact(await cutDuringReply(page, proxy, COUNT), live);
      expect(refused.length).toBeGreaterThan(0);
      expect(await page.locator('.notice-error').count()).toBe(0);
      expect(errors).toEqual([]);
    });
  },
);
