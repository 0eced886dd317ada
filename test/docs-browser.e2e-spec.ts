import { chromium, type Browser } from 'playwright-core';
import { startApp, type AppProcess } from './support/app-process.js';

/** Debian's Chromium (installed by .ci/run); never a downloaded browser. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('Swagger UI in a real browser, under the CSP (e2e)', () => {
  let app: AppProcess;
  let browser: Browser;
  beforeAll(async () => {
    app = await startApp();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('renders every operation with no CSP violation or script error', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${app.url}/docs`);
    await page.locator('.opblock').first().waitFor({ timeout: 15_000 });
    const paths = await page.locator('.opblock-summary-path').allTextContents();
    expect(paths).toEqual(
      expect.arrayContaining([
        '/v1/chat/completions',
        '/server/stream-tokens',
        '/server/events',
        '/health/ready',
        '/metrics',
      ]),
    );
    expect(await page.locator('button.authorize').count()).toBe(1);
    expect(problems).toEqual([]);
  });
});
