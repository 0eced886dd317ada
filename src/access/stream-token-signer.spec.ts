import { createHmac } from 'node:crypto';
import {
  deriveStreamTokenSecret,
  StreamTokenError,
  StreamTokenSigner,
  type StreamTokenFailure,
} from './stream-token-signer.js';

const SECRET = Buffer.from('s'.repeat(32));

function failureOf(run: () => unknown): StreamTokenFailure | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof StreamTokenError) return error.reason;
    throw error;
  }
  return undefined;
}

describe('StreamTokenSigner', () => {
  let now = 1_764_000_000_000;
  const signer = new StreamTokenSigner(SECRET, 300, () => now);

  it('verifies its own tokens and returns their claims', () => {
    const { token, claims } = signer.sign({
      keyId: 'k_abc',
      conversationId: 'c_1',
    });
    expect(claims.expiresAt).toBe(now / 1000 + 300);
    expect(signer.verify(token)).toEqual(claims);
    expect(token).toMatch(/^st1\.[\w-]+\.[\w-]+$/);
  });

  it('refuses a correctly signed token bound to no conversation', () => {
    const payload = Buffer.from(
      JSON.stringify({ k: 'k_abc', e: now / 1000 + 300 }),
    ).toString('base64url');
    const signed = `st1.${payload}`;
    const signature = createHmac('sha256', SECRET)
      .update(signed)
      .digest('base64url');
    expect(failureOf(() => signer.verify(`${signed}.${signature}`))).toBe(
      'malformed',
    );
  });

  it('refuses a token once it has expired', () => {
    const { token } = signer.sign({ keyId: 'k_abc', conversationId: 'c_1' });
    now += 299_000;
    expect(failureOf(() => signer.verify(token))).toBeUndefined();
    now += 1_000;
    expect(failureOf(() => signer.verify(token))).toBe('expired');
  });

  it('refuses a token whose payload was changed', () => {
    const { token } = signer.sign({ keyId: 'k_abc', conversationId: 'c_1' });
    const [prefix, , signature] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ k: 'k_other', e: now / 1000 + 10_000 }),
    ).toString('base64url');
    expect(
      failureOf(() => signer.verify(`${prefix}.${forged}.${signature}`)),
    ).toBe('bad_signature');
  });

  it('refuses a token signed with another secret', () => {
    const other = new StreamTokenSigner(
      Buffer.from('o'.repeat(32)),
      300,
      () => now,
    );
    const { token } = other.sign({ keyId: 'k_abc', conversationId: 'c_1' });
    expect(failureOf(() => signer.verify(token))).toBe('bad_signature');
  });

  it.each([
    '',
    'st1',
    'st1.a.b.c',
    'st2.eyJrIjoieCJ9.sig',
    'x'.repeat(2000),
    'st1.!!!.sig',
  ])('refuses the malformed token %j', (token) => {
    expect(failureOf(() => signer.verify(token))).toMatch(
      /malformed|bad_signature/,
    );
  });

  it('refuses a correctly signed payload that lacks claims', () => {
    const payload = Buffer.from(JSON.stringify({ k: 1 })).toString('base64url');
    const signed = `st1.${payload}`;
    const signature = createHmac('sha256', SECRET)
      .update(signed)
      .digest('base64url');
    expect(failureOf(() => signer.verify(`${signed}.${signature}`))).toBe(
      'malformed',
    );
  });
});

describe('deriveStreamTokenSecret', () => {
  it('uses STREAM_TOKEN_SECRET when set', () => {
    expect(deriveStreamTokenSecret('x'.repeat(32), ['key-1'])).toEqual(
      Buffer.from('x'.repeat(32)),
    );
  });

  it('derives the same secret from the same keys in any order', () => {
    const a = deriveStreamTokenSecret(undefined, ['key-1', 'key-2']);
    const b = deriveStreamTokenSecret(undefined, ['key-2', 'key-1']);
    expect(a.equals(b)).toBe(true);
    expect(a).toHaveLength(32);
  });

  it('derives another secret when the keys change, and never the key itself', () => {
    const a = deriveStreamTokenSecret(undefined, ['key-1', 'key-2']);
    const c = deriveStreamTokenSecret(undefined, ['key-1']);
    expect(a.equals(c)).toBe(false);
    expect(c.toString('utf8')).not.toContain('key-1');
  });

  it('picks a random secret per process when there are no keys', () => {
    const a = deriveStreamTokenSecret(undefined, []);
    const b = deriveStreamTokenSecret(undefined, []);
    expect(a.equals(b)).toBe(false);
  });
});
