import type { Deployment } from '../catalogue/deployment.js';
import { ModelCatalogue } from '../catalogue/model-catalogue.js';
import { LlmError } from '../llm-error.js';
import { LlmProvider } from '../llm-provider.js';
import type { LlmChunk, LlmRequest } from '../llm.types.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { DeploymentBalancer } from './deployment-balancer.js';
import { MemoryDeploymentLimiter } from './memory-deployment-limiter.js';
import { ModelRouter } from './model-router.js';

type Script =
  'ok' | 'rate_limited' | 'bad_request' | 'fail_after_token' | 'stall';

/** A provider that answers with its name, or fails as its script says. */
class ScriptedProvider extends LlmProvider {
  readonly model = 'upstream';
  readonly calls: LlmRequest[] = [];
  script: Script[] = [];

  constructor(readonly name: string) {
    super();
  }

  async *stream(
    request: LlmRequest,
    signal: AbortSignal,
  ): AsyncGenerator<LlmChunk> {
    this.calls.push(request);
    const step = this.script.shift() ?? 'ok';
    if (step === 'stall') {
      // Says nothing until the call is aborted, as a stalled upstream.
      if (!signal.aborted) {
        await new Promise((resolve) =>
          signal.addEventListener('abort', resolve, { once: true }),
        );
      }
      throw new LlmError('upstream_unavailable', 'aborted');
    }
    if (step === 'rate_limited') {
      throw new LlmError('upstream_rate_limited', 'busy', { retryable: true });
    }
    if (step === 'bad_request') {
      throw new LlmError('upstream_bad_request', 'no');
    }
    yield { type: 'delta', text: this.name };
    if (step === 'fail_after_token') {
      throw new LlmError('upstream_unavailable', 'cut', { retryable: true });
    }
    yield { type: 'finish', finishReason: 'stop' };
  }
}

const deployment = (
  name: string,
  model: string,
  fields: Partial<Deployment> = {},
): Deployment =>
  ({
    name,
    model,
    provider: 'mock',
    limits: {},
    priority: 0,
    weight: 1,
    ...fields,
  }) as Deployment;

function router(
  deployments: Deployment[],
  fallbacks: Record<string, string[]> = {},
  firstTokenTimeoutMs = 0,
) {
  const providers = new Map(
    deployments.map((d) => [d.name, new ScriptedProvider(d.name)]),
  );
  let now = 0;
  const breaker = new CircuitBreaker(
    { failureThreshold: 2, cooldownMs: 1000 },
    () => now,
  );
  const instance = new ModelRouter({
    catalogue: new ModelCatalogue({
      deployments,
      fallbacks,
      defaultModel: deployments[0].model,
      fromFile: true,
    }),
    providers,
    balancer: new DeploymentBalancer(),
    breaker,
    limiter: new MemoryDeploymentLimiter(),
    firstTokenTimeoutMs,
  });
  return {
    instance,
    provider: (name: string) => providers.get(name)!,
    advance: (ms: number) => (now += ms),
  };
}

async function run(r: ModelRouter, model?: string): Promise<LlmChunk[]> {
  const chunks: LlmChunk[] = [];
  const request: LlmRequest = {
    model,
    messages: [{ role: 'user', content: 'hi' }],
  };
  for await (const chunk of r.stream(request, new AbortController().signal)) {
    chunks.push(chunk);
  }
  return chunks;
}

const servedBy = (chunks: LlmChunk[]) => chunks.find((c) => c.type === 'route');

