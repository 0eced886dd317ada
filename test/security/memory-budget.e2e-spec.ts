import { startApp, type AppProcess } from '../support/app-process.js';
import { finishedReplies, seededText } from '../support/finished-replies.js';
import { GC_ON_SIGNAL_OPTIONS, liveHeapMb } from '../support/live-heap.js';
import { postJson } from '../support/sse-client.js';

const BUDGET_MB = 16;
const CHARS = 20_000;

/** Text of `length` characters, different for each `seed` (no shared strings). */
const text = (seed: string, length = CHARS) => seededText(seed, length);

/**
 * Issue #14: MAX_CONVERSATIONS=50 let 50 conversations of 49 × 20 000
 * characters add 52 MB, and 1 000 ids × 20 KB kept 71 MB of replay after
 * eviction. With MEMORY_BUDGET_MB, both floods together stay near the budget.
 */
describe('memory budget of the in-memory mode (e2e)', () => {
  let app: AppProcess;
  const waitForReplies = finishedReplies(() => app.url, 120_000);

  beforeAll(async () => {
    app = await startApp({
      MEMORY_BUDGET_MB: String(BUDGET_MB),
      MAX_CONVERSATIONS: '50',
      MOCK_DELAY_MS: '0',
      RATE_LIMIT_MAX: '100000',
      NODE_OPTIONS: GC_ON_SIGNAL_OPTIONS,
    });
  });
  afterAll(async () => {
    await app.stop();
  });

  it(`keeps stored conversations and replay within about ${BUDGET_MB} MB`, async () => {
    // Warm up the code paths, so the baseline already holds compiled code.
    await postJson(`${app.url}/server/send`, {
      conversationId: 'warm-up',
      messages: [{ role: 'user', content: 'hello' }],
    });
    await waitForReplies(1);
    const baseline = await liveHeapMb(app);

    for (let c = 0; c < 50; c++) {
      const messages = Array.from({ length: 49 }, (_, m) => ({
        role: m % 2 === 0 ? 'user' : 'assistant',
        content: text(`c${c}m${m}`),
      }));
      const sent = await postJson(`${app.url}/server/send`, {
        conversationId: `flood-${c}`,
        messages,
      });
      expect(sent.status).toBe(202);
    }
    await waitForReplies(50);
    for (let c = 0; c < 1_000; c += 25) {
      await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          postJson(`${app.url}/server/send`, {
            conversationId: `many-${c + i}`,
            messages: [{ role: 'user', content: text(`id${c + i}`) }],
          }).then((sent) => expect(sent.status).toBe(202)),
        ),
      );
    }
    await waitForReplies(1_000);

    const grown = (await liveHeapMb(app)) - baseline;
    // Sizes are estimated at two bytes a character, V8 keeps these in one:
    // the heap grows by less than the budget, plus a margin for the
    // bookkeeping of 1 000 ids.
    expect(grown).toBeLessThan(BUDGET_MB + 4);
    // The newest conversation is still there; the oldest are gone.
    expect(
      (await fetch(`${app.url}/server/conversations/many-999`)).status,
    ).toBe(200);
    expect(
      (await fetch(`${app.url}/server/conversations/flood-0`)).status,
    ).toBe(404);
  });
});
