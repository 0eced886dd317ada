import { startApp, type AppProcess } from '../support/app-process.js';

const PARAMETERS = [
  'auth',
  'authorization',
  'Authorization',
  'api_key',
  'api-key',
  'apikey',
  'key',
  'token',
  'access_token',
  'password',
  'secret',
  'client_secret',
  'signature',
];

/** A value per parameter, none of which may reach a log line. */
const valueOf = (index: number) => `QueryValue${index}x7Kq2Lm9`;

/** Issue #24 (9): credential-like query parameters were logged as sent. */
describe('query parameters in request logs (e2e)', () => {
  let app: AppProcess;
  beforeAll(async () => {
    app = await startApp({ LOG_LEVEL: 'debug' });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it.each([
    ['a served route', '/v1/models'],
    ['an unknown route', '/no/such/route'],
  ])(
    'logs %s with credential-like parameters redacted',
    async (_name, path) => {
      const query = PARAMETERS.map(
        (name, index) => `${name}=${encodeURIComponent(valueOf(index))}`,
      ).join('&');
      const response = await fetch(`${app.url}${path}?model=m&${query}`);
      await response.arrayBuffer();
      await vi.waitFor(() => expect(app.output()).toContain(`"url":"${path}?`));
      const output = app.output();
      PARAMETERS.forEach((_parameter, index) =>
        expect(output).not.toContain(valueOf(index)),
      );
      // What is not a credential stays readable.
      expect(output).toContain(`"url":"${path}?model=m&`);
    },
  );
});
