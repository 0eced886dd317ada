import { Test } from '@nestjs/testing';
import { StreamRegistry } from '../streaming/slots/stream-registry.js';
import { AppError } from '../common/errors/app-error.js';
import { AppLifecycle } from '../common/lifecycle/app-lifecycle.service.js';
import { loadCatalogue } from '../llm/catalogue/catalogue-loader.js';
import { ModelCatalogue } from '../llm/catalogue/model-catalogue.js';
import type { CatalogueEnv } from '../llm/catalogue/provider-defaults.js';
import { ChatRequestPolicy } from '../request-policy/chat-request.policy.js';
import { REQUEST_POLICY_SETTINGS } from '../request-policy/request-policy.settings.js';
import { ChatCompletionsService } from './chat-completions.service.js';
import type { ChatCompletionRequestDto } from './dto/chat-completion-request.dto.js';
import { ReplyRunner } from '../streaming/reply-runner.js';

const CATALOGUE_ENV = { LLM_PROVIDER: 'mock' };

async function service(): Promise<ChatCompletionsService> {
  const moduleRef = await Test.createTestingModule({
    providers: [
      ChatCompletionsService,
      ChatRequestPolicy,
      { provide: ReplyRunner, useValue: { defaultModel: 'm' } },
      {
        provide: ModelCatalogue,
        useValue: new ModelCatalogue(
          loadCatalogue(CATALOGUE_ENV as unknown as CatalogueEnv, {}),
        ),
      },
      { provide: StreamRegistry, useValue: {} },
      AppLifecycle,
      {
        provide: REQUEST_POLICY_SETTINGS,
        useValue: {
          maxMessageChars: 50,
          maxMessages: 5,
          systemPrompt: 'Server rules.',
        },
      },
    ],
  }).compile();
  return moduleRef.get(ChatCompletionsService);
}

const body = (
  messages: ChatCompletionRequestDto['messages'],
  extra: Partial<ChatCompletionRequestDto> = {},
): ChatCompletionRequestDto => ({ model: 'gpt-4o', messages, ...extra });

function fieldOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError && error.status === 400) {
      const errors = error.details?.errors as { field: string }[] | undefined;
      return errors?.[0]?.field;
    }
    throw error;
  }
  return undefined;
}

describe('ChatCompletionsService.prepare', () => {
  let completions: ChatCompletionsService;
  beforeAll(async () => {
    completions = await service();
  });

  it('moves system and developer turns to the system prompt, after SYSTEM_PROMPT', () => {
    const { request, includeUsage } = completions.prepare(
      body(
        [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello' },
          { role: 'developer', content: [{ type: 'text', text: 'No emoji.' }] },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'a' },
              { type: 'text', text: 'b' },
            ],
          },
        ],
        { temperature: 0.2, top_p: 0.9, max_tokens: 10, user: 'u1' },
      ),
    );
    expect(request).toEqual({
      // Without MODELS_FILE any name means the one model served.
      model: 'mock-echo-1',
      system: 'Server rules.\n\nBe brief.\n\nNo emoji.',
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello' },
        { role: 'user', content: 'a\nb' },
      ],
      userId: 'u1',
      temperature: 0.2,
      topP: 0.9,
      maxTokens: 10,
      maxTokensField: 'max_tokens',
    });
    expect(includeUsage).toBe(false);
  });

  it('prefers max_completion_tokens and honours include_usage with stream', () => {
    const prepared = completions.prepare(
      body([{ role: 'user', content: 'Hi' }], {
        max_tokens: 10,
        max_completion_tokens: 20,
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    expect(prepared.request.maxTokens).toBe(20);
    expect(prepared.request.maxTokensField).toBe('max_completion_tokens');
    expect(prepared.includeUsage).toBe(true);
  });

  it('drops empty assistant turns', () => {
    const { request } = completions.prepare(
      body([
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: '' },
        { role: 'user', content: 'Again' },
      ]),
    );
    expect(request.messages.map((m) => m.content)).toEqual(['Hi', 'Again']);
  });

  it.each<[string, ChatCompletionRequestDto, string]>([
    [
      'ends with an assistant turn',
      body([
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Yo' },
      ]),
      'messages.1.role',
    ],
    [
      'has only system turns',
      body([{ role: 'system', content: 'Rules' }]),
      'messages.0.role',
    ],
    [
      'has an empty user turn',
      body([{ role: 'user', content: '' }]),
      'messages.0.content',
    ],
    [
      'has a turn over MAX_MESSAGE_CHARS',
      body([{ role: 'user', content: 'x'.repeat(51) }]),
      'messages.0.content',
    ],
    [
      'has more than MAX_HISTORY_MESSAGES',
      body(
        Array.from({ length: 6 }, () => ({
          role: 'user' as const,
          content: 'x',
        })),
      ),
      'messages',
    ],
    [
      'asks for stream_options without stream',
      body([{ role: 'user', content: 'Hi' }], {
        stream_options: { include_usage: true },
      }),
      'stream_options',
    ],
  ])('refuses a request that %s, naming %s', (_what, request, field) => {
    expect(fieldOf(() => completions.prepare(request))).toBe(field);
  });
});
