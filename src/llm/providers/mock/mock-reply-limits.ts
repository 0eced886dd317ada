import type { LlmRequest } from '../../llm.types.js';

/**
 * What the mock sends of its reply under `stop` and the token limit, as a
 * model does: the text ends just before the first stop sequence (finish
 * `stop`), or after `maxTokens` words (finish `length`).
 */
export function limitReply(
  pieces: string[],
  request: Pick<LlmRequest, 'stop' | 'maxTokens'>,
): { pieces: string[]; finishReason: 'stop' | 'length' } {
  const text = pieces.join('');
  const cut = (request.stop ?? [])
    .map((sequence) => text.indexOf(sequence))
    .filter((at) => at >= 0)
    .reduce((min, at) => Math.min(min, at), text.length);
  let kept: string[] = pieces;
  if (cut < text.length) {
    kept = [];
    let length = 0;
    for (const piece of pieces) {
      if (length >= cut) break;
      kept.push(piece.slice(0, cut - length));
      length += piece.length;
    }
    kept = kept.filter((piece) => piece.length > 0);
  }
  if (request.maxTokens !== undefined && kept.length > request.maxTokens) {
    return { pieces: kept.slice(0, request.maxTokens), finishReason: 'length' };
  }
  return { pieces: kept, finishReason: 'stop' };
}
