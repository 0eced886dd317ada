import type { Page, Request } from 'playwright-core';

/** A key as an operator would put it in API_KEYS: long and random-looking. */
export const API_KEY = 'sk-gw-browser-4f9d2c7a1e8b6d3f0a5c9e2b7d1c';

/**
 * A server that requires API_KEY, with stream tokens as short-lived as the
 * configuration allows, and a rate limit the tests never reach.
 */
export const KEYED_ENV = {
  API_KEYS: API_KEY,
  STREAM_TOKEN_TTL_S: '10',
  RATE_LIMIT_MAX: '100000',
  MOCK_DELAY_MS: '30',
};

export interface IssuedStreamToken {
  token: string;
  expiresAt: string;
  expiresIn: number;
}

/**
 * Enters a key in Settings, which the page opened by itself because the
 * server refused it without one, and saves: the page reloads and connects
 * with it.
 */
export async function enterApiKey(
  page: Page,
  key: string,
  { remember = true }: { remember?: boolean } = {},
): Promise<void> {
  await page.locator('#settings-dialog[open]').waitFor();
  await page.getByLabel('API key').fill(key);
  await page.getByLabel('Remember the key').setChecked(remember);
  await page.getByRole('button', { name: 'Save' }).click();
}

/** The stream tokens the page was given, in order, as its responses arrive. */
export function recordStreamTokens(page: Page): IssuedStreamToken[] {
  const tokens: IssuedStreamToken[] = [];
  page.on('response', (response) => {
    if (response.url().endsWith('/server/stream-tokens') && response.ok()) {
      void response.json().then((body: IssuedStreamToken) => tokens.push(body));
    }
  });
  return tokens;
}

export const isEventStream = (request: Request) =>
  new URL(request.url()).pathname === '/server/events';

export const isTokenRequest = (request: Request) =>
  new URL(request.url()).pathname === '/server/stream-tokens';

/** The key must not be in any address the page requested, however a URL might spell it. */
export function expectKeyInNoUrl(requests: Request[], key = API_KEY): void {
  const spellings = [key, encodeURIComponent(key)];
  expect(requests.length).toBeGreaterThan(0);
  for (const request of requests) {
    for (const spelling of spellings) {
      expect(request.url()).not.toContain(spelling);
    }
  }
}
