import type {
  Browser,
  BrowserContext,
  BrowserContextOptions,
} from 'playwright-core';
import { startApp, type AppProcess } from './app-process.js';
import { launchBrowser } from './browser.js';
import { started } from './started.js';

export interface BrowserApp {
  readonly app: AppProcess;
  readonly browser: Browser;
  /** A fresh browser context for each test. */
  readonly context: BrowserContext;
}

/**
 * Registers, in the calling `describe`, the hooks that start the built app
 * and Chromium once, give each test a new browser context, and stop both at
 * the end. `env` may be a function, for values known only once earlier
 * `beforeAll` hooks (fake upstreams, catalogue files) have run; those hooks'
 * `afterAll` then run after the app has stopped.
 */
export function useBrowserApp(
  env: Record<string, string> | (() => Record<string, string>),
  contextOptions?: BrowserContextOptions,
): BrowserApp {
  let app: AppProcess | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  beforeAll(async () => {
    [app, browser] = await Promise.all([
      startApp(typeof env === 'function' ? env() : env),
      launchBrowser(),
    ]);
  });
  beforeEach(async () => {
    context = await started(browser, 'the browser').newContext(contextOptions);
  });
  afterEach(async () => {
    await context?.close();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });
  return {
    get app() {
      return started(app, 'the app');
    },
    get browser() {
      return started(browser, 'the browser');
    },
    get context() {
      return started(context, 'the browser context');
    },
  };
}
