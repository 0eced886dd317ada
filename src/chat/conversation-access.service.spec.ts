import { Test } from '@nestjs/testing';
import { ANONYMOUS } from '../access/principal.js';
import { ConversationStore } from '../conversations/conversation-store.js';
import { MemoryConversationStore } from '../conversations/memory/memory-conversation-store.js';
import { ConversationAccess } from './conversation-access.service.js';

const A = { keyId: 'k_aaaaaaaaaaaa' };
const B = { keyId: 'k_bbbbbbbbbbbb' };
const ADMIN = { keyId: 'k_adadadadadad', admin: true };

describe('ConversationAccess', () => {
  let access: ConversationAccess;

  beforeEach(async () => {
    const module = await Test.createTestingModule({
      providers: [
        ConversationAccess,
        {
          provide: ConversationStore,
          useValue: new MemoryConversationStore({
            maxConversations: 100,
            maxTurns: 10,
          }),
        },
      ],
    }).compile();
    access = module.get(ConversationAccess);
  });

  const notFound = { status: 404, code: 'conversation_not_found' };

  it('gives an unused id to the first principal, on a channel of its own', async () => {
    expect(await access.forWriting('demo', A)).toEqual({
      channel: 'demo~k_aaaaaaaaaaaa',
      owner: A.keyId,
    });
    await expect(access.forWriting('demo', B)).rejects.toMatchObject(notFound);
    await expect(access.forStreaming('demo', B)).rejects.toMatchObject(
      notFound,
    );
    await expect(access.forReading('demo', B)).rejects.toMatchObject(notFound);
    await expect(access.forDeleting('demo', B)).rejects.toMatchObject(notFound);
  });

  it('answers an unused id as not found for reading and deleting, without claiming it', async () => {
    await expect(access.forReading('nobody', A)).rejects.toMatchObject(
      notFound,
    );
    await expect(access.forDeleting('nobody', A)).rejects.toMatchObject(
      notFound,
    );
    expect((await access.forWriting('nobody', B)).owner).toBe(B.keyId);
  });

  it('lets an admin read and stream on the owner channel, but not write or delete', async () => {
    await access.forStreaming('audited', A);
    expect(await access.forReading('audited', ADMIN)).toEqual({
      channel: 'audited~k_aaaaaaaaaaaa',
      owner: A.keyId,
    });
    expect((await access.forStreaming('audited', ADMIN)).channel).toBe(
      'audited~k_aaaaaaaaaaaa',
    );
    await expect(access.forWriting('audited', ADMIN)).rejects.toMatchObject(
      notFound,
    );
    await expect(access.forDeleting('audited', ADMIN)).rejects.toMatchObject(
      notFound,
    );
  });

  it('gives each key its own default channel, and open mode the plain ids', async () => {
    expect((await access.forWriting('default', A)).channel).toBe(
      'default~k_aaaaaaaaaaaa',
    );
    expect((await access.forReading('default', B)).channel).toBe(
      'default~k_bbbbbbbbbbbb',
    );
    expect((await access.forWriting('default', ANONYMOUS)).channel).toBe(
      'default',
    );
    expect((await access.forStreaming('open', ANONYMOUS)).channel).toBe('open');
  });

  it('lets a stream open with errors only when the store cannot answer', async () => {
    const failing = new ConversationAccess({
      claimOwner: () => Promise.reject(new Error('Redis is unreachable')),
    } as unknown as ConversationStore);
    expect(await failing.forStreaming('demo', A)).toMatchObject({
      errorsOnly: true,
    });
  });
});
