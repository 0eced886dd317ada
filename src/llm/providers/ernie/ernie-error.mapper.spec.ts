import { mapErnieError } from './ernie-error.mapper.js';

describe('mapErnieError', () => {
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
  ])('maps %i to %s (retryable: %s)', (code, expected, retryable) => {
    const error = mapErnieError(code, 'whatever');
    expect(error.code).toBe(expected);
    expect(error.retryable).toBe(retryable);
    expect(error.details).toEqual({ upstreamCode: code });
  });

  it('recognises "too long" messages under other codes', () => {
    expect(
      mapErnieError(336002, 'the max input characters is too long').code,
    ).toBe('upstream_input_too_long');
    expect(mapErnieError(336001, 'prompt 过长').code).toBe(
      'upstream_input_too_long',
    );
  });

  it('passes unknown codes on with a short, redacted upstream message', () => {
    const error = mapErnieError(
      336999,
      `odd failure at https://aip.baidubce.com/x?access_token=24.secret ${'x'.repeat(300)}`,
    );
    expect(error.code).toBe('upstream_unavailable');
    expect(error.retryable).toBe(false);
    expect(error.details).toEqual({ upstreamCode: 336999 });
    expect(error.message).toContain('336999');
    expect(error.message).toContain('odd failure');
    expect(error.message).not.toContain('24.secret');
    expect(error.message.length).toBeLessThan(260);
  });
});
