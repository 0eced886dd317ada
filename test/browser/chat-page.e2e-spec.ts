import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  lastReply,
  mockReply,
  openChat,
  recordReplyRenders,
  sendMessage,
  squash,
  waitForReply,
} from '../support/browser.js';
import { useBrowserApp } from '../support/browser-app.js';

// Every run takes the screenshot; `npm run screenshot` (UPDATE_SCREENSHOT=1)
// writes it where the README shows it, so that a test run leaves the
// committed picture alone.
const SCREENSHOT = fileURLToPath(
  new URL(
    process.env.UPDATE_SCREENSHOT
      ? '../../docs/screenshot.png'
      : '../.artifacts/screenshot.png',
    import.meta.url,
  ),
);

const MARKDOWN_QUESTION = [
  'Compare **Server-Sent Events** and WebSockets:',
  '',
  '| | SSE | WebSockets |',
  '|---|---|---|',
  '| Direction | server → browser | both ways |',
  '| Reconnection | built in, with `Last-Event-ID` | by hand |',
  '',
  '1. Open an `EventSource`',
  '2. Listen for `delta` events',
  '',
  '```js',
  "const events = new EventSource('/server/events?conversationId=demo');",
  "events.addEventListener('delta', (e) => render(JSON.parse(e.data).text));",
  '```',
].join('\n');

