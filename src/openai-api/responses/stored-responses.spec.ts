import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import { ConversationAccess } from '../../chat/conversation-access.service.js';
import { AppError } from '../../common/errors/app-error.js';
import { ConversationStore } from '../../conversations/conversation-store.js';
import { MemoryConversationStore } from '../../conversations/memory/memory-conversation-store.js';
import { ResponseFormat } from './response-format.js';
import { ECHO } from './response-format.spec.js';
import { StoredResponses, type StoredResponse } from './stored-responses.js';

const ALICE = { keyId: 'k_alice' };
const BOB = { keyId: 'k_bob' };
const ADMIN = { keyId: 'k_admin', admin: true };

function storedResponse(): StoredResponse {
  const format = new ResponseFormat('m', ECHO);
  const outcome = {
    text: 'Hi!',
    toolCalls: [],
    finishReason: 'stop',
    model: 'm',
  };
  return {
    response: format.finished(outcome, format.outputOf(outcome)),
    conversation: [
      { role: 'user', content: 'Hello' },
      { role: 'assistant', content: 'Hi!' },
    ],
  };
}

const notFound = async (work: Promise<unknown>) => {
  const error = await work.then(() => undefined).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  expect(error).toMatchObject({ status: 404, code: 'response_not_found' });
};

describe('StoredResponses', () => {
  let stored: StoredResponses;

  beforeEach(async () => {
    const module = await Test.createTestingModule({
      providers: [
        {
          provide: ConversationStore,
          useValue: new MemoryConversationStore({
            maxConversations: 10,
            maxTurns: 10,
          }),
        },
        ConversationAccess,
        StoredResponses,
      ],
    }).compile();
    stored = module.get(StoredResponses);
  });

  it('gives back a saved response to its key', async () => {
    const saved = storedResponse();
    await stored.save(ALICE, saved);
    expect(await stored.read(saved.response.id, ALICE)).toEqual(saved);
  });

  it('answers another key, an admin included, as for an unknown id', async () => {
    const saved = storedResponse();
    const { id } = saved.response;
    await stored.save(ALICE, saved);
    await notFound(stored.read(id, BOB));
    await notFound(stored.delete(id, BOB));
    await notFound(stored.read('resp_0123456789abcdef0123456789abcdef', ALICE));
    await notFound(stored.read(id, ADMIN));
    await notFound(stored.delete(id, ADMIN));
    expect((await stored.read(id, ALICE)).response.id).toBe(id);
  });

  it('forgets a deleted response', async () => {
    const saved = storedResponse();
    await stored.save(ALICE, saved);
    await stored.delete(saved.response.id, ALICE);
    await notFound(stored.read(saved.response.id, ALICE));
    await notFound(stored.delete(saved.response.id, ALICE));
  });
});
