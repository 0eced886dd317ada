import { passedOnUpstreamCode } from './upstream-codes.js';

describe('passedOnUpstreamCode', () => {
  it('keeps numbers, known codes and HTTP statuses; drops any other text', () => {
    expect(passedOnUpstreamCode(336003)).toBe(336003);
    expect(passedOnUpstreamCode('rate_limit_exceeded')).toBe(
      'rate_limit_exceeded',
    );
    expect(passedOnUpstreamCode('http_429')).toBe('http_429');
    expect(passedOnUpstreamCode('Xq3vT9kLm2Pz8RbN4wYc7HdA')).toBeUndefined();
    expect(
      passedOnUpstreamCode('sk-LettersOnlyQwErTyUiOpAsDfGhJkLz'),
    ).toBeUndefined();
    expect(passedOnUpstreamCode('lettersonlylowercasekey')).toBeUndefined();
    expect(passedOnUpstreamCode('invalid client id=x')).toBeUndefined();
    expect(passedOnUpstreamCode(undefined)).toBeUndefined();
  });
});
