import { pushEach, type ChunkSink } from '../../chunk-sink.js';
import { LlmError } from '../../llm-error.js';
import type { LlmChunk, LlmUsage } from '../../llm.types.js';
import {
  pumpServerSentEvents,
  ServerSentEventsError,
} from '../http/server-sent-events.js';
import { faultIn, mapUpstreamFault } from '../http/upstream-errors.js';
import type { UpstreamResponse } from '../http/upstream-request.js';
import {
  contentTypeOf,
  isSuccess,
  parseJson,
  readBodyJson,
  upstreamErrorFrom,
} from '../http/upstream-response.js';
import { ernieFinishReason, fromErnieReply } from './ernie-chunk.mapper.js';
import type { ErnieReplyChunk, ErnieUsage } from './ernie-wire.types.js';

const WHAT = 'the ERNIE chat API';
/** Bound on the stray lines kept from a stream. */
const MAX_STRAY_CHARS = 64 * 1024;

/**
 * Reads ERNIE's answer to a chat request as the gateway's chunks. ERNIE may
 * answer a `stream: true` request with an event stream, or with a plain JSON
 * body (an error, usually with HTTP 200): the content type and the body
 * decide, not the status. The stream ends with the event whose `is_end` is
 * true; there is no `[DONE]`. Errors are thrown as `LlmError`.
 */
export async function readErnieResponse(
  response: UpstreamResponse,
  sink: ChunkSink,
): Promise<void> {
  try {
    if (
      contentTypeOf(response).includes('text/event-stream') &&
      isSuccess(response)
    ) {
      await readEventStream(response, sink);
    } else {
      await pushEach(await readWholeBody(response), sink);
    }
  } catch (error) {
    throw toReadError(error);
  }
}

/** Each event is parsed and pushed as its bytes arrive (see `ChunkSink`). */
async function readEventStream(
  response: UpstreamResponse,
  sink: ChunkSink,
): Promise<void> {
  let usage: LlmUsage | undefined;
  let stray = '';
  let ended = false;
  await pumpServerSentEvents(
    response.body,
    (event, stop) => {
      const chunk = parseJson(event.data);
      if (!isObject(chunk)) throw protocolError('a malformed stream event');
      throwIfError(chunk);
      const reply = chunk as ErnieReplyChunk;
      usage = toUsage(reply.usage) ?? usage;
      const behind = pushEach(fromErnieReply(reply), sink);
      if (reply.is_end !== true) return behind;
      ended = true;
      stop();
      const finish: LlmChunk = {
        type: 'finish',
        finishReason: ernieFinishReason(reply),
        usage,
      };
      return behind ? behind.then(() => sink(finish)) : sink(finish);
    },
    {
      onStrayLine: (line) => {
        if (stray.length < MAX_STRAY_CHARS) stray += `${line}\n`;
      },
    },
  );
  if (ended) return;
  throwIfError(parseJson(stray));
  throw new LlmError(
    'upstream_unavailable',
    'The ERNIE stream ended before the reply was complete.',
    { retryable: true, upstreamCode: 'stream_ended_early' },
  );
}

async function readWholeBody(response: UpstreamResponse): Promise<LlmChunk[]> {
  const body = await readBodyJson(response);
  if (faultIn(body) || !isSuccess(response)) {
    throw upstreamErrorFrom(response, body, WHAT);
  }
  if (
    isObject(body) &&
    (typeof body.result === 'string' || isObject(body.function_call))
  ) {
    const reply = body as ErnieReplyChunk;
    return [
      ...fromErnieReply(reply),
      {
        type: 'finish',
        finishReason: ernieFinishReason(reply),
        usage: toUsage(reply.usage),
      },
    ];
  }
  throw protocolError('neither a stream nor a reply');
}

function toUsage(usage: ErnieUsage | undefined): LlmUsage | undefined {
  if (!isObject(usage)) return undefined;
  const prompt = Number(usage.prompt_tokens ?? 0);
  const completion = Number(usage.completion_tokens ?? 0);
  const total = Number(usage.total_tokens ?? prompt + completion);
  if (![prompt, completion, total].every(Number.isFinite)) return undefined;
  return {
    promptTokens: prompt,
    completionTokens: completion,
    totalTokens: total,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Throws the mapped error when `value` is an error body (ERNIE's `{error_code, error_msg}`). */
function throwIfError(value: unknown): void {
  const fault = faultIn(value);
  if (fault) throw mapUpstreamFault(fault, WHAT);
}

function protocolError(what: string): LlmError {
  return new LlmError(
    'upstream_protocol',
    `ERNIE sent ${what}; the reply could not be read.`,
  );
}

function toReadError(error: unknown): LlmError {
  if (error instanceof LlmError) return error;
  if (error instanceof ServerSentEventsError) {
    return protocolError('an event stream that breaks the SSE framing');
  }
  return new LlmError(
    'upstream_unavailable',
    'The connection to ERNIE was lost before the reply was complete.',
    { retryable: true, upstreamCode: 'connection_lost' },
  );
}
