import {
  FAKE_ERNIE_API_KEY,
  FAKE_ERNIE_SECRET_KEY,
  type FakeErnie,
} from '../fakes/fake-ernie.js';
import {
  FAKE_OPENAI_API_KEY,
  FAKE_QIANFAN_API_KEY,
  type FakeOpenAi,
} from '../fakes/fake-openai.js';

/**
 * The environment that points the app's provider at a fake upstream, for
 * `startApp({ ...ernieEnv(fake), ...tuning })`. Only provider variables:
 * timeouts and retries are each test's choice.
 */
export function ernieEnv(fake: FakeErnie): Record<string, string> {
  return {
    LLM_PROVIDER: 'ernie',
    ERNIE_API_KEY: fake.apiKey,
    ERNIE_SECRET_KEY: fake.secretKey,
    ERNIE_AUTH_BASE_URL: fake.url,
    ERNIE_BASE_URL: fake.url,
    ERNIE_MODEL_ENDPOINT: 'eb-instant',
  };
}

/** Qianfan v2 (the provider appends `/v2`); start the fake with `FAKE_QIANFAN_API_KEY`. */
export function qianfanEnv(
  fake: FakeOpenAi,
  appId = 'app-7f3c9e21',
): Record<string, string> {
  return {
    LLM_PROVIDER: 'qianfan',
    QIANFAN_API_KEY: fake.apiKey,
    QIANFAN_APP_ID: appId,
    QIANFAN_BASE_URL: fake.url,
  };
}

export function openAiEnv(fake: FakeOpenAi): Record<string, string> {
  return {
    LLM_PROVIDER: 'openai',
    OPENAI_API_KEY: fake.apiKey,
    OPENAI_BASE_URL: `${fake.url}/v1`,
  };
}

/** Every credential the fakes accept by default: none may ever appear in a log or an event. */
export const FAKE_CREDENTIALS = [
  FAKE_ERNIE_API_KEY,
  FAKE_ERNIE_SECRET_KEY,
  FAKE_OPENAI_API_KEY,
  FAKE_QIANFAN_API_KEY,
];
