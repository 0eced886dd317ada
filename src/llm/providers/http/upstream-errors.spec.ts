import { LlmError } from '../../llm-error.js';
import { faultIn, mapUpstreamFault } from './upstream-errors.js';

const what = 'the Qianfan API';
const headers = (values: Record<string, string> = {}) => new Headers(values);

describe('faultIn', () => {
  it.each([
    [
      'OpenAI',
      { error: { code: 'invalid_api_key', message: 'm', type: 't' } },
      { code: 'invalid_api_key', message: 'm', type: 't' },
    ],
    [
      'Baidu',
      { error_code: 336003, error_msg: 'm' },
      { code: 336003, message: 'm' },
    ],
    ['Baidu, code as a string', { error_code: '18' }, { code: 18 }],
    [
      'OAuth',
      { error: 'invalid_client', error_description: 'm' },
      { code: 'invalid_client', message: 'm' },
    ],
  ])('reads the %s dialect', (_dialect, body, expected) => {
    expect(faultIn(body)).toMatchObject(expected);
  });

  it.each([[undefined], ['text'], [{ choices: [] }], [[1]]])(
    'finds no fault in %j',
    (body) => {
      expect(faultIn(body)).toBeUndefined();
    },
  );
});

describe('mapUpstreamFault', () => {
  it.each([
    [2, 'upstream_unavailable', true],
    [336100, 'upstream_unavailable', true],
    [18, 'upstream_rate_limited', true],
    [336501, 'upstream_rate_limited', true],
    [336502, 'upstream_rate_limited', true],
    [4, 'upstream_rate_limited', false],
    [17, 'upstream_rate_limited', false],
    [19, 'upstream_rate_limited', false],
    [336003, 'upstream_bad_request', false],
    [336006, 'upstream_bad_request', false],
    [336007, 'upstream_bad_request', false],
    [336008, 'upstream_bad_request', false],
    [336103, 'upstream_input_too_long', false],
    [110, 'upstream_auth', false],
    [111, 'upstream_auth', false],
  ])('maps Baidu %i to %s (retryable: %s)', (code, expected, retryable) => {
    const error = mapUpstreamFault({ code, message: 'whatever' }, what);
    expect(error.code).toBe(expected);
    expect(error.retryable).toBe(retryable);
    expect(error.details).toEqual({ upstreamCode: code });
  });

  it('recognises "too long" messages under other Baidu codes', () => {
    expect(
      mapUpstreamFault(
        { code: 336002, message: 'the max input characters is too long' },
        what,
      ).code,
    ).toBe('upstream_input_too_long');
    expect(
      mapUpstreamFault({ code: 336001, message: 'prompt 过长' }, what).code,
    ).toBe('upstream_input_too_long');
  });

  it("passes an unknown Baidu code on, never the upstream's message", () => {
    const error = mapUpstreamFault(
      {
        code: 336999,
        message: `odd failure at https://aip.baidubce.com/x?access_token=24.secret`,
      },
      what,
    );
    expect(error).toMatchObject({
      code: 'upstream_unavailable',
      retryable: false,
      details: { upstreamCode: 336999 },
      message: 'ERNIE answered with error 336999.',
    });
  });

  it.each([
    [{ status: 503, code: 'server_error' }, 'upstream_unavailable', true],
    [{ status: 408 }, 'upstream_timeout', true],
    [{ status: 413 }, 'upstream_input_too_long', false],
    [{ status: 422, code: 'invalid_messages' }, 'upstream_bad_request', false],
    [{ status: 401, code: 'invalid_api_key' }, 'upstream_auth', false],
    [
      { status: 400, code: 'context_length_exceeded' },
      'upstream_input_too_long',
      false,
    ],
    [
      { status: 429, code: 'insufficient_quota' },
      'upstream_rate_limited',
      false,
    ],
    // Error objects inside a stream that had started: no HTTP status.
    [
      { code: 'server_error', type: 'server_error' },
      'upstream_unavailable',
      true,
    ],
    [
      { code: 'invalid_argument', type: 'invalid_request_error' },
      'upstream_bad_request',
      false,
    ],
    [{ code: 'rate_limit_exceeded' }, 'upstream_rate_limited', true],
  ])('maps %j to %s (retryable: %s)', (fault, code, retryable) => {
    const mapped = mapUpstreamFault(fault, what);
    expect(mapped).toBeInstanceOf(LlmError);
    expect(mapped.code).toBe(code);
    expect(mapped.retryable).toBe(retryable);
  });

  it('honours retry-after-ms and Retry-After on 429 and 503', () => {
    const limited = mapUpstreamFault(
      {
        status: 429,
        code: 'rate_limit_exceeded',
        headers: headers({ 'retry-after-ms': '1500' }),
      },
      what,
    );
    expect(limited).toMatchObject({
      code: 'upstream_rate_limited',
      retryAfterMs: 1500,
      details: { upstreamCode: 'rate_limit_exceeded' },
    });
    const busy = mapUpstreamFault(
      { status: 503, headers: headers({ 'retry-after': '3' }) },
      what,
    );
    expect(busy.retryAfterMs).toBe(3000);
    expect(busy.details).toEqual({ upstreamCode: 'http_503' });
  });

  it('opens its messages with a capital and names the upstream', () => {
    expect(mapUpstreamFault({ status: 500 }, what).message).toMatch(
      /^The Qianfan API is unavailable/,
    );
  });
});
