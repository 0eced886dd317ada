import { FakeOpenAi } from '../fakes/fake-openai.js';
import {
  openChat,
  sendMessage,
  squash,
  waitForReply,
} from '../support/browser.js';
import { useBrowserApp } from '../support/browser-app.js';
import {
  writeCatalogue,
  type CatalogueFile,
} from '../support/catalogue-file.js';

const CODE_REPLY = ['Here:\n\n```js\n', 'const answer = 42;\n', '```\n'];

describe(
  'the model picker (real browser, two fake upstreams)',
  { timeout: 120_000 },
  () => {
    let alpha: FakeOpenAi;
    let beta: FakeOpenAi;
    let file: CatalogueFile;

    beforeAll(async () => {
      [alpha, beta] = await Promise.all([
        FakeOpenAi.start(),
        FakeOpenAi.start(),
      ]);
      alpha.setDefault({ type: 'reply', chunks: ['Alpha', ' answers.'] });
      beta.setDefault({ type: 'reply', chunks: CODE_REPLY });
      file = await writeCatalogue({
        deployments: ['alpha', 'beta'].map((name, i) => ({
          name,
          model: name,
          provider: 'openai',
          baseUrl: `${[alpha, beta][i].url}/v1`,
        })),
      });
    });
    afterAll(async () => {
      await Promise.all([alpha.close(), beta.close(), file.remove()]);
    });
    const setup = useBrowserApp(() => ({
      MODELS_FILE: file.path,
      OPENAI_API_KEY: alpha.apiKey,
    }));

    it('sends with the model picked, remembers it for the conversation, and highlights code lazily', async () => {
      const { page, errors, requests } = await openChat(
        setup.context,
        setup.app.url,
      );
      const picker = page.locator('#model');
      await page.locator('#model option[value="beta"]').waitFor({
        state: 'attached',
      });
      expect(await picker.inputValue()).toBe('alpha');
      await picker.selectOption('beta');

      const reply = await waitForReply(await sendMessage(page, 'Show code'));
      expect(squash(await reply.locator('.content').innerText())).toContain(
        'const answer = 42;',
      );
      expect(await reply.locator('.reply-model').innerText()).toBe('beta');
      expect(beta.chatRequests).toHaveLength(1);
      expect(alpha.chatRequests).toHaveLength(0);
      await reply.locator('code.hljs .hljs-keyword').first().waitFor();
      expect(
        requests.some((r) =>
          r.url().endsWith('/vendor/highlight/es/highlight.min.js'),
        ),
      ).toBe(true);

      await page.reload();
      await page.locator('#model option[value="beta"]').waitFor({
        state: 'attached',
      });
      await expect
        .poll(() => picker.inputValue(), { timeout: 10_000 })
        .toBe('beta');

      await page.locator('#new-chat').click();
      await expect
        .poll(() => picker.inputValue(), { timeout: 10_000 })
        .toBe('alpha');
      const second = await waitForReply(await sendMessage(page, 'Hello'));
      expect(squash(await second.locator('.content').innerText())).toBe(
        'Alpha answers.',
      );
      expect(alpha.chatRequests).toHaveLength(1);
      expect(errors).toEqual([]);
    });

    it('loads no highlighter for a reply without code', async () => {
      const { page, requests } = await openChat(setup.context, setup.app.url);
      await page.locator('#model option[value="alpha"]').waitFor({
        state: 'attached',
      });
      await waitForReply(await sendMessage(page, 'Hi'));
      expect(requests.some((r) => r.url().includes('/vendor/highlight/'))).toBe(
        false,
      );
    });
  },
);
