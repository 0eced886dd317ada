/** Timeouts and retry policy of model calls (`LlmCallPolicy`). */
export const LLM_CALL_POLICY = Symbol('LLM_CALL_POLICY');
