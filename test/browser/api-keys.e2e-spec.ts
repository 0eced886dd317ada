import type { Page } from 'playwright-core';
import { startApp } from '../support/app-process.js';
import {
  API_KEY,
  enterApiKey,
  expectKeyInNoUrl,
  isEventStream,
  isTokenRequest,
  KEYED_ENV,
} from '../support/api-key-page.js';
import {
  mockReply,
  openChat,
  OTHER_HOST,
  OTHER_HOST_ENV,
  recordReplyRenders,
  sendMessage,
  squash,
  waitForConnection,
  waitForReply,
} from '../support/browser.js';
import { useBrowserApp } from '../support/browser-app.js';

const storedKey = (page: Page) =>
  page.evaluate(() => ({
    local: localStorage.getItem('chat.apiKey'),
    session: sessionStorage.getItem('chat.apiKey'),
  }));

describe(
  'the chat page with a server that requires API keys',
  { timeout: 120_000 },
  () => {
    const setup = useBrowserApp({ ...KEYED_ENV, ...OTHER_HOST_ENV });

    it('asks for the key in Settings, then streams replies with it, the key only ever in a header', async () => {
      const { page, errors, requests } = await openChat(
        setup.context,
        setup.app.url,
        {
          live: false,
        },
      );
      await waitForConnection(page, 'unauthorized');
      await page
        .locator('.notice-error', {
          hasText: 'This server needs an API key: enter it in Settings.',
        })
        .waitFor();
      await page
        .getByRole('alert')
        .filter({ hasText: 'This server needs an API key. Enter it below.' })
        .waitFor();
      await page.locator('#api-key:focus').waitFor();
      expect(await page.locator('#api-key').getAttribute('type')).toBe(
        'password',
      );

      await enterApiKey(page, API_KEY);
      await waitForConnection(page, 'live');
      expect(await page.locator('.notice-error').count()).toBe(0);
      expect(await storedKey(page)).toEqual({ local: API_KEY, session: null });

      const renders = await recordReplyRenders(page);
      const reply = await waitForReply(
        await sendMessage(page, 'Hello with a key'),
      );
      const expected = squash(mockReply('Hello with a key'));
      expect(squash(await reply.locator('.content').innerText())).toBe(
        expected,
      );
      const drawn = renders.map(squash).filter(Boolean);
      expect(drawn.filter((text) => text !== expected).length).toBeGreaterThan(
        1,
      );

      const bearer = `Bearer ${API_KEY}`;
      const send = requests.find((r) => r.url().endsWith('/server/send'));
      expect((await send!.allHeaders()).authorization).toBe(bearer);
      const tokenRequests = requests.filter(isTokenRequest);
      expect(tokenRequests.length).toBeGreaterThan(0);
      for (const request of tokenRequests) {
        expect((await request.allHeaders()).authorization).toBe(bearer);
      }
      const conversationId = new URL(page.url()).hash.slice(1);
      const stream = requests.filter(isEventStream).at(-1)!;
      const query = new URL(stream.url()).searchParams;
      expect(query.get('conversationId')).toBe(conversationId);
      expect(query.get('streamToken')).toMatch(/^st1\./);
      expect((await stream.allHeaders()).authorization).toBeUndefined();
      expectKeyInNoUrl(requests);
      expect(errors).toEqual([]);
    });

    it('ignores a key given in the address, says so when a key is wrong, and can keep one for this tab only', async () => {
      const { page, errors, requests } = await openChat(
        setup.context,
        `${setup.app.url}/?key=${API_KEY}`,
        { live: false },
      );
      await waitForConnection(page, 'unauthorized');
      await page
        .getByRole('alert')
        .filter({ hasText: 'needs an API key' })
        .first()
        .waitFor();
      expect(requests.filter(isTokenRequest)).toEqual([]);
      // Only the address typed in by the test holds it; the page never sent it on.
      expectKeyInNoUrl(
        requests.filter((request) => request.resourceType() !== 'document'),
      );

      await enterApiKey(page, 'sk-gw-not-the-key-00000000000000000');
      await page
        .locator('.notice-error', {
          hasText:
            'The server did not accept the API key: check it in Settings.',
        })
        .waitFor();
      await page
        .getByRole('alert')
        .filter({ hasText: 'did not accept this API key' })
        .waitFor();
      await waitForConnection(page, 'unauthorized');

      await enterApiKey(page, API_KEY, { remember: false });
      await waitForConnection(page, 'live');
      expect(await storedKey(page)).toEqual({ local: null, session: API_KEY });
      await waitForReply(await sendMessage(page, 'Kept for this tab'));

      // Another tab starts without it.
      const other = await openChat(setup.context, setup.app.url, {
        live: false,
      });
      await waitForConnection(other.page, 'unauthorized');
      expect(errors).toEqual([]);
      expect(other.errors).toEqual([]);
    });

    it('sends the key to an API on another origin (CORS preflight)', async () => {
      const { page, errors, requests } = await openChat(
        setup.context,
        `http://${OTHER_HOST}:${setup.app.port}/`,
        { live: false },
      );
      await page.locator('#settings-dialog[open]').waitFor();
      await page.getByLabel('API base URL').fill(setup.app.url);
      await enterApiKey(page, API_KEY);
      await page
        .locator('#api-base-label', { hasText: setup.app.url })
        .waitFor();
      await waitForConnection(page, 'live');
      await waitForReply(await sendMessage(page, 'Across origins, with a key'));
      const tokenRequest = requests.filter(isTokenRequest).at(-1)!;
      expect(tokenRequest.url()).toBe(`${setup.app.url}/server/stream-tokens`);
      expectKeyInNoUrl(requests);
      expect(errors).toEqual([]);
    });

    it('changes nothing on an open server without a key: no stream token, no Authorization header', async () => {
      const open = await startApp({ RATE_LIMIT_MAX: '100000' });
      try {
        const { page, errors, requests } = await openChat(
          setup.context,
          open.url,
        );
        const reply = await waitForReply(
          await sendMessage(page, 'An open server'),
        );
        expect(squash(await reply.locator('.content').innerText())).toBe(
          squash(mockReply('An open server')),
        );
        expect(requests.filter(isTokenRequest)).toEqual([]);
        for (const request of requests) {
          expect((await request.allHeaders()).authorization).toBeUndefined();
        }
        for (const stream of requests.filter(isEventStream)) {
          expect(new URL(stream.url()).searchParams.has('streamToken')).toBe(
            false,
          );
        }
        expect(errors).toEqual([]);
      } finally {
        await open.stop();
      }
    });
  },
);
