import { existsSync } from 'node:fs';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
  type Request,
} from 'playwright-core';
import { eventually } from './sse-client.js';

/** Debian's Chromium; a browser is never downloaded for the tests. */
const CHROMIUM = '/usr/bin/chromium';
/** A host name that is not "localhost": the page must work over plain HTTP under any name. */
export const OTHER_HOST = 'chat.test';

/**
 * What the server must be told to serve pages under OTHER_HOST and let them
 * call it: by default it answers local names only, and CORS lets in local
 * pages only.
 */
export const OTHER_HOST_ENV = {
  ALLOWED_HOSTS: OTHER_HOST,
  CORS_ORIGINS: `http://127.0.0.1:*,http://${OTHER_HOST}:*`,
};

/** Generous: a 2-core machine shared with other test runs. */
export const UI_TIMEOUT_MS = 30_000;

/**
 * Starts a headless Chromium. `launch()` gives it a fresh temporary
 * user-data dir, removed when it closes, and every test then works in its
 * own context (its own localStorage), so nothing leaks between tests.
 */
export async function launchBrowser(): Promise<Browser> {
  // Chromium may still be being installed by apt when the tests start.
  await eventually(
    () => existsSync(CHROMIUM),
    10 * 60_000,
    `${CHROMIUM} (apt-get install -y chromium)`,
  );
  return chromium.launch({
    executablePath: CHROMIUM,
    timeout: 60_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      `--host-resolver-rules=MAP ${OTHER_HOST} 127.0.0.1`,
    ],
  });
}

export interface ChatPage {
  page: Page;
  /** Uncaught errors of the page (there must be none). */
  errors: string[];
  /** Dialogs the page opened (a script injected by a reply would `alert`). */
  dialogs: string[];
  /** Every request the page made, in order, across reloads. */
  requests: Request[];
}

/**
 * Opens the chat page and waits until its event stream is live (unless
 * `live: false`: a page without the API key the server needs never is).
 */
export async function openChat(
  context: BrowserContext,
  url: string,
  { live = true }: { live?: boolean } = {},
): Promise<ChatPage> {
  const page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT_MS);
  const errors: string[] = [];
  const dialogs: string[] = [];
  const requests: Request[] = [];
  page.on('request', (request) => requests.push(request));
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(url);
  if (live) await waitForConnection(page, 'live');
  return { page, errors, dialogs, requests };
}

export async function waitForConnection(
  page: Page,
  state: 'live' | 'reconnecting' | 'connecting' | 'unauthorized',
  timeout = UI_TIMEOUT_MS,
): Promise<void> {
  await page.locator(`#connection[data-state="${state}"]`).waitFor({ timeout });
}

/**
 * Types a message and presses Enter, as a person would. Returns the reply
 * to it: the next assistant message, which does not exist yet.
 */
export async function sendMessage(page: Page, text: string): Promise<Locator> {
  const replies = page.locator('.message.assistant');
  const reply = replies.nth(await replies.count());
  const input = page.locator('#input');
  await input.fill(text);
  await input.press('Enter');
  return reply;
}

/** The last reply of the conversation on screen. */
export const lastReply = (page: Page) =>
  page.locator('.message.assistant').last();

/** Waits until a reply has ended with the given status. */
export async function waitForReply(
  reply: Locator,
  status: 'complete' | 'cancelled' | 'error' = 'complete',
): Promise<Locator> {
  const ended = reply.and(reply.page().locator(`[data-status="${status}"]`));
  await ended.waitFor({ timeout: UI_TIMEOUT_MS });
  return reply;
}

/** The offline mock model's answer to `text`. */
export const mockReply = (text: string, turn = 1, seen = 1) =>
  `You said: ${text}\n\nThis is turn ${turn} of our conversation (${seen} messages seen). ` +
  'I am the offline mock model, so I answer by echoing.';

/** Text as it reads on screen: Markdown paragraphs and line breaks as single spaces. */
export const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * Records every text the last reply shows, as the page draws it (a
 * MutationObserver in the page reports each change), across reloads too.
 * Proves that a reply streamed (several drawings before the end) and, for
 * plain text, that no piece was lost or doubled: every drawing is a prefix
 * of the final text.
 */
export async function recordReplyRenders(page: Page): Promise<string[]> {
  const renders: string[] = [];
  await page.exposeFunction('recordReplyRender', (text: string) =>
    renders.push(text),
  );
  const observe = () => {
    const start = () => {
      const log = document.getElementById('messages')!;
      const report = (
        window as unknown as { recordReplyRender: (text: string) => void }
      ).recordReplyRender;
      let last = '';
      new MutationObserver(() => {
        const replies = log.querySelectorAll('.message.assistant .content');
        const text = replies[replies.length - 1]?.textContent ?? '';
        if (text !== last) {
          last = text;
          report(text);
        }
      }).observe(log, { childList: true, subtree: true, characterData: true });
    };
    if (document.readyState === 'loading') {
      document.addEventListener('DOMContentLoaded', start);
    } else {
      start();
    }
  };
  await page.addInitScript(observe);
  await page.evaluate(observe);
  return renders;
}

/** Records the connection states shown, in order. */
export async function recordConnectionStates(page: Page): Promise<string[]> {
  const states: string[] = [];
  await page.exposeFunction('recordConnectionState', (state: string) =>
    states.push(state),
  );
  await page.evaluate(() => {
    const badge = document.getElementById('connection')!;
    const report = (
      window as unknown as { recordConnectionState: (state: string) => void }
    ).recordConnectionState;
    report(badge.dataset.state ?? '');
    new MutationObserver(() => report(badge.dataset.state ?? '')).observe(
      badge,
      { attributes: true, attributeFilter: ['data-state'] },
    );
  });
  return states;
}
