import { metricValue } from './metrics.js';
import { eventually } from './sse-client.js';

/**
 * Waits, each time it is called, for `count` more replies to have finished
 * (`chatgw_generations_finished_total{finish_reason="stop"}` of the app at
 * `url`), counting from the replies already waited for.
 */
export function finishedReplies(
  url: () => string,
  timeoutMs: number,
): (count: number) => Promise<number> {
  let finished = 0;
  return (count) =>
    eventually(
      async () =>
        (await metricValue(url(), 'chatgw_generations_finished_total', {
          finish_reason: 'stop',
        })) >=
        finished + count,
      timeoutMs,
      `${count} replies`,
    ).then(() => (finished += count));
}

/** Text of `length` characters, different for each `seed` (no shared strings). */
export const seededText = (seed: string, length: number) =>
  `${seed} `.repeat(Math.ceil(length / (seed.length + 1))).slice(0, length);
