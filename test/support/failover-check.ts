import type { AppProcess } from './app-process.js';
import {
  conversationState,
  type ConversationState,
} from './conversation-state.js';
import { LONG_MESSAGE } from './conversation-streams.js';
import { ResumingSubscriber } from './resuming-subscriber.js';
import { eventually, postJson } from './sse-client.js';

export interface FailoverOutcome {
  accepted: string[];
  /** Each accepted reply's `done` text and the deltas the subscriber saw. */
  replies: { text: string; deltas: string }[];
  /** Statuses of the POSTs that were refused. */
  refused: number[];
  subscriber: ResumingSubscriber;
  history: ConversationState;
}

/**
 * Posts six messages in turn to `poster` in one conversation followed on
 * `listener` (reconnecting like EventSource), and calls `failover` while the
 * second reply streams. Checks that each accepted message's reply ends with
 * `done` whose text is exactly the deltas received, with no event twice,
 * and returns what happened for the caller's own checks.
 */
export async function postThroughFailover(
  poster: AppProcess,
  listener: AppProcess,
  conversationId: string,
  failover: () => Promise<void>,
): Promise<FailoverOutcome> {
  const state = (app: AppProcess) => conversationState(app, conversationId);
  const idle = () =>
    eventually(
      async () =>
        (await state(poster).catch(() => undefined))?.activeMessageId ===
        undefined,
      20_000,
      'the reply to end',
    );
  const subscriber = new ResumingSubscriber(listener, conversationId);
  await subscriber.open();
  const accepted: string[] = [];
  const replies: { text: string; deltas: string }[] = [];
  const refused: number[] = [];
  let failedOver: Promise<void> | undefined;
  for (let i = 0; i < 6; i++) {
    await idle();
    const post = () =>
      postJson<{ messageId: string }>(`${poster.url}/server/send`, {
        conversationId,
        messages: [{ role: 'user', content: `${i}: ${LONG_MESSAGE}` }],
      });
    // A client tries again after a 503, as long as the failover lasts.
    let sent = await post();
    const deadline = Date.now() + 20_000;
    while (sent.status === 503 && Date.now() < deadline) {
      refused.push(sent.status);
      await new Promise((resolve) => setTimeout(resolve, 250));
      sent = await post();
    }
    if (sent.status !== 202) {
      refused.push(sent.status);
      continue;
    }
    accepted.push(sent.body.messageId);
    // While this reply streams through the master that is handing over.
    if (i === 1) failedOver = failover();
    const end = await subscriber
      .waitForEnd(sent.body.messageId, 30_000)
      .catch((error: Error) => {
        // What the instances logged is what tells why a reply never ended.
        const tail = (app: AppProcess) =>
          app
            .output()
            .split('\n')
            .filter((line) => !line.includes('"level":30'))
            .slice(-40)
            .join('\n');
        error.message += `\n--- poster ---\n${tail(poster)}\n--- listener ---\n${tail(listener)}`;
        throw error;
      });
    expect(end.event).toBe('done');
    const deltas = subscriber.events
      .filter((e) => e.event === 'delta')
      .map((e) => JSON.parse(e.data) as { messageId: string; text: string })
      .filter((d) => d.messageId === sent.body.messageId)
      .map((d) => d.text)
      .join('');
    replies.push({
      text: (JSON.parse(end.data) as { text: string }).text,
      deltas,
    });
  }
  await failedOver;
  await idle();
  const ids = subscriber.events.map((e) => e.id).filter(Boolean);
  expect(new Set(ids).size).toBe(ids.length);
  await subscriber.close();
  return {
    accepted,
    refused,
    replies,
    subscriber,
    history: await state(listener),
  };
}

/**
 * What no failover may break: every accepted message answered and stored.
 * With `exactResume`, no event was lost either: every reply's deltas reached
 * the subscriber, which never got `reset`.
 */
export function expectNothingLost(
  outcome: FailoverOutcome,
  { exactResume }: { exactResume: boolean },
): void {
  // A refusal (503) is allowed while the master changes; an accepted
  // message never goes missing.
  expect(outcome.refused.every((status) => status === 503)).toBe(true);
  expect(outcome.accepted).toHaveLength(6);
  // Each accepted message once, each with its complete reply.
  expect(outcome.history.turns.map((t) => [t.role, t.status ?? null])).toEqual(
    outcome.accepted.flatMap(() => [
      ['user', null],
      ['assistant', 'complete'],
    ]),
  );
  expect(
    outcome.history.turns
      .filter((t) => t.role === 'assistant')
      .map((t) => t.content),
  ).toEqual(outcome.replies.map((r) => r.text));
  // The failover ended the live stream, which resumed.
  expect(outcome.subscriber.connections).toBeGreaterThan(1);
  if (!exactResume) return;
  expect(outcome.subscriber.resets).toBe(0);
  for (const reply of outcome.replies) expect(reply.deltas).toBe(reply.text);
}
