import OpenAI, { NotFoundError } from 'openai';
import { FakeErnie } from './fakes/fake-ernie.js';
import { FakeOpenAi } from './fakes/fake-openai.js';
import {
  startApp,
  startAppExpectingFailure,
  type AppProcess,
} from './support/app-process.js';
import {
  writeCatalogue,
  type CatalogueFile,
} from './support/catalogue-file.js';
import { replyOf, subscribe } from './support/chat-helpers.js';
import { metricValue } from './support/metrics.js';
import { FAKE_CREDENTIALS } from './support/provider-env.js';
import { eventually, postJson, type SseClient } from './support/sse-client.js';

const REPLY = 'Hello from the fake model.';
const COOLDOWN_MS = 1_500;

/** Two OpenAI-compatible upstreams serving `gpt`, one ERNIE serving `ernie` (falling back to `gpt`). */
describe('routing by model, balancing and fallback (e2e, three fake upstreams)', () => {
  let gptA: FakeOpenAi;
  let gptB: FakeOpenAi;
  let ernie: FakeErnie;
  let file: CatalogueFile;
  let app: AppProcess;
  let client: OpenAI;
  const streams: SseClient[] = [];

  const ask = async (model: string) => {
    const completion = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    return completion;
  };

  beforeAll(async () => {
    [gptA, gptB, ernie] = await Promise.all([
      FakeOpenAi.start(),
      FakeOpenAi.start(),
      FakeErnie.start(),
    ]);
    file = await writeCatalogue({
      deployments: [
        {
          name: 'gpt-a',
          model: 'gpt',
          provider: 'openai',
          baseUrl: `${gptA.url}/v1`,
        },
        {
          name: 'gpt-b',
          model: 'gpt',
          provider: 'openai',
          baseUrl: `${gptB.url}/v1`,
        },
        {
          name: 'ernie-1',
          model: 'ernie',
          provider: 'ernie',
          upstreamModel: 'eb-instant',
          baseUrl: ernie.url,
          authBaseUrl: ernie.url,
          apiKeyEnv: 'ERNIE_KEY_1',
          secretKeyEnv: 'ERNIE_SECRET_1',
        },
      ],
      fallbacks: { ernie: ['gpt'] },
    });
    app = await startApp({
      MODELS_FILE: file.path,
      DEFAULT_MODEL: 'ernie',
      OPENAI_API_KEY: gptA.apiKey,
      ERNIE_KEY_1: ernie.apiKey,
      ERNIE_SECRET_1: ernie.secretKey,
      LLM_MAX_RETRIES: '0',
      ROUTER_BREAKER_FAILURES: '2',
      ROUTER_BREAKER_COOLDOWN_MS: String(COOLDOWN_MS),
      LLM_FIRST_TOKEN_TIMEOUT_MS: '5000',
      LLM_CONNECT_TIMEOUT_MS: '1000',
      ROUTER_FIRST_TOKEN_TIMEOUT_MS: '2000',
      // The cool-down tests poll with requests: the gateway's own rate limit must not interfere.
      RATE_LIMIT_MAX: '100000',
    });
    client = new OpenAI({
      baseURL: `${app.url}/v1`,
      apiKey: 'unused',
      maxRetries: 0,
    });
  });
  afterEach(async () => {
    gptA.reset();
    gptB.reset();
    ernie.reset();
    await Promise.all(streams.splice(0).map((stream) => stream.close()));
  });
  afterAll(async () => {
    await app?.stop();
    await Promise.all([gptA.close(), gptB.close(), ernie.close()]);
    await file.remove();
  });

  it('lists the models served, without URLs or credentials', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id).sort()).toEqual(['ernie', 'gpt']);
    const response = await fetch(`${app.url}/server/models`);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      models: [
        {
          id: 'gpt',
          providers: ['openai'],
          deployments: 2,
          fallbacks: [],
          default: false,
        },
        {
          id: 'ernie',
          providers: ['ernie'],
          deployments: 1,
          fallbacks: ['gpt'],
          default: true,
        },
      ],
    });
    for (const secret of [...FAKE_CREDENTIALS, gptA.url, ernie.url]) {
      expect(text).not.toContain(secret);
    }
  });

  it('sends each model name to its own upstreams and reports the model', async () => {
    const viaErnie = await ask('ernie');
    expect(viaErnie.model).toBe('ernie');
    expect(viaErnie.choices[0].message.content).toBe(REPLY);
    expect(ernie.chatRequests).toHaveLength(1);
    expect(gptA.chatRequests.length + gptB.chatRequests.length).toBe(0);

    const viaGpt = await ask('gpt');
    expect(viaGpt.model).toBe('gpt');
    expect(ernie.chatRequests).toHaveLength(1);
    expect(gptA.chatRequests.length + gptB.chatRequests.length).toBe(1);
  });

  it('shares the load between the two deployments of one model', async () => {
    for (let i = 0; i < 6; i++) await ask('gpt');
    expect(gptA.chatRequests.length).toBeGreaterThanOrEqual(2);
    expect(gptB.chatRequests.length).toBeGreaterThanOrEqual(2);
    expect(gptA.chatRequests.length + gptB.chatRequests.length).toBe(6);
  });

  it('refuses an unknown model with 404 model_not_found on both APIs, in OpenAI’s words everywhere', async () => {
    const message =
      "The model 'no-such-model' does not exist or you do not have access to it.";
    const chat = await ask('no-such-model').catch((error: unknown) => error);
    expect(chat).toBeInstanceOf(NotFoundError);
    expect(chat).toMatchObject({
      code: 'model_not_found',
      param: 'model',
      error: { message },
    });
    const retrieved = await client.models
      .retrieve('no-such-model')
      .catch((error: unknown) => error);
    expect(retrieved).toBeInstanceOf(NotFoundError);
    expect(retrieved).toMatchObject({
      code: 'model_not_found',
      param: null,
      error: { message },
    });
    const sent = await postJson(`${app.url}/server/send`, {
      model: 'no-such-model',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(sent.status).toBe(404);
    expect(sent.body).toMatchObject({ code: 'model_not_found', message });
    expect(ernie.chatRequests.length + gptA.chatRequests.length).toBe(0);
  });

  it('refuses a parameter the model’s provider cannot honour, and takes it for a model whose providers can', async () => {
    const refused = await postJson(`${app.url}/v1/chat/completions`, {
      model: 'ernie',
      seed: 7,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('seed');
    const taken = await postJson(`${app.url}/v1/chat/completions`, {
      model: 'gpt',
      seed: 7,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(taken.status).toBe(200);
  });

  it('falls back to the fallback model when ERNIE is rate limited, and says which model answered', async () => {
    ernie.enqueue({
      type: 'error',
      code: 18,
      message: 'Open api qps request limit reached',
    });
    const events = await subscribe(app, 'c_routing1');
    streams.push(events);
    const sent = await postJson<{ messageId: string }>(
      `${app.url}/server/send`,
      {
        conversationId: 'c_routing1',
        model: 'ernie',
        messages: [{ role: 'user', content: 'Hi' }],
      },
    );
    expect(sent.status).toBe(202);
    const reply = await replyOf(events, sent.body.messageId);
    expect(reply.event).toBe('done');
    expect(reply.text).toBe(REPLY);
    expect((reply as unknown as { model: string }).model).toBe('gpt');
    expect(ernie.chatRequests).toHaveLength(1);
  });

  it('skips a deployment answering 500 before the first token; the reply streams from the other', async () => {
    gptA.setDefault({ type: 'error', status: 500, code: 'server_error' });
    for (let i = 0; i < 2; i++) {
      const stream = await client.chat.completions.create({
        model: 'gpt',
        stream: true,
        messages: [{ role: 'user', content: 'Hi' }],
      });
      let text = '';
      for await (const chunk of stream) {
        expect(chunk.model).toBe('gpt');
        text += chunk.choices[0]?.delta.content ?? '';
      }
      expect(text).toBe(REPLY);
    }
    expect(gptA.chatRequests.length).toBeGreaterThanOrEqual(1);
    expect(gptB.chatRequests).toHaveLength(2);
  });

  it('cools a failing deployment down, keeps serving, and probes it again later', async () => {
    gptA.setDefault({ type: 'error', status: 500, code: 'server_error' });
    // The previous test left gpt-a with at least one failure; two in a row open it.
    await eventually(
      async () => {
        await ask('gpt');
        return (
          (await metricValue(app.url, 'chatgw_deployment_skipped_total', {
            deployment: 'gpt-a',
            reason: 'cooling_down',
          })) > 0
        );
      },
      10_000,
      'gpt-a cooled down',
    );
    const triedWhileOpen = gptA.chatRequests.length;
    const ready = await fetch(`${app.url}/health/ready`);
    expect(ready.status).toBe(200);
    const health = (await ready.json()) as {
      details: {
        deployments: { deployments: { deployment: string; circuit: string }[] };
      };
    };
    expect(health.details.deployments.deployments).toContainEqual(
      expect.objectContaining({ deployment: 'gpt-a', circuit: 'open' }),
    );
    await ask('gpt');
    expect(gptA.chatRequests).toHaveLength(triedWhileOpen);

    gptA.setDefault({ type: 'reply' });
    await eventually(
      async () => {
        await ask('gpt');
        return gptA.chatRequests.length > triedWhileOpen;
      },
      COOLDOWN_MS + 8_000,
      'a probe of gpt-a',
    );
    expect(
      await metricValue(app.url, 'chatgw_deployment_errors_total', {
        deployment: 'gpt-a',
        code: 'upstream_unavailable',
      }),
    ).toBeGreaterThanOrEqual(2);
    expect(
      await metricValue(app.url, 'chatgw_deployment_requests_total', {
        deployment: 'gpt-b',
      }),
    ).toBeGreaterThan(0);
    expect(app.output()).toMatch(/gpt: served by gpt-b after gpt-a/);
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    for (const secret of [...FAKE_CREDENTIALS, gptA.url]) {
      expect(metrics).not.toContain(secret);
    }
  });

  it('moves on when a deployment does not even answer with headers (connect timeout)', async () => {
    gptA.enqueue({ type: 'stall', beforeHeaders: true });
    gptB.enqueue({ type: 'stall', beforeHeaders: true });
    // Whichever deployment goes first stalls; the other answers.
    const answers = await Promise.all([ask('gpt'), ask('gpt')]);
    for (const answer of answers) {
      expect(answer.choices[0].message.content).toBe(REPLY);
    }
    expect(gptA.chatRequests.length + gptB.chatRequests.length).toBe(4);
    expect(app.output()).toMatch(/gpt-[ab]: upstream_timeout/);
  });

  it('moves on when a deployment sends headers but no token (ROUTER_FIRST_TOKEN_TIMEOUT_MS)', async () => {
    gptA.enqueue({ type: 'stall' });
    gptB.enqueue({ type: 'stall' });
    const answers = await Promise.all([ask('gpt'), ask('gpt')]);
    for (const answer of answers) {
      expect(answer.choices[0].message.content).toBe(REPLY);
    }
    expect(gptA.chatRequests.length + gptB.chatRequests.length).toBe(4);
    expect(app.output()).toMatch(
      /gpt-[ab]: upstream_timeout .*before the first token; trying the next deployment/,
    );
  });

  it('stays ready while a model’s only deployment is open and its fallback serves it; the circuit shows in the body', async () => {
    ernie.setDefault({ type: 'error', code: 18, message: 'qps limit' });
    await eventually(
      async () => {
        // Still answered: by the fallback model.
        expect((await ask('ernie')).model).toBe('gpt');
        return (
          (await metricValue(app.url, 'chatgw_deployment_skipped_total', {
            deployment: 'ernie-1',
            reason: 'cooling_down',
          })) > 0
        );
      },
      10_000,
      'ernie-1 cooled down',
    );
    // Issue #25: readiness is the instance's own; one upstream's outage,
    // shared by every instance, must not take the fleet out.
    const stillReady = await fetch(`${app.url}/health/ready`);
    expect(stillReady.status).toBe(200);
    expect(await stillReady.json()).toMatchObject({
      details: {
        deployments: {
          status: 'up',
          unusableModels: ['ernie'],
          unservedModels: [],
          deployments: expect.arrayContaining([
            expect.objectContaining({ deployment: 'ernie-1', circuit: 'open' }),
          ]) as unknown,
        },
      },
    });

    expect(
      await metricValue(app.url, 'chatgw_deployment_circuit_open', {
        deployment: 'ernie-1',
        state: 'open',
      }),
    ).toBe(1);

    ernie.setDefault({ type: 'reply' });
    await eventually(
      async () => (await ask('ernie')).model === 'ernie',
      COOLDOWN_MS + 8_000,
      'ernie-1 probed and serving again',
    );
    expect((await fetch(`${app.url}/health/ready`)).status).toBe(200);
    for (const secret of FAKE_CREDENTIALS) {
      expect(app.output()).not.toContain(secret);
    }
  });

  it('refuses to start on a catalogue with a bad entry, naming it', async () => {
    const bad = await writeCatalogue({
      deployments: [
        { name: 'fine', model: 'm', provider: 'mock' },
        {
          name: 'broken',
          model: 'm',
          provider: 'openai',
          baseUrl: 'nope',
          rpm: 0,
        },
      ],
    });
    try {
      const { code, output } = await startAppExpectingFailure({
        MODELS_FILE: bad.path,
        OPENAI_API_KEY: gptA.apiKey,
      });
      expect(code).toBe(1);
      expect(output).toContain('Invalid model catalogue');
      expect(output).toContain('deployments[1] (broken).baseUrl');
      expect(output).toContain('deployments[1] (broken).rpm');
      expect(output).not.toContain(gptA.apiKey);
    } finally {
      await bad.remove();
    }
  });
});
