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
  ])('redacts %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});
