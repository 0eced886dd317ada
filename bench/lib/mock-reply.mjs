// The reply of the app's offline mock model (src/llm/providers/mock/mock.provider.ts),
// so that the baseline sends events of the same number and size.

/** @param {{role: string, content: string}[]} messages */
export function mockReply(messages) {
  const last = messages.findLast((m) => m.role === 'user')?.content ?? '';
  const userTurns = messages.filter((m) => m.role === 'user').length;
  return (
    `You said: ${last}\n\n` +
    `This is turn ${userTurns} of our conversation (${messages.length} messages seen). ` +
    `I am the offline mock model, so I answer by echoing.`
  );
}

/** Word-sized deltas that concatenate back to the exact text. @param {string} text */
export function splitIntoDeltas(text) {
  return text.match(/\s*\S+|\s+$/gu) ?? [text];
}

const estimateTokens = (/** @type {string} */ text) =>
  Math.max(1, Math.ceil(text.length / 4));

/** @param {{content: string}[]} messages @param {string} reply */
export function usageOf(messages, reply) {
  const promptTokens = messages.reduce(
    (sum, m) => sum + estimateTokens(m.content),
    0,
  );
  const completionTokens = estimateTokens(reply);
  return {
    promptTokens,
    completionTokens,
    totalTokens: promptTokens + completionTokens,
  };
}
