import { FAKE_ERNIE_API_KEY } from './fakes/fake-ernie.js';
import { FAKE_OPENAI_API_KEY } from './fakes/fake-openai.js';
import { startApp, startAppExpectingFailure } from './support/app-process.js';

describe('provider credentials at start-up', () => {
  it.each([
    ['ernie', 'no key', {}, ['ERNIE_API_KEY', 'ERNIE_SECRET_KEY']],
    [
      'ernie',
      'only the API key',
      { ERNIE_API_KEY: FAKE_ERNIE_API_KEY },
      ['ERNIE_SECRET_KEY'],
    ],
    [
      'qianfan',
      'only an app id',
      { QIANFAN_APP_ID: 'app-1' },
      ['QIANFAN_API_KEY'],
    ],
    [
      'openai',
      'only a base URL',
      { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' },
      ['OPENAI_API_KEY'],
    ],
  ])(
    'LLM_PROVIDER=%s with %s refuses to start, naming what is missing',
    async (provider, _label, env, missing) => {
      const { code, output } = await startAppExpectingFailure({
        LLM_PROVIDER: provider,
        ...env,
      });
      expect(code).toBe(1);
      expect(output).toContain('Start-up failed');
      expect(output).toContain(
        `${missing.join(', ')}: required when LLM_PROVIDER=${provider}`,
      );
      expect(output).not.toContain(FAKE_ERNIE_API_KEY);
      expect(output).not.toMatch(/\n\s+at /);
    },
  );

  it('starts with the keys of the chosen provider only', async () => {
    const app = await startApp({
      LLM_PROVIDER: 'openai',
      OPENAI_API_KEY: FAKE_OPENAI_API_KEY,
      OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
    });
    expect(await app.stop()).toBe(0);
  });
});
