import type { Response } from 'express';

/**
 * Aborted when the client closes the connection before its answer was
 * written in full (it went away): the reply it asked for is stopped. An
 * answer already sent closes the connection too, and aborts nothing.
 */
export function clientGoneSignal(
  response: Pick<Response, 'once' | 'writableFinished'>,
): AbortSignal {
  const clientGone = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) clientGone.abort();
  });
  return clientGone.signal;
}
