import { Readable } from 'node:stream';
import type { ReadableStream as NodeWebStream } from 'node:stream/web';
import { collectChunks } from '../../../../test/support/collect-chunks.js';
import { pulled } from '../../chunk-sink.js';
import type { UpstreamResponse } from '../http/upstream-request.js';
import { readErnieResponse } from './ernie-response-reader.js';

const SSE = { 'Content-Type': 'text/event-stream' };
const JSON_TYPE = { 'Content-Type': 'application/json' };

function event(fields: Record<string, unknown>): string {
  return `data: ${JSON.stringify({ id: 'as-1', object: 'chat.completion', ...fields })}\n\n`;
}

function streamOf(...parts: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(encoder.encode(part));
      controller.close();
    },
  });
}

/** What undici's `request` answers (status, headers, a Node body), built from a WHATWG `Response`. */
function upstreamResponseOf(response: Response): UpstreamResponse {
  return {
    statusCode: response.status,
    headers: Object.fromEntries(response.headers),
    body: response.body
      ? Readable.fromWeb(response.body as NodeWebStream<Uint8Array>)
      : Readable.from([]),
  } as unknown as UpstreamResponse;
}

const read = (body: BodyInit, init: ResponseInit) =>
  collectChunks(
    pulled(
      (_signal, sink) =>
        readErnieResponse(upstreamResponseOf(new Response(body, init)), sink),
      new AbortController().signal,
    ),
  );

describe('readErnieResponse', () => {
  const usage = { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 };

  it('yields each result as a delta and ends at is_end, with usage', async () => {
    const got = await read(
      streamOf(
        event({ sentence_id: 0, is_end: false, result: '你好', usage }),
        event({ sentence_id: 1, is_end: false, result: '，世界' }),
        event({ sentence_id: 2, is_end: true, result: '', usage }),
      ),
      { headers: SSE },
    );
    expect(got.error).toBeUndefined();
    expect(got.chunks).toEqual([
      { type: 'delta', text: '你好' },
      { type: 'delta', text: '，世界' },
      {
        type: 'finish',
        finishReason: 'stop',
        usage: { promptTokens: 3, completionTokens: 5, totalTokens: 8 },
      },
    ]);
  });

  it('keeps the text of a last event that also says is_end, and stops there', async () => {
    let cancelled = false;
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(
          encoder.encode(
            event({ is_end: true, result: 'all at once', is_truncated: true }),
          ),
        );
      },
      cancel() {
        cancelled = true;
      },
    });
    const got = await read(body, { headers: SSE });
    expect(got.text).toBe('all at once');
    expect(got.finish?.finishReason).toBe('length');
    expect(cancelled).toBe(true);
  });

  it.each([
    ['a JSON body with HTTP 200', JSON_TYPE],
    ['a JSON body sent as an event stream', SSE],
    ['a JSON body without content type', {}],
  ])('maps an error sent as %s', async (_name, headers) => {
    const got = await read(
      JSON.stringify({ error_code: 336003, error_msg: 'invalid argument' }),
      { status: 200, headers },
    );
    expect(got.chunks).toEqual([]);
    expect(got.error).toMatchObject({
      code: 'upstream_bad_request',
      retryable: false,
      details: { upstreamCode: 336003 },
    });
  });

  it('maps an error event inside the stream', async () => {
    const got = await read(
      streamOf(event({ error_code: 336501, error_msg: 'rpm limit reached' })),
      { headers: SSE },
    );
    expect(got.error).toMatchObject({
      code: 'upstream_rate_limited',
      retryable: true,
    });
  });

  it('maps a proxy error page by its status', async () => {
    const got = await read('<html>502 Bad Gateway</html>', {
      status: 502,
      headers: { 'Content-Type': 'text/html' },
    });
    expect(got.error).toMatchObject({
      code: 'upstream_unavailable',
      retryable: true,
      details: { upstreamCode: 'http_502' },
    });
  });

  it('accepts a whole non-streamed reply', async () => {
    const got = await read(
      JSON.stringify({ result: 'whole', finish_reason: 'normal', usage }),
      { headers: JSON_TYPE },
    );
    expect(got.text).toBe('whole');
    expect(got.finish).toMatchObject({ finishReason: 'stop' });
  });

  it('fails with upstream_protocol on a malformed event, after the deltas before it', async () => {
    const got = await read(
      streamOf(event({ result: 'partial' }), 'data: {"result":\n\n'),
      { headers: SSE },
    );
    expect(got.text).toBe('partial');
    expect(got.error).toMatchObject({ code: 'upstream_protocol' });
  });

  it('fails when the stream ends without is_end', async () => {
    const got = await read(streamOf(event({ result: 'half' })), {
      headers: SSE,
    });
    expect(got.text).toBe('half');
    expect(got.error).toMatchObject({
      code: 'upstream_unavailable',
      details: { upstreamCode: 'stream_ended_early' },
    });
  });

  it('fails with upstream_unavailable when the connection breaks', async () => {
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(event({ result: 'cut ' })));
        controller.error(new TypeError('terminated'));
      },
    });
    const got = await read(body, { headers: SSE });
    expect(got.error).toMatchObject({
      code: 'upstream_unavailable',
      retryable: true,
      details: { upstreamCode: 'connection_lost' },
    });
  });

  it('fails with upstream_protocol on a body that is neither', async () => {
    const got = await read('<html>hello</html>', {
      headers: { 'Content-Type': 'text/html' },
    });
    expect(got.error).toMatchObject({ code: 'upstream_protocol' });
  });
});
