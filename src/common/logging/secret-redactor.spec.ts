import { SecretRedactor } from './secret-redactor.js';

const KEY = 'sk-LettersOnlyQwErTyUiOpAsDfGhJkLz';
const MIXED = 'Xq3vT9kLm2Pz8RbN4wYc7HdA';

describe('SecretRedactor', () => {
  const redactor = new SecretRedactor([KEY, MIXED, 'short', undefined]);

  it.each([
    ['exact', `key ${KEY}.`],
    ['spaced out', `key ${Array.from(KEY).join(' ')}.`],
    ['spaced with other marks', `key ${Array.from(KEY).join('. ')}.`],
    ['JSON-escaped', `key ${JSON.stringify(JSON.stringify(KEY))}.`],
    ['URL-encoded', `key ${encodeURIComponent(`a/${MIXED}`)}`],
    ['base64', `key ${Buffer.from(KEY).toString('base64')}`],
    ['base64url', `key ${Buffer.from(KEY).toString('base64url')}`],
  ])('removes the %s form', (_form, text) => {
    const redacted = redactor.redact(text);
    expect(redacted).toContain('[REDACTED]');
    expect(redacted.replace(/[^A-Za-z0-9]/g, '')).not.toContain(
      KEY.replace(/[^A-Za-z0-9]/g, '').slice(2, 14),
    );
  });

  it('leaves other text as it is, our messages included', () => {
    const text =
      'ERNIE rejected the access token; check the API key and secret key. sk-other-1234567890';
    expect(redactor.redact(text)).toBe(text);
  });

  it('ignores secrets too short to tell from text, and counts each once', () => {
    expect(redactor.redact('a short word')).toBe('a short word');
    redactor.add(KEY);
    expect(redactor.size).toBe(2);
  });

  it('picks up a secret added later (an access token)', () => {
    const later = new SecretRedactor();
    expect(later.redact('token 24.abcdef0123456789')).toBe(
      'token 24.abcdef0123456789',
    );
    later.add('24.abcdef0123456789');
    expect(later.redact('token 24.abcdef0123456789')).toBe('token [REDACTED]');
  });
});
