import type { Browser } from 'playwright-core';
import { startApp, type AppProcess } from '../support/app-process.js';
import {
  launchBrowser,
  mockReply,
  openChat,
  OTHER_HOST,
  OTHER_HOST_ENV,
  sendMessage,
  squash,
  waitForConnection,
  waitForReply,
} from '../support/browser.js';

describe(
  'the chat page on phones and other origins',
  { timeout: 120_000 },
  () => {
    let app: AppProcess;
    let browser: Browser;

    beforeAll(async () => {
      [app, browser] = await Promise.all([
        startApp({ MOCK_DELAY_MS: '20', ...OTHER_HOST_ENV }),
        launchBrowser(),
      ]);
    });
    afterAll(async () => {
      await browser?.close();
      await app?.stop();
    });

    it('is usable on a phone-width screen: the conversation list becomes a drawer', async () => {
      const context = await browser.newContext({
        viewport: { width: 390, height: 844 },
      });
      try {
        const { page, errors } = await openChat(context, app.url);
        const sidebar = page.locator('#sidebar');
        const toggle = page.locator('#open-sidebar');
        expect(await sidebar.isVisible()).toBe(false);
        expect(await toggle.getAttribute('aria-expanded')).toBe('false');

        const reply = await waitForReply(
          await sendMessage(page, 'Hello from a phone'),
        );
        expect(squash(await reply.locator('.content').innerText())).toBe(
          squash(mockReply('Hello from a phone')),
        );
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - window.innerWidth,
        );
        expect(overflow).toBeLessThanOrEqual(0);
        const composer = await page.locator('#composer').boundingBox();
        expect(composer!.y + composer!.height).toBeLessThanOrEqual(844);

        await toggle.click();
        await sidebar.waitFor({ state: 'visible' });
        expect(await toggle.getAttribute('aria-expanded')).toBe('true');
        await page.locator('#new-chat:focus').waitFor();
        await page
          .locator('.conversation-link', { hasText: 'Hello from a phone' })
          .waitFor();
        await page.keyboard.press('Escape');
        await sidebar.waitFor({ state: 'hidden' });
        await page.locator('#open-sidebar:focus').waitFor();
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    });

    it('works served over plain HTTP under a host name, with the API on another origin (?api=)', async () => {
      const context = await browser.newContext();
      try {
        const pageUrl = `http://${OTHER_HOST}:${app.port}/?api=${encodeURIComponent(app.url)}`;
        const { page, errors } = await openChat(context, pageUrl);
        expect(await page.locator('#api-base-label').innerText()).toBe(app.url);
        const posted = page.waitForRequest(
          (request) => request.method() === 'POST',
        );
        const reply = await waitForReply(
          await sendMessage(page, 'Across origins'),
        );
        expect((await posted).url()).toBe(`${app.url}/server/send`);
        expect(squash(await reply.locator('.content').innerText())).toBe(
          squash(mockReply('Across origins')),
        );
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    });

    it('keeps the API base URL chosen in Settings', async () => {
      const context = await browser.newContext();
      try {
        const { page } = await openChat(
          context,
          `http://${OTHER_HOST}:${app.port}/`,
        );
        expect(await page.locator('#api-base-label').innerText()).toBe(
          `http://${OTHER_HOST}:${app.port}`,
        );
        await page.getByRole('button', { name: 'Settings' }).click();
        const field = page.getByLabel('API base URL');
        await field.fill('ftp://example.com');
        await page.getByRole('button', { name: 'Save' }).click();
        await page.getByRole('alert').filter({ hasText: 'http://' }).waitFor();

        await field.fill(`${app.url}/`);
        await page.getByRole('button', { name: 'Save' }).click();
        await page.locator('#api-base-label', { hasText: app.url }).waitFor();
        await waitForConnection(page, 'live');
        const posted = page.waitForRequest(
          (request) => request.method() === 'POST',
        );
        await waitForReply(await sendMessage(page, 'Via the saved base'));
        expect((await posted).url()).toBe(`${app.url}/server/send`);
      } finally {
        await context.close();
      }
    });
  },
);
