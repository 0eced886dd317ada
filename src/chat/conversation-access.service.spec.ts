import { Test } from '@nestjs/testing';
import { ANONYMOUS } from '../access/principal.js';
import { ConversationAccess } from './conversation-access.service.js';

const A = { keyId: 'k_aaaaaaaaaaaa' };
const B = { keyId: 'k_bbbbbbbbbbbb' };
const ADMIN = { keyId: 'k_adadadadadad', admin: true };

describe('ConversationAccess', () => {
  let access: ConversationAccess;

  beforeEach(async () => {
    const module = await Test.createTestingModule({
      providers: [ConversationAccess],
    }).compile();
    access = module.get(ConversationAccess);
  });

  const ownerNotAllowed = { status: 403, code: 'owner_not_allowed' };

  it("puts each key's use of an id in its own namespace, whoever came first", () => {
    expect(access.forStreaming('demo', B)).toEqual({
      channel: 'demo~k_bbbbbbbbbbbb',
      owner: B.keyId,
    });
    expect(access.forWriting('demo', A)).toEqual({
      channel: 'demo~k_aaaaaaaaaaaa',
      owner: A.keyId,
    });
    expect(access.forReading('demo', B).channel).toBe('demo~k_bbbbbbbbbbbb');
    expect(access.forDeleting('demo', A).channel).toBe('demo~k_aaaaaaaaaaaa');
  });

  it('lets an admin read and stream a named owner’s conversation, but not delete it or write to it', () => {
    expect(access.forReading('audited', ADMIN, A.keyId)).toEqual({
      channel: 'audited~k_aaaaaaaaaaaa',
      owner: A.keyId,
    });
    expect(access.forStreaming('audited', ADMIN, A.keyId).channel).toBe(
      'audited~k_aaaaaaaaaaaa',
    );
    // Without an owner: the admin's own namespace.
    expect(access.forReading('audited', ADMIN).channel).toBe(
      'audited~k_adadadadadad',
    );
    expect(() => access.forDeleting('audited', ADMIN, A.keyId)).toThrow(
      expect.objectContaining(ownerNotAllowed),
    );
    expect(access.forWriting('audited', ADMIN).owner).toBe(ADMIN.keyId);
  });

  it('refuses another owner named by a key that is not an admin, and accepts its own', () => {
    expect(() => access.forReading('any', B, A.keyId)).toThrow(
      expect.objectContaining(ownerNotAllowed),
    );
    expect(() => access.forStreaming('any', B, A.keyId)).toThrow(
      expect.objectContaining(ownerNotAllowed),
    );
    expect(access.forReading('any', B, B.keyId).owner).toBe(B.keyId);
  });

  it('keeps plain ids and one shared default conversation in open mode', () => {
    expect(access.forWriting('shared', ANONYMOUS)).toEqual({
      channel: 'shared',
      owner: 'anonymous',
    });
    expect(access.forStreaming('default', ANONYMOUS).channel).toBe('default');
    expect(access.forStreaming('default', A).channel).toBe(
      'default~k_aaaaaaaaaaaa',
    );
  });
});
