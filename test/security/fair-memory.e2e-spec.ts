import { startApp, type AppProcess } from '../support/app-process.js';
import { finishedReplies, seededText } from '../support/finished-replies.js';
import { callAs, sendAs } from '../support/tenants.js';

const KEY_A = 'fair-a-0123456789abcdef';
const KEY_B = 'fair-b-0123456789abcdef';
const CHARS = 20_000;

const text = (seed: string) => seededText(seed, CHARS);

/**
 * Issue #24, finding 4: with a small MEMORY_BUDGET_MB, key B posting large
 * conversations evicted key A's idle one, and B could then post to A's id
 * and take it. The budget is now shared fairly (the heaviest key gives back
 * first) and an id under B is never A's conversation.
 */
describe('the memory budget is shared fairly between keys (e2e)', () => {
  let app: AppProcess;
  const waitForReplies = finishedReplies(() => app.url, 60_000);

  beforeAll(async () => {
    app = await startApp({
      API_KEYS: `${KEY_A},${KEY_B}`,
      MEMORY_BUDGET_MB: '1',
      MOCK_DELAY_MS: '0',
      RATE_LIMIT_MAX: '100000',
    });
  });
  afterAll(async () => {
    await app.stop();
  });

  it("does not let B's flood evict A's idle conversation, nor B take its id", async () => {
    const id = `fair-${Date.now()}`;
    expect((await sendAs(app, KEY_A, id, 'kept by A')).status).toBe(202);
    await waitForReplies(1);

    // About 4 MB of B's conversations against a 1 MB budget.
    for (let c = 0; c < 10; c++) {
      const posted = await callAs(app, KEY_B, 'POST', '/server/send', {
        conversationId: `flood-${c}`,
        messages: Array.from({ length: 9 }, (_, m) => ({
          role: m % 2 === 0 ? 'user' : 'assistant',
          content: text(`b${c}m${m}`),
        })),
      });
      expect(posted.status).toBe(202);
    }
    await waitForReplies(10);
    // B's own oldest went to make room: the budget was exceeded.
    expect(
      (await callAs(app, KEY_B, 'GET', '/server/conversations/flood-0')).status,
    ).toBe(404);

    const mine = await callAs(app, KEY_A, 'GET', `/server/conversations/${id}`);
    expect(mine.status).toBe(200);

    // B posting to the same id gets a conversation of its own.
    expect((await sendAs(app, KEY_B, id, 'taken by B')).status).toBe(202);
    await waitForReplies(1);
    const after = await callAs(
      app,
      KEY_A,
      'GET',
      `/server/conversations/${id}`,
    );
    expect(after.status).toBe(200);
    const turns = (after.body as { turns: { content: string }[] }).turns;
    expect(turns.map((t) => t.content)).toContain('kept by A');
    expect(turns.map((t) => t.content).join(' ')).not.toContain('taken by B');
  });
});