describe(
  'the chat page (real browser, mock model)',
  { timeout: 120_000 },
  () => {
    const setup = useBrowserApp(
      { MOCK_DELAY_MS: '30' },
      { viewport: { width: 1280, height: 800 } },
    );

    it('streams a reply token by token into the conversation, then renders its Markdown', async () => {
      const { page, errors } = await openChat(setup.context, setup.app.url);
      const renders = await recordReplyRenders(page);
      const pending = await sendMessage(
        page,
        'Hello there, how are you today?',
      );
      await page.locator('#input:disabled').waitFor();
      const reply = await waitForReply(pending);

      const expected = squash(mockReply('Hello there, how are you today?'));
      expect(squash(await reply.locator('.content').innerText())).toBe(
        expected,
      );
      const drawn = renders.map(squash).filter(Boolean);
      const intermediate = drawn.filter((text) => text !== expected);
      expect(intermediate.length).toBeGreaterThan(1);
      for (const text of intermediate)
        expect(expected.startsWith(text)).toBe(true);
      expect(await reply.locator('.usage').innerText()).toMatch(/^\d+ tokens$/);
      await page.locator('#input:enabled').waitFor();
      expect(await page.locator('.message.user').innerText()).toBe(
        'Hello there, how are you today?',
      );

      const markdown = await waitForReply(
        await sendMessage(page, MARKDOWN_QUESTION),
      );
      expect(await markdown.locator('table th').count()).toBe(3);
      expect(await markdown.locator('table td').allInnerTexts()).toContain(
        'both ways',
      );
      expect(await markdown.locator('ol > li').allInnerTexts()).toEqual([
        'Open an EventSource',
        'Listen for delta events',
      ]);
      expect(
        await markdown.locator('pre code.language-js').innerText(),
      ).toContain("new EventSource('/server/events?conversationId=demo')");
      expect(await markdown.locator('strong').innerText()).toBe(
        'Server-Sent Events',
      );
      expect(await markdown.locator('td code').innerText()).toBe(
        'Last-Event-ID',
      );
      expect(errors).toEqual([]);
    });

    it('never runs script that a reply contains', async () => {
      const { page, errors, dialogs } = await openChat(
        setup.context,
        setup.app.url,
      );
      const attack =
        '<img src=x onerror=alert(1)> <svg onload=alert(2)></svg> [click](javascript:alert(3)) ' +
        '<a href="javascript:alert(4)">link</a>';
      const reply = await waitForReply(await sendMessage(page, attack));

      expect(await reply.innerText()).toContain('<img src=x onerror=alert(1)>');
      expect(await reply.locator('a', { hasText: 'click' }).count()).toBe(1);
      const dangerous = await page.evaluate(() => ({
        handlers: [...document.querySelectorAll('*')].filter((node) =>
          [...node.attributes].some((a) => a.name.startsWith('on')),
        ).length,
        scriptLinks: document.querySelectorAll(
          '[href^="javascript:" i], [src^="javascript:" i]',
        ).length,
        injected: document.querySelectorAll(
          '#messages img, #messages svg, #messages script',
        ).length,
      }));
      expect(dangerous).toEqual({ handlers: 0, scriptLinks: 0, injected: 0 });
      await reply.locator('a', { hasText: 'click' }).click();
      expect(dialogs).toEqual([]);
      expect(errors).toEqual([]);
    });

    it('stops a reply with the Stop button, keeping the partial text marked as stopped', async () => {
      const { page } = await openChat(setup.context, setup.app.url);
      const long = `Please count with me: ${Array.from({ length: 300 }, (_, i) => `n${i}`).join(' ')}`;
      const pending = await sendMessage(page, long);
      await pending.filter({ hasText: 'You said:' }).waitFor();
      await page.locator('#stop').click();
      const reply = await waitForReply(pending, 'cancelled');

      expect(await reply.locator('.badge-stopped').innerText()).toBe('Stopped');
      const partial = squash(await reply.locator('.content').innerText());
      expect(partial.length).toBeGreaterThan('You said:'.length);
      expect(squash(mockReply(long)).startsWith(partial)).toBe(true);
      expect(partial.length).toBeLessThan(squash(mockReply(long)).length);
      await page.locator('#input:enabled:focus').waitFor();

      // The server kept the partial reply as a stopped turn.
      await page.reload();
      const reloaded = await waitForReply(lastReply(page), 'cancelled');
      expect(squash(await reloaded.locator('.content').innerText())).toBe(
        partial,
      );
      expect(await reloaded.locator('.badge-stopped').isVisible()).toBe(true);
    });

    it('shows a failed reply as a clear message, keeping what arrived', async () => {
      const { page, errors } = await openChat(setup.context, setup.app.url);
      const reply = await waitForReply(
        await sendMessage(page, '/mock-error upstream_rate_limited'),
        'error',
      );

      expect(await reply.locator('.message-error').innerText()).toBe(
        'The model is rate limited, try again in a moment.',
      );
      // The mock fails after its first delta: that much of the reply stays.
      const partial = squash(await reply.locator('.content').innerText());
      expect(partial.length).toBeGreaterThan(0);
      expect(
        squash(mockReply('/mock-error upstream_rate_limited')).startsWith(
          partial,
        ),
      ).toBe(true);
      await page.locator('#input:enabled').waitFor();

      // The conversation goes on after the failure; Shift+Enter made a new line.
      const input = page.locator('#input');
      await input.fill('line one');
      await input.press('Shift+Enter');
      await input.pressSequentially('line two');
      await input.press('Enter');
      const next = await waitForReply(
        page.locator('.message.assistant').nth(1),
      );
      expect(await page.locator('.message.user').last().innerText()).toBe(
        'line one\nline two',
      );
      expect(await next.locator('.content').innerText()).toContain(
        'This is turn 2',
      );
      expect(errors).toEqual([]);
    });

    it('looks good mid-conversation (screenshot)', async () => {
      const { page } = await openChat(setup.context, setup.app.url);
      for (const question of [
        'What is Server-Sent Events?',
        'Write a haiku about streams',
      ]) {
        await waitForReply(await sendMessage(page, question));
        await page.locator('#new-chat').click();
        await page.locator('#welcome').waitFor({ state: 'visible' });
      }
      await waitForReply(await sendMessage(page, MARKDOWN_QUESTION));
      const streaming = await sendMessage(
        page,
        'Thanks! And how do I stop a reply that is too long?',
      );
      await streaming.filter({ hasText: 'This is turn' }).waitFor();
      await page.mouse.move(640, 300);
      expect(await page.locator('.conversation-link').count()).toBe(3);
      mkdirSync(dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT });
    });
  },
);
