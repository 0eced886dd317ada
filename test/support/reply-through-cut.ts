import type { Locator, Page } from 'playwright-core';
import {
  mockReply,
  recordConnectionStates,
  recordReplyRenders,
  sendMessage,
  squash,
  UI_TIMEOUT_MS,
  waitForConnection,
  waitForReply,
} from './browser.js';
import type { CuttableProxy } from './cuttable-proxy.js';
import { eventually } from './sse-client.js';

/** A reply whose stream was cut while it was being drawn. */
export interface ReplyThroughCut {
  reply: Locator;
  /** Every drawing of the reply, in order. */
  renders: string[];
  /** How many drawings there were when the stream was cut. */
  cutAt: number;
}

/**
 * Sends `text` (a long reply), cuts the page's stream at `proxy` once some
 * words are drawn, and waits for the page to reconnect and finish the reply.
 */
export async function cutDuringReply(
  page: Page,
  proxy: CuttableProxy,
  text: string,
): Promise<ReplyThroughCut> {
  const renders = await recordReplyRenders(page);
  const states = await recordConnectionStates(page);
  const pending = await sendMessage(page, text);
  await pending.filter({ hasText: 'n5' }).waitFor();
  const cutAt = renders.length;
  proxy.cut();
  await eventually(
    () => states.includes('reconnecting'),
    UI_TIMEOUT_MS,
    'the page to notice the cut',
  );
  await waitForConnection(page, 'live');
  const reply = await waitForReply(pending);
  return { reply, renders, cutAt };
}

/** The mock's whole reply to `text` is shown, drawn word by word without a word lost or doubled. */
export async function expectDrawnIntact(
  { reply, renders, cutAt }: ReplyThroughCut,
  text: string,
): Promise<void> {
  const expected = squash(mockReply(text));
  expect(squash(await reply.locator('.content').innerText())).toBe(expected);
  const drawn = renders.map(squash).filter(Boolean);
  // Words kept arriving after the reconnection, each drawing extending the last.
  expect(
    drawn.slice(cutAt).filter((t) => t !== expected).length,
  ).toBeGreaterThan(1);
  for (const [index, shown] of drawn.entries()) {
    expect(expected.startsWith(shown), shown).toBe(true);
    if (index > 0) expect(shown.startsWith(drawn[index - 1])).toBe(true);
  }
}
