import {
  mockReply,
  openChat,
  recordReplyRenders,
  sendMessage,
  squash,
  waitForConnection,
  waitForReply,
} from '../support/browser.js';
import { useBrowserApp } from '../support/browser-app.js';
import { eventually } from '../support/sse-client.js';

const conversationIdOf = (url: string) => new URL(url).hash.slice(1);
const countTo = (n: number) =>
  `Count with me: ${Array.from({ length: n }, (_, i) => `n${i}`).join(' ')}`;

/** Every drawing of a streamed reply is a prefix of its final text: nothing lost or doubled. */
function expectStreamed(renders: string[], expected: string) {
  const drawn = renders.map(squash).filter(Boolean);
  const intermediate = drawn.filter((text) => text !== squash(expected));
  expect(intermediate.length).toBeGreaterThan(1);
  for (const text of intermediate) {
    expect(squash(expected).startsWith(text), text).toBe(true);
  }
}

describe('conversations in the browser', { timeout: 120_000 }, () => {
  // A short grace period: a reply nobody listens to stops after 3 s, less
  // than a reply of these tests takes (150 words or more, 30 ms apart), more
  // than a reload takes on a loaded machine (with 1 s, a slow reload let the
  // reply stop before the page listened again, and it never completed). The
  // tests poll the API from the page's address: no rate limit in the way.
  const setup = useBrowserApp(
    { MOCK_DELAY_MS: '30', CANCEL_GRACE_MS: '3000', RATE_LIMIT_MAX: '100000' },
    { viewport: { width: 1280, height: 800 } },
  );

  const activeReplyOf = async (id: string) => {
    const response = await fetch(`${setup.app.url}/server/conversations/${id}`);
    const body = (await response.json()) as { activeMessageId?: string };
    return body.activeMessageId;
  };

  it('keeps the conversation across a reload: the history comes from the server', async () => {
    const { page, errors } = await openChat(setup.context, setup.app.url);
    await waitForReply(await sendMessage(page, 'Remember me'));
    await waitForReply(await sendMessage(page, 'And me too'));

    const history = page.waitForResponse(
      (r) =>
        r.url().includes('/server/conversations/') &&
        r.request().method() === 'GET',
    );
    await page.reload();
    expect((await history).status()).toBe(200);
    await waitForConnection(page, 'live');
    const second = await waitForReply(
      page.locator('.message.assistant').nth(1),
    );
    expect(await page.locator('.message.user').allInnerTexts()).toEqual([
      'Remember me',
      'And me too',
    ]);
    expect(squash(await second.locator('.content').innerText())).toBe(
      squash(mockReply('And me too', 2, 3)),
    );
    expect(await page.locator('#chat-title').innerText()).toBe('Remember me');
    expect(
      await page.locator('.conversation-link[aria-current="page"]').innerText(),
    ).toBe('Remember me');

    const third = await waitForReply(await sendMessage(page, 'Third'));
    expect(await third.innerText()).toContain('This is turn 3');
    expect(errors).toEqual([]);
  });

  it('resumes a reply that was streaming when the page reloaded, from its first word', async () => {
    const { page } = await openChat(setup.context, setup.app.url);
    const renders = await recordReplyRenders(page);
    const text = countTo(200);
    const pending = await sendMessage(page, text);
    await pending.filter({ hasText: 'n3' }).waitFor();

    const before = renders.length;
    await page.reload();
    const reply = await waitForReply(
      page.locator('.message.assistant').first(),
    );
    expect(squash(await reply.locator('.content').innerText())).toBe(
      squash(mockReply(text)),
    );
    const after = renders.slice(before).map(squash).filter(Boolean);
    // The first render after the reload is the reply from its first word: all
    // that was replayed at once, or just its first word when the replay
    // arrived in several pieces (a loaded machine).
    expect(after[0]).toMatch(/^You\b/);
    expect(squash(mockReply(text)).startsWith(after[0])).toBe(true);
    expectStreamed(renders.slice(before), mockReply(text));
  });

  it('shows the same reply live in two tabs of one conversation', async () => {
    const first = await openChat(setup.context, setup.app.url);
    const second = await openChat(setup.context, first.page.url());
    const renders = await recordReplyRenders(second.page);

    const reply = await sendMessage(first.page, 'Both tabs see this');
    const mirrored = second.page.locator('.message.assistant').first();
    await second.page.locator('#input:disabled').waitFor();
    await Promise.all([waitForReply(reply), waitForReply(mirrored)]);

    const expected = mockReply('Both tabs see this');
    for (const shown of [reply, mirrored]) {
      expect(squash(await shown.locator('.content').innerText())).toBe(
        squash(expected),
      );
    }
    expectStreamed(renders, expected);
    // The other tab fetched the user's message too, and lists the conversation.
    await second.page
      .locator('.message.user', { hasText: 'Both tabs see this' })
      .waitFor();
    await second.page
      .locator('.conversation-link', { hasText: 'Both tabs see this' })
      .waitFor();
    await second.page.locator('#input:enabled').waitFor();
  });

  it('lets a reply finish while another conversation is open', async () => {
    const { page } = await openChat(setup.context, setup.app.url);
    const text = countTo(150);
    const pending = await sendMessage(page, text);
    await pending.filter({ hasText: 'You said:' }).waitFor();
    const id = conversationIdOf(page.url());

    await page.locator('#new-chat').click();
    await page.locator('#welcome').waitFor({ state: 'visible' });
    await page.locator('#input:enabled').waitFor();
    expect(await activeReplyOf(id)).toBeDefined();
    // Longer than CANCEL_GRACE_MS: a page that stopped listening would lose it.
    await eventually(
      async () => (await activeReplyOf(id)) === undefined,
      30_000,
      'the reply to finish',
    );

    await page.goBack();
    const reply = await waitForReply(
      page.locator('.message.assistant').first(),
    );
    expect(squash(await reply.locator('.content').innerText())).toBe(
      squash(mockReply(text)),
    );
  });

  it('deletes a conversation from the list and from the server', async () => {
    const { page } = await openChat(setup.context, setup.app.url);
    await waitForReply(await sendMessage(page, 'Delete me'));
    const id = conversationIdOf(page.url());

    await page
      .getByRole('button', { name: 'Delete conversation: Delete me' })
      .click();
    await page
      .locator('#delete-dialog')
      .getByRole('button', { name: 'Delete' })
      .click();
    await page.locator('#conversation-list-empty').waitFor();
    await page.locator('#welcome').waitFor({ state: 'visible' });
    expect(conversationIdOf(page.url())).not.toBe(id);
    const gone = await fetch(`${setup.app.url}/server/conversations/${id}`);
    expect(gone.status).toBe(404);
  });
});
