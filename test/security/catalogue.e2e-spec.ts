import {
  startApp,
  startAppExpectingFailure,
  type AppProcess,
} from '../support/app-process.js';
import {
  writeCatalogue,
  type CatalogueFile,
} from '../support/catalogue-file.js';

const SECRET = 'Zq7LettersAndDigits0nlyHere';
const API_KEY = 'sk-test-Kw4nV8pL2xR6tY9bM3qJ';

/** Starts the app on a catalogue that must be refused; returns what it printed. */
async function refused(
  deployments: Record<string, unknown>[],
): Promise<string> {
  const file = await writeCatalogue({ deployments });
  try {
    const { code, output } = await startAppExpectingFailure({
      MODELS_FILE: file.path,
      OPENAI_API_KEY: API_KEY,
    });
    expect(code).toBe(1);
    expect(output).toContain('Invalid model catalogue');
    expect(output).not.toContain(API_KEY);
    return output;
  } finally {
    await file.remove();
  }
}

/**
 * Issue #24 (8): MODELS_FILE took credentials in URLs, and model names that
 * are also names of `Object.prototype` crashed start-up.
 */
describe('the model catalogue (e2e)', () => {
  it('refuses URLs with credentials before the host, naming the field but not the value', async () => {
    const urls: [string, string][] = [
      ['baseUrl', `https://user:${SECRET}@llm.example/v1`],
      ['baseUrl', `https://${SECRET}@llm.example/v1`],
      ['authBaseUrl', `https://admin:${SECRET}@auth.example`],
    ];
    const output = await refused(
      urls.map(([field, url], index) => ({
        name: `leaky-${index}`,
        model: 'm',
        provider: 'ernie',
        apiKeyEnv: 'OPENAI_API_KEY',
        secretKeyEnv: 'OPENAI_API_KEY',
        [field]: url,
      })),
    );
    urls.forEach(([field], index) =>
      expect(output).toContain(
        `deployments[${index}] (leaky-${index}).${field}`,
      ),
    );
    expect(output).not.toContain(SECRET);
  });

  it('refuses URLs with credential-like query parameters, naming the field but not the value', async () => {
    const parameters = [
      'api_key',
      'apiKey',
      'key',
      'token',
      'access_token',
      'auth',
      'password',
      'secret',
      'client_secret',
      'Authorization',
    ];
    const output = await refused([
      { name: 'fine', model: 'm', provider: 'mock' },
      ...parameters.map((parameter, index) => ({
        name: `leaky-${index}`,
        model: 'm',
        provider: 'openai',
        baseUrl: `https://llm.example/v1?region=eu&${parameter}=${SECRET}`,
      })),
    ]);
    parameters.forEach((_parameter, index) =>
      expect(output).toContain(
        `deployments[${index + 1}] (leaky-${index}).baseUrl`,
      ),
    );
    expect(output).not.toContain(SECRET);
  });

  it('refuses an invalid model name at start-up, naming it', async () => {
    const output = await refused([
      { name: 'a', model: 'has space', provider: 'mock' },
      { name: 'b', model: 'line\nbreak', provider: 'mock' },
    ]);
    expect(output).toContain('deployments[0] (a).model');
    expect(output).toContain('"has space"');
    expect(output).toContain('deployments[1] (b).model');
    expect(output).toContain('"line\\nbreak"');
  });

  describe('models named like properties of every object', () => {
    const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
    let file: CatalogueFile;
    let app: AppProcess;
    beforeAll(async () => {
      file = await writeCatalogue({
        deployments: NAMES.map((model, index) => ({
          name: `d${index}`,
          model,
          provider: 'mock',
        })),
        // JSON.parse makes `__proto__` a key, as YAML does; a literal would set the prototype.
        fallbacks: JSON.parse(
          '{"constructor": ["toString"], "__proto__": ["constructor"]}',
        ) as Record<string, string[]>,
      });
      app = await startApp({ MODELS_FILE: file.path });
    });
    afterAll(async () => {
      await app?.stop();
      await file?.remove();
    });

    it('starts, lists them and serves each', async () => {
      const listed = (await (await fetch(`${app.url}/v1/models`)).json()) as {
        data: { id: string }[];
      };
      expect(listed.data.map((model) => model.id).sort()).toEqual(
        [...NAMES].sort(),
      );
      for (const model of NAMES) {
        const answer = await fetch(`${app.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            model,
            messages: [{ role: 'user', content: 'hi' }],
          }),
        });
        expect(answer.status).toBe(200);
        const body = (await answer.json()) as { model: string };
        expect(body.model).toBe(model);
      }
    });

    it('answers 404 for an unknown name that is also such a property', async () => {
      const answer = await fetch(`${app.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          model: 'valueOf',
          messages: [{ role: 'user', content: 'hi' }],
        }),
      });
      expect(answer.status).toBe(404);
    });
  });
});
