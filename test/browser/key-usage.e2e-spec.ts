import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { enterApiKey } from '../support/api-key-page.js';
import {
  openChat,
  sendMessage,
  waitForConnection,
  waitForReply,
} from '../support/browser.js';
import { useBrowserApp } from '../support/browser-app.js';

const KEY = 'sk-gw-usage-page-7e3a9c1f5b2d8046';
const BUDGET = 100_000;

describe(
  'the chat page shows the key’s usage in Settings',
  { timeout: 120_000 },
  () => {
    // The file must exist when the app starts, before any hook of this file runs.
    const dir = mkdtempSync(join(tmpdir(), 'keys-page-'));
    const path = join(dir, 'keys.yaml');
    writeFileSync(
      path,
      stringify({
        keys: [
          {
            name: 'page-team',
            secretEnv: 'PAGE_TEAM_KEY',
            budget: { tokens: BUDGET, period: 'day' },
          },
        ],
      }),
    );
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const setup = useBrowserApp({
      KEYS_FILE: path,
      PAGE_TEAM_KEY: KEY,
      MOCK_DELAY_MS: '5',
    });

    it('shows the tokens used this period, what is left and when it resets', async () => {
      const { page, errors } = await openChat(setup.context, setup.app.url, {
        live: false,
      });
      await waitForConnection(page, 'unauthorized');
      await enterApiKey(page, KEY);
      await waitForConnection(page, 'live');
      await waitForReply(await sendMessage(page, 'Count me'));

      await page.locator('#open-settings').click();
      const usage = page.locator('#key-usage');
      await usage.getByText('Key “page-team”').waitFor();
      const detail = await usage.locator('[data-usage-detail]').innerText();
      expect(detail).toMatch(
        new RegExp(
          `^[\\d,.\\s]+ of ${BUDGET.toLocaleString('en-US').replace(/,/g, '[,.\\s]?')} tokens used this day; [\\d,.\\s]+ left\\. Resets `,
        ),
      );
      const used = Number(detail.split(' of ')[0].replace(/\D/g, ''));
      expect(used).toBeGreaterThan(0);
      expect(errors).toEqual([]);
    });
  },
);
