import { openChat } from '../support/browser.js';
import { useBrowserApp } from '../support/browser-app.js';
import { eventually, postJson } from '../support/sse-client.js';

const WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
    },
  },
};
const RESULT = '{"temperature":21}';

interface Stored {
  turns: { role: string; toolCalls?: { id: string }[] }[];
  activeMessageId?: string;
}

describe('tool turns in the browser transcript', { timeout: 120_000 }, () => {
  const setup = useBrowserApp(
    { MOCK_DELAY_MS: '0', RATE_LIMIT_MAX: '100000' },
    { viewport: { width: 1280, height: 800 } },
  );

  const conversation = async (id: string): Promise<Stored> => {
    const response = await fetch(`${setup.app.url}/server/conversations/${id}`);
    return (await response.json()) as Stored;
  };
  /** Posts to a stored conversation and waits until the reply is stored. */
  const post = async (id: string, message: unknown, turns: number) => {
    const sent = await postJson(`${setup.app.url}/server/send`, {
      conversationId: id,
      messages: [message],
      tools: [WEATHER_TOOL],
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    let stored: Stored | undefined;
    await eventually(
      async () => {
        stored = await conversation(id);
        return stored.turns.length === turns && !stored.activeMessageId;
      },
      20_000,
      `${turns} stored turns`,
    );
    return stored!;
  };

  it('shows the tool call a reply made and the result that answered it', async () => {
    const id = 'c_browser_tools';
    const called = await post(id, { role: 'user', content: 'Paris' }, 2);
    const callId = called.turns[1].toolCalls![0].id;
    await post(id, { role: 'tool', tool_call_id: callId, content: RESULT }, 4);

    const { page, errors } = await openChat(
      setup.context,
      `${setup.app.url}/#${id}`,
    );
    const call = page.locator('.message.assistant .tool-call').first();
    await call.waitFor();
    expect(await call.locator('.tool-name').innerText()).toBe('get_weather');
    expect(await call.locator('.tool-arguments').innerText()).toBe(
      '{"city":"Paris"}',
    );
    const result = page.locator('.message.tool');
    expect(await result.getAttribute('aria-label')).toBe(
      'Result of get_weather',
    );
    expect(await result.locator('.tool-result').innerText()).toBe(RESULT);
    // In order: the question, the call, its result, the answer that used it.
    const transcript = await page
      .locator('.message')
      .evaluateAll((nodes) => nodes.map((node) => node.className));
    expect(transcript).toEqual([
      'message user',
      'message assistant',
      'message tool',
      'message assistant',
    ]);
    expect(
      await page.locator('.message.assistant .content').last().innerText(),
    ).toContain(`returned: ${RESULT}`);
    expect(errors).toEqual([]);
  });
});
