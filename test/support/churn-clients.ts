import { get, type ClientRequest } from 'node:http';
import { createParser } from 'eventsource-parser';
import type { AppProcess } from './app-process.js';
import { postJson } from './sse-client.js';

const CONCURRENCY = 16;
const CONVERSATIONS = ['default', 'churn-0', 'churn-1', 'churn-2', 'churn-3'];

type Leave =
  'before-headers' | 'at-ready' | 'mid-stream' | 'half-close' | 'stop-reading';
const LEAVES: Leave[] = [
  'before-headers',
  'at-ready',
  'mid-stream',
  'half-close',
  'stop-reading',
];

export interface ChurnStats {
  opened: number;
  refused: number;
  failed: string[];
  resumed: number;
}

/**
 * One client that connects to a stream and leaves in one of the ways real
 * clients do: before the headers arrive, at `ready`, in the middle of a
 * reply, by half-closing its socket, or after it stopped reading.
 */
function churnOnce(
  app: AppProcess,
  stats: ChurnStats,
  lastIds: Map<string, string>,
): Promise<void> {
  const conversationId =
    CONVERSATIONS[Math.floor(Math.random() * CONVERSATIONS.length)];
  const leave = LEAVES[Math.floor(Math.random() * LEAVES.length)];
  const resumeFrom = Math.random() < 0.3 ? lastIds.get(conversationId) : '';
  if (resumeFrom) stats.resumed++;
  const query =
    conversationId === 'default' ? '' : `?conversationId=${conversationId}`;
  return new Promise<void>((resolve) => {
    let req: ClientRequest | undefined = undefined;
    let over = false;
    const finish = (error?: string) => {
      if (over) return;
      over = true;
      if (error) stats.failed.push(error);
      req?.destroy();
      resolve();
    };
    req = get(
      `${app.url}/server/events${query}`,
      {
        agent: false,
        headers: {
          Accept: 'text/event-stream',
          ...(resumeFrom ? { 'Last-Event-ID': resumeFrom } : {}),
        },
      },
      (res) => {
        if (res.statusCode === 429) {
          stats.refused++;
          res.resume();
          res.on('end', () => finish());
          return;
        }
        if (res.statusCode !== 200)
          return finish(`status ${res.statusCode ?? '?'}`);
        stats.opened++;
        const parser = createParser({
          onEvent: (event) => {
            if (event.id) lastIds.set(conversationId, event.id);
            if (event.event !== 'ready') return;
            if (leave === 'at-ready') finish();
            else if (leave === 'half-close') {
              res.socket.end();
              setTimeout(finish, 200);
            } else if (leave === 'stop-reading') {
              res.pause();
              setTimeout(finish, Math.random() * 50);
            } else setTimeout(finish, Math.random() * 100);
          },
        });
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => parser.feed(chunk));
        res.on('close', () => finish());
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      // Leaving before the answer is the point of that client.
      finish(leave === 'before-headers' ? undefined : (error.code ?? 'error'));
    });
    if (leave === 'before-headers')
      setTimeout(() => finish(), Math.random() * 5);
  });
}

/** `count` churning clients, `CONCURRENCY` at a time, while replies stream. */
export async function churn(
  app: AppProcess,
  count: number,
): Promise<ChurnStats> {
  const stats: ChurnStats = { opened: 0, refused: 0, failed: [], resumed: 0 };
  const lastIds = new Map<string, string>();
  let started = 0;
  let posting = true;
  const poster = (async () => {
    for (let n = 0; posting; n++) {
      const conversationId = CONVERSATIONS[n % CONVERSATIONS.length];
      const answer = await postJson(`${app.url}/server/send`, {
        ...(conversationId === 'default' ? {} : { conversationId }),
        messages: [{ role: 'user', content: `churn ${n} `.repeat(8) }],
      }).catch((error: Error) => ({ status: `error ${error.message}` }));
      if (answer.status !== 202 && answer.status !== 409)
        stats.failed.push(`POST ${answer.status}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (started < count) {
        started++;
        await churnOnce(app, stats, lastIds);
      }
    }),
  );
  posting = false;
  await poster;
  return stats;
}
