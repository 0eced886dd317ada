import type { AppProcess } from './app-process.js';
import { eventually, postJson, type SseClient } from './sse-client.js';

/** A stored conversation as `GET /server/conversations/:id` answers it. */
export interface ConversationState {
  activeMessageId?: string;
  turns: {
    role: string;
    content: string;
    status?: string;
    messageId?: string;
  }[];
}

export const conversationState = (
  app: AppProcess,
  id: string,
): Promise<ConversationState> =>
  fetch(`${app.url}/server/conversations/${id}`).then(
    (r) => r.json() as Promise<ConversationState>,
  );

/** Waits until no reply runs in the conversation, as seen from `app`. */
export const untilIdle = (app: AppProcess, id: string, timeoutMs = 15_000) =>
  eventually(
    async () =>
      (await conversationState(app, id)).activeMessageId === undefined,
    timeoutMs,
    'the reply to end',
  );

/**
 * Cancels the running reply `messageId` through `app` (202) and expects
 * `watcher` to see it end as cancelled on request.
 */
export async function expectCancelledOnRequest(
  app: AppProcess,
  id: string,
  watcher: SseClient,
  messageId: string,
): Promise<void> {
  const cancel = await postJson(
    `${app.url}/server/conversations/${id}/cancel`,
    {},
  );
  expect(cancel.status).toBe(202);
  const done = await watcher.waitForEnd(messageId);
  expect(JSON.parse(done.data)).toMatchObject({
    finishReason: 'cancelled',
    cancelReason: 'requested',
  });
}
