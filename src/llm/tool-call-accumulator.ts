import type { LlmToolCall, LlmToolCallDelta } from './llm.types.js';

/** Joins streamed tool-call fragments into whole calls, in `index` order. */
export class ToolCallAccumulator {
  private readonly byIndex = new Map<number, LlmToolCall>();

  add(delta: LlmToolCallDelta): void {
    const call = this.byIndex.get(delta.index) ?? {
      id: '',
      name: '',
      arguments: '',
    };
    this.byIndex.set(delta.index, {
      id: delta.id ?? call.id,
      name: delta.name ?? call.name,
      arguments: call.arguments + delta.argumentsDelta,
    });
  }

  get calls(): LlmToolCall[] {
    return [...this.byIndex.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, call]) => call);
  }
}
