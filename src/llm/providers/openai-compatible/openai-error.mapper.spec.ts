import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from 'openai';
import { LlmError } from '../../llm-error.js';
import { mapOpenAiError } from './openai-error.mapper.js';

const what = 'the Qianfan API';
const headers = (values: Record<string, string> = {}) => new Headers(values);

describe('mapOpenAiError', () => {
  it.each([
    [new APIUserAbortError(), 'cancelled', false],
    [new APIConnectionTimeoutError(), 'upstream_timeout', true],
    [
      new APIConnectionError({ message: 'ECONNRESET' }),
      'upstream_unavailable',
      true,
    ],
    [
      new SyntaxError('Unexpected end of JSON input'),
      'upstream_protocol',
      false,
    ],
    [new TypeError('terminated'), 'upstream_unavailable', true],
    [
      APIError.generate(
        503,
        { error: { code: 'server_error' } },
        undefined,
        headers(),
      ),
      'upstream_unavailable',
      true,
    ],
    [
      APIError.generate(408, undefined, 'timeout', headers()),
      'upstream_timeout',
      true,
    ],
    [
      APIError.generate(413, undefined, 'too large', headers()),
      'upstream_input_too_long',
      false,
    ],
    [
      APIError.generate(
        422,
        { error: { code: 'invalid_messages' } },
        undefined,
        headers(),
      ),
      'upstream_bad_request',
      false,
    ],
    // Error objects inside a stream that had started: no HTTP status.
    [
      new APIError(
        undefined,
        { code: 'server_error', type: 'server_error' },
        undefined,
        undefined,
      ),
      'upstream_unavailable',
      true,
    ],
    [
      new APIError(
        undefined,
        { code: 'invalid_argument', type: 'invalid_request_error' },
        undefined,
        undefined,
      ),
      'upstream_bad_request',
      false,
    ],
    [
      new APIError(
        undefined,
        { code: 'rate_limit_exceeded' },
        undefined,
        undefined,
      ),
      'upstream_rate_limited',
      true,
    ],
  ])('maps %s to %s (retryable: %s)', (error, code, retryable) => {
    const mapped = mapOpenAiError(error, what);
    expect(mapped).toBeInstanceOf(LlmError);
    expect(mapped.code).toBe(code);
    expect(mapped.retryable).toBe(retryable);
  });

  it('honours retry-after-ms and Retry-After on 429 and 503', () => {
    const limited = mapOpenAiError(
      APIError.generate(
        429,
        { error: { code: 'rate_limit_exceeded' } },
        undefined,
        headers({ 'retry-after-ms': '1500' }),
      ),
      what,
    );
    expect(limited).toMatchObject({
      code: 'upstream_rate_limited',
      retryAfterMs: 1500,
      details: { upstreamCode: 'rate_limit_exceeded' },
    });
    const busy = mapOpenAiError(
      APIError.generate(
        503,
        undefined,
        'busy',
        headers({ 'retry-after': '3' }),
      ),
      what,
    );
    expect(busy.retryAfterMs).toBe(3000);
    expect(busy.details).toEqual({ upstreamCode: 'http_503' });
  });

  it('opens its messages with a capital and names the upstream', () => {
    const mapped = mapOpenAiError(
      APIError.generate(500, undefined, 'boom', headers()),
      what,
    );
    expect(mapped.message).toMatch(/^The Qianfan API is unavailable/);
  });

  it('passes an LlmError through', () => {
    const original = LlmError.cancelled();
    expect(mapOpenAiError(original, what)).toBe(original);
  });
});