describe('ModelRouter', () => {
  it('sends each model to its own deployments and reports which one answered', async () => {
    const { instance } = router([
      deployment('e1', 'ernie'),
      deployment('g1', 'gpt'),
    ]);
    expect(servedBy(await run(instance, 'gpt'))).toEqual({
      type: 'route',
      model: 'gpt',
      deployment: 'g1',
    });
    expect(servedBy(await run(instance))).toMatchObject({ deployment: 'e1' });
  });

  it('shares sequential requests between the deployments of one model', async () => {
    const { instance, provider } = router([
      deployment('a', 'm'),
      deployment('b', 'm'),
    ]);
    for (let i = 0; i < 4; i++) await run(instance);
    expect(provider('a').calls).toHaveLength(2);
    expect(provider('b').calls).toHaveLength(2);
  });

  it('moves to the next deployment, then to the fallback model, on a retryable failure before output', async () => {
    const { instance, provider } = router(
      [deployment('a', 'm'), deployment('b', 'm'), deployment('z', 'spare')],
      { m: ['spare'] },
    );
    provider('a').script = ['rate_limited'];
    provider('b').script = ['rate_limited'];
    const chunks = await run(instance);
    expect(servedBy(chunks)).toEqual({
      type: 'route',
      model: 'spare',
      deployment: 'z',
    });
    expect(chunks).toContainEqual({ type: 'delta', text: 'z' });
  });

  it('does not fall back on the request’s own errors, nor after output', async () => {
    const { instance, provider } = router([
      deployment('a', 'm'),
      deployment('b', 'm'),
    ]);
    provider('a').script = ['bad_request'];
    await expect(run(instance)).rejects.toMatchObject({
      code: 'upstream_bad_request',
    });
    provider('b').script = ['fail_after_token'];
    await expect(run(instance)).rejects.toMatchObject({
      code: 'upstream_unavailable',
    });
    expect(provider('a').calls).toHaveLength(1);
    expect(provider('b').calls).toHaveLength(1);
  });

  it('gives up on a deployment that stalls past ROUTER_FIRST_TOKEN_TIMEOUT_MS and serves from the next', async () => {
    const { instance, provider } = router(
      [
        deployment('a', 'm', { priority: 0 }),
        deployment('b', 'm', { priority: 1 }),
      ],
      {},
      20,
    );
    provider('a').script = ['stall'];
    expect(servedBy(await run(instance))).toMatchObject({ deployment: 'b' });
    const { deployments } = await instance.readiness();
    expect(deployments).toContainEqual(
      expect.objectContaining({ deployment: 'a', circuit: 'closed' }),
    );
  });

  it('passes a caller’s cancellation through as such, not as a timeout', async () => {
    const { instance, provider } = router([deployment('a', 'm')], {}, 10_000);
    provider('a').script = ['stall'];
    const controller = new AbortController();
    const chunks = instance
      .stream(
        { messages: [{ role: 'user', content: 'hi' }] },
        controller.signal,
      )
      [Symbol.asyncIterator]();
    const next = chunks.next();
    controller.abort();
    await expect(next).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('cools a failing deployment down, then probes it once', async () => {
    const { instance, provider, advance } = router([
      deployment('a', 'm', { priority: 0 }),
      deployment('b', 'm', { priority: 1 }),
    ]);
    provider('a').script = ['rate_limited', 'rate_limited'];
    await run(instance);
    await run(instance);
    expect(provider('a').calls).toHaveLength(2);
    await run(instance);
    expect(provider('a').calls).toHaveLength(2);
    expect(provider('b').calls).toHaveLength(3);
    advance(1000);
    expect(servedBy(await run(instance))).toMatchObject({ deployment: 'a' });
    expect(provider('a').calls).toHaveLength(3);
  });

  it('skips a deployment at its rpm and says so when every one is', async () => {
    const { instance, provider } = router([
      deployment('a', 'm', { limits: { rpm: 1 } }),
      deployment('b', 'm', { limits: { rpm: 1 } }),
    ]);
    await run(instance);
    await run(instance);
    await expect(run(instance)).rejects.toMatchObject({
      code: 'upstream_rate_limited',
      retryable: true,
    });
    expect(provider('a').calls).toHaveLength(1);
    expect(provider('b').calls).toHaveLength(1);
  });

  it('reports each deployment and the models left without a usable one', async () => {
    const { instance, provider } = router([
      deployment('a', 'm'),
      deployment('z', 'other'),
    ]);
    provider('z').script = ['rate_limited', 'rate_limited'];
    await expect(run(instance, 'other')).rejects.toThrow();
    await expect(run(instance, 'other')).rejects.toThrow();
    const { deployments, unusableModels } = await instance.readiness();
    expect(unusableModels).toEqual(['other']);
    expect(deployments).toContainEqual(
      expect.objectContaining({
        deployment: 'z',
        circuit: 'open',
        usable: false,
      }),
    );
  });

  it('counts fallbacks: a model whose own deployments are open is unusable, yet served while a fallback is', async () => {
    const { instance, provider } = router(
      [deployment('a', 'm'), deployment('z', 'other'), deployment('y', 'lone')],
      { other: ['m'] },
    );
    provider('z').script = ['rate_limited', 'rate_limited'];
    provider('y').script = ['rate_limited', 'rate_limited'];
    for (const model of ['other', 'lone']) {
      await run(instance, model).catch(() => undefined);
      await run(instance, model).catch(() => undefined);
    }
    const { unusableModels, unservedModels } = await instance.readiness();
    expect(unusableModels).toEqual(['other', 'lone']);
    expect(unservedModels).toEqual(['lone']);
  });
});
