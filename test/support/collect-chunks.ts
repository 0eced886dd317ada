import type { LlmChunk } from '../../src/llm/llm.types.js';

export interface Collected {
  chunks: LlmChunk[];
  /** The deltas' text, concatenated. */
  text: string;
  finish?: Extract<LlmChunk, { type: 'finish' }>;
  /** What the stream threw, if it did. */
  error?: unknown;
}

/** Drains a provider stream, keeping what it yielded and what it threw. */
export async function collectChunks(
  stream: AsyncIterable<LlmChunk>,
): Promise<Collected> {
  const chunks: LlmChunk[] = [];
  let error: unknown;
  try {
    for await (const chunk of stream) chunks.push(chunk);
  } catch (thrown) {
    error = thrown;
  }
  return {
    chunks,
    text: chunks.map((c) => (c.type === 'delta' ? c.text : '')).join(''),
    finish: chunks.find((c) => c.type === 'finish'),
    error,
  };
}
