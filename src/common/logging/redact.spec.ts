import { redactUrl } from './redact.js';

describe('redactUrl', () => {
  it.each([
    [
      '/server/events?streamToken=st1.abc.def&conversationId=c_1',
      '/server/events?streamToken=[REDACTED]&conversationId=c_1',
    ],
    [
      '/x?conversationId=c_1&access_token=24.abc',
      '/x?conversationId=c_1&access_token=[REDACTED]',
    ],
    ['/x?api_key=sk-1&apiKey=sk-2', '/x?api_key=[REDACTED]&apiKey=[REDACTED]'],
    ['/x?token=t#frag', '/x?token=[REDACTED]#frag'],
    ['/server/send', '/server/send'],
    ['/x?tokenizer=on', '/x?tokenizer=on'],
    [
      '/x?auth=a&Authorization=b&x-api-key=c&password=d&model=m',
      '/x?auth=[REDACTED]&Authorization=[REDACTED]&x-api-key=[REDACTED]&password=[REDACTED]&model=m',
    ],
    [
      '/x?client%5Fsecret=s&keyword=k',
      '/x?client%5Fsecret=[REDACTED]&keyword=k',
    ],
  ])('redacts %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});
import { redactSecrets } from './redact.js';

describe('redactSecrets', () => {
  it.each([
    ['sk-proj-Tq8wZr3NfK1mVb6YcX0sLp9DgH4jE2uA7oI5eW1qR8tY'],
    ['24.6c5e1ff107f0e8bcef8c46d3424a0e78.2592000.1764131282.282335-44110231'],
    ['aK8sJ2mQ9vX4nB7cL1pR6tW3yZ5hD0fG'],
  ])('removes key-like runs such as %s', (secret) => {
    const text = redactSecrets(`failed for ${secret}, sorry`);
    expect(text).toBe('failed for [REDACTED], sorry');
  });

  it('removes what follows Bearer, key= and password:, and secret query parameters', () => {
    expect(redactSecrets('Authorization: Bearer abc')).toBe(
      'Authorization: Bearer [REDACTED]',
    );
    expect(redactSecrets('key=short password: hunter2')).toBe(
      'key=[REDACTED] password: [REDACTED]',
    );
    expect(redactSecrets('see https://x.test/a?access_token=abc&x=1')).toBe(
      'see https://x.test/a?access_token=[REDACTED]&x=1',
    );
  });

  it('keeps plain words after a bare key or secret', () => {
    const text =
      'ERNIE rejected the access token; check the API key and secret key.';
    expect(redactSecrets(text)).toBe(text);
    expect(redactSecrets('bad key sk-LettersOnly')).toBe('bad key [REDACTED]');
  });

  it('keeps ordinary text, codes and numbers', () => {
    const text = 'context_length_exceeded: 8193 tokens > 8192 (HTTP 400)';
    expect(redactSecrets(text)).toBe(text);
  });
});
