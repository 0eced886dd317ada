import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startApp, type AppProcess } from '../support/app-process.js';
import {
  launchBrowser,
  OTHER_HOST,
  UI_TIMEOUT_MS,
} from '../support/browser.js';
import { metricValue } from '../support/metrics.js';
import { postJson, SseClient } from '../support/sse-client.js';

/**
 * The seed project's page: a plain `fetch` POST with a JSON content type and
 * an `EventSource` on the default conversation, reading the unnamed event.
 */
const seedPage = (api: string) => `<!doctype html>
<meta charset="utf-8">
<pre id="out"></pre>
<script>
  const api = ${JSON.stringify(api)};
  const events = new EventSource(api + '/server/events');
  events.onmessage = (event) => {
    document.getElementById('out').textContent += event.data;
  };
  window.send = (content) =>
    fetch(api + '/server/send', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content }] }),
    }).then((response) => response.status);
</script>`;

/** Serves `pages` (path → HTML) on loopback: the "other local origin". */
async function servePages(pages: Record<string, string>): Promise<Server> {
  const server = createServer((request, response) => {
    const page = pages[request.url ?? ''];
    response.writeHead(page ? 200 : 404, { 'Content-Type': 'text/html' });
    response.end(page ?? '');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

/** Everything a page of another site may try, run inside that page. */
async function attack(page: Page, api: string) {
  return page.evaluate(async (base) => {
    const outcome = (promise: Promise<Response>) =>
      promise.then(
        (response) => (response.type === 'opaque' ? 'sent blind' : 'read'),
        () => 'blocked',
      );
    const stream = await new Promise<string>((resolve) => {
      const source = new EventSource(
        `${base}/server/events?conversationId=victim`,
      );
      source.onmessage = () => resolve('read');
      source.addEventListener('delta', () => resolve('read'));
      source.onerror = () => {
        source.close();
        resolve('blocked');
      };
    });
    return {
      read: await outcome(fetch(`${base}/server/conversations/victim`)),
      stream,
      deleteIt: await outcome(
        fetch(`${base}/server/conversations/victim`, { method: 'DELETE' }),
      ),
      cancelBlind: await outcome(
        fetch(`${base}/server/conversations/victim/cancel`, {
          method: 'POST',
          mode: 'no-cors',
        }),
      ),
      cancelDefault: await outcome(
        fetch(`${base}/server/conversations/default/cancel`, {
          method: 'POST',
          mode: 'no-cors',
        }),
      ),
      tokenBlind: await outcome(
        fetch(`${base}/server/stream-tokens`, {
          method: 'POST',
          mode: 'no-cors',
        }),
      ),
      spendQuota: await outcome(
        fetch(`${base}/server/send`, {
          method: 'POST',
          mode: 'no-cors',
          headers: { 'Content-Type': 'text/plain' },
          body: JSON.stringify({
            conversationId: 'victim',
            messages: [{ role: 'user', content: 'spend' }],
          }),
        }),
      ),
      jsonSend: await outcome(
        fetch(`${base}/server/send`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ messages: [{ role: 'user', content: 'x' }] }),
        }),
      ),
    };
  }, api);
}

/** Issue #14, finding 2, in a real browser with the default settings. */
describe(
  'pages of other sites against the default set-up (browser)',
  { timeout: 120_000 },
  () => {
    let app: AppProcess;
    let browser: Browser;
    let context: BrowserContext;
    let pages: Server;
    let dir: string;
    let otherPort: number;

    beforeAll(async () => {
      // Slow enough that the victim's reply runs for the whole attack.
      [app, browser] = await Promise.all([
        startApp({ HOST: undefined, MOCK_DELAY_MS: '150' }),
        launchBrowser(),
      ]);
      pages = await servePages({
        '/evil.html': '<!doctype html><title>evil</title>',
        '/seed.html': seedPage(app.url),
      });
      otherPort = (pages.address() as AddressInfo).port;
      dir = await mkdtemp(join(tmpdir(), 'seed-page-'));
    });
    beforeEach(async () => {
      context = await browser.newContext();
    });
    afterEach(async () => {
      await context.close();
    });
    afterAll(async () => {
      await browser?.close();
      pages?.close();
      await app?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('cannot read, stream, delete, cancel or spend anything from another site', async () => {
      const victim = await SseClient.open(
        `${app.url}/server/events?conversationId=victim`,
      );
      try {
        await victim.waitFor((c) => c.ofType('ready').length > 0);
        const sent = await postJson<{ messageId: string }>(
          `${app.url}/server/send`,
          {
            conversationId: 'victim',
            messages: [{ role: 'user', content: 'private words '.repeat(10) }],
          },
        );
        expect(sent.status).toBe(202);
        await victim.waitFor((c) => c.ofType('delta').length > 0);
        const started = await metricValue(
          app.url,
          'chatgw_generations_started_total',
          {
            provider: 'mock',
          },
        );

        const page = await context.newPage();
        page.setDefaultTimeout(UI_TIMEOUT_MS);
        await page.goto(`http://${OTHER_HOST}:${otherPort}/evil.html`);
        const results = await attack(page, app.url);
        expect(results).toEqual({
          read: 'blocked',
          stream: 'blocked',
          deleteIt: 'blocked',
          // These reach the server, which refuses them (415) before acting.
          cancelBlind: 'sent blind',
          cancelDefault: 'sent blind',
          tokenBlind: 'sent blind',
          spendQuota: 'sent blind',
          jsonSend: 'blocked',
        });

        const end = JSON.parse(
          (await victim.waitForEnd(sent.body.messageId, 60_000)).data,
        ) as { finishReason: string };
        expect(end.finishReason).toBe('stop');
        expect(
          (await fetch(`${app.url}/server/conversations/victim`)).status,
        ).toBe(200);
        expect(
          await metricValue(app.url, 'chatgw_generations_started_total', {
            provider: 'mock',
          }),
        ).toBe(started);
      } finally {
        await victim.close();
      }
    });

    it('cannot reach the server through DNS rebinding (its name is refused)', async () => {
      const page = await context.newPage();
      const response = await page.goto(`http://${OTHER_HOST}:${app.port}/`);
      expect(response?.status()).toBe(421);
    });

    it.each([
      ['opened as a file', 'file'],
      ['served by another local origin', 'http'],
    ])('still serves the seed page %s', async (_name, how) => {
      let url = `http://localhost:${otherPort}/seed.html`;
      if (how === 'file') {
        const file = join(dir, 'index.html');
        await writeFile(file, seedPage(app.url));
        url = pathToFileURL(file).href;
      }
      const page = await context.newPage();
      page.setDefaultTimeout(UI_TIMEOUT_MS);
      await page.goto(url);
      // Strings: the page's own top-level names, as its script declared them.
      await page.waitForFunction('events.readyState === EventSource.OPEN');
      const status = await page.evaluate<number>(
        'send(`hello ${location.protocol}`)',
      );
      expect(status).toBe(202);
      await page
        .locator('#out', { hasText: 'I am the offline mock model' })
        .waitFor();
    });
  },
);
