import { createHash } from 'node:crypto';
import { Subject } from 'rxjs';
import { ApiKeys, type KeysChange } from '../access/api-keys.js';
import type { ApiKeyDefinition } from '../keys/api-key-definition.js';
import type { KeysReloader } from '../keys/keys-reloader.service.js';
import { LlmError } from '../llm/llm-error.js';
import type { LlmRequest } from '../llm/llm.types.js';
import { MemoryDeploymentLimiter } from '../llm/routing/memory-deployment-limiter.js';
import { KeyCallGate } from './key-call-gate.js';
import { MemoryUsageLedger } from './memory-usage-ledger.js';

const NOW = new Date('2026-12-06T12:00:00Z');
const key = (
  name: string,
  fields: Partial<ApiKeyDefinition> = {},
): ApiKeyDefinition => ({
  id: `k_${name}`,
  name,
  digest: createHash('sha256').update(name).digest(),
  role: 'user',
  limits: {},
  ...fields,
});
const request = (keyId?: string): LlmRequest => ({
  keyId,
  messages: [{ role: 'user', content: 'Hello there' }],
});
const usage = (promptTokens: number, completionTokens: number) => ({
  promptTokens,
  completionTokens,
  totalTokens: promptTokens + completionTokens,
});
const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LlmError);
  return error as LlmError;
};

describe('KeyCallGate', () => {
  const reloads = new Subject<KeysChange>();
  let ledger: MemoryUsageLedger;
  const gateFor = (definitions: ApiKeyDefinition[]) => {
    ledger = new MemoryUsageLedger();
    const gate = new KeyCallGate(
      ApiKeys.fromDefinitions(definitions),
      ledger,
      new MemoryDeploymentLimiter(),
      () => NOW,
      { changes: reloads.asObservable() } as KeysReloader,
    );
    gate.onModuleInit();
    return gate;
  };

  it('refuses a model the key may not use, with 403 naming it', async () => {
    const gate = gateFor([key('a', { models: ['ernie-*'] })]);
    await gate.admit(request('k_a'), 'ernie-4.0');
    const error = await refusal(gate.admit(request('k_a'), 'gpt'));
    expect(error).toMatchObject({ code: 'model_not_allowed', status: 403 });
    expect(error.message).toContain("'gpt'");
    await refusal(gate.check(request('k_a'), 'gpt'));
  });

  it('lets calls start until the budget is spent, then refuses with the reset time', async () => {
    const gate = gateFor([key('a', { budget: { tokens: 20, period: 'day' } })]);
    const first = await gate.admit(request('k_a'), 'gpt');
    const second = await gate.admit(request('k_a'), 'gpt');
    // Both were running when the budget ran out: both are counted in full.
    await first.end({
      model: 'gpt',
      usage: usage(5, 10),
      estimated: false,
      outcome: 'finished',
    });
    await second.end({
      model: 'gpt',
      usage: usage(5, 10),
      estimated: false,
      outcome: 'finished',
    });
    const error = await refusal(gate.admit(request('k_a'), 'gpt'));
    expect(error).toMatchObject({ code: 'insufficient_quota', status: 429 });
    expect(error.retryAfterMs).toBe(12 * 3_600_000);
    expect(error.details).toMatchObject({
      retryAfterSeconds: 12 * 3_600,
      budget: {
        tokens: 20,
        period: 'day',
        spent: 30,
        resetsAt: '2026-12-07T00:00:00.000Z',
      },
    });
    expect(await ledger.rows({ from: '2026-12-06', to: '2026-12-06' })).toEqual(
      [
        expect.objectContaining({
          key: 'a',
          requests: 2,
          promptTokens: 10,
          completionTokens: 20,
        }),
      ],
    );
  });

  it('holds a key to its replies at once (maxStreams) until one ends', async () => {
    const gate = gateFor([key('a', { limits: { maxStreams: 1 } })]);
    const running = await gate.admit(request('k_a'), 'gpt');
    const error = await refusal(gate.admit(request('k_a'), 'gpt'));
    expect(error).toMatchObject({ code: 'rate_limited', status: 429 });
    expect(error.details).toMatchObject({ limit: 'maxStreams' });
    await running.end({
      model: 'gpt',
      usage: usage(1, 1),
      estimated: true,
      outcome: 'cancelled',
    });
    await gate.admit(request('k_a'), 'gpt');
  });

  it('ends the running calls of a removed key with key_revoked, and refuses its next', async () => {
    const gate = gateFor([key('a'), key('b')]);
    const doomed = await gate.admit(request('k_a'), 'gpt');
    const kept = await gate.admit(request('k_b'), 'gpt');
    reloads.next({ added: [], removed: ['k_a'], changed: [] });
    expect(doomed.signal?.aborted).toBe(true);
    expect(doomed.signal?.reason).toMatchObject({ code: 'key_revoked' });
    expect(kept.signal?.aborted).toBe(false);
    const unknown = await refusal(gate.admit(request('k_gone'), 'gpt'));
    expect(unknown.code).toBe('key_revoked');
  });

  it('counts under `anonymous` when the API is open, and records failures as errors', async () => {
    const gate = gateFor([]);
    const ticket = await gate.admit(request(), 'gpt');
    await ticket.end({
      model: 'gpt',
      usage: usage(3, 0),
      estimated: true,
      outcome: 'failed',
    });
    expect(await ledger.rows({ from: '2026-12-06', to: '2026-12-06' })).toEqual(
      [expect.objectContaining({ key: 'anonymous', requests: 1, errors: 1 })],
    );
  });
});
