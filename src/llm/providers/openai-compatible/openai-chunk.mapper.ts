import type { LlmChunk, LlmUsage } from '../../llm.types.js';

/** The parts of an OpenAI stream chunk (or whole reply) the gateway reads. */
export interface OpenAiChunkLike {
  choices?: {
    delta?: { content?: unknown; tool_calls?: unknown };
    message?: { content?: unknown; tool_calls?: unknown };
    finish_reason?: unknown;
  }[];
  usage?: {
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
  } | null;
}

export interface MappedChunk {
  chunks: LlmChunk[];
  finishReason?: string;
  usage?: LlmUsage;
}

interface WireToolCall {
  index?: unknown;
  id?: unknown;
  function?: { name?: unknown; arguments?: unknown };
}

/**
 * One upstream chunk (streamed `delta`) or a whole reply (`message`) as the
 * gateway's chunks: text, then tool-call fragments as OpenAI framed them
 * (a whole reply's calls are one fragment each). The finish reason and
 * usage are returned apart: the provider emits `finish` once, at the end.
 */
export function fromOpenAiChunk(chunk: OpenAiChunkLike): MappedChunk {
  const choice = chunk.choices?.[0];
  const body = choice?.delta ?? choice?.message;
  const chunks: LlmChunk[] = [];
  if (typeof body?.content === 'string' && body.content.length > 0) {
    chunks.push({ type: 'delta', text: body.content });
  }
  if (Array.isArray(body?.tool_calls)) {
    (body.tool_calls as WireToolCall[]).forEach((call, position) => {
      chunks.push({
        type: 'tool_call',
        index: typeof call.index === 'number' ? call.index : position,
        ...(typeof call.id === 'string' ? { id: call.id } : {}),
        ...(typeof call.function?.name === 'string'
          ? { name: call.function.name }
          : {}),
        argumentsDelta:
          typeof call.function?.arguments === 'string'
            ? call.function.arguments
            : '',
      });
    });
  }
  return {
    chunks,
    finishReason:
      typeof choice?.finish_reason === 'string'
        ? choice.finish_reason
        : undefined,
    usage: toUsage(chunk.usage),
  };
}

function toUsage(usage: OpenAiChunkLike['usage']): LlmUsage | undefined {
  if (!usage) return undefined;
  return {
    promptTokens: usage.prompt_tokens,
    completionTokens: usage.completion_tokens,
    totalTokens: usage.total_tokens,
  };
}
