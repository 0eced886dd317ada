import type { Request } from 'express';
import { AppError } from '../common/errors/app-error.js';
import { HttpErrors } from '../common/errors/http-errors.js';
import { LlmError, type LlmErrorCode } from '../llm/llm-error.js';
import {
  completionError,
  openAiErrorRenderer,
  toOpenAiError,
} from './openai-errors.js';

describe('completionError (LlmError → /v1 status)', () => {
  it.each<[LlmErrorCode, number]>([
    ['upstream_auth', 502],
    ['upstream_rate_limited', 503],
    ['upstream_bad_request', 400],
    ['upstream_input_too_long', 400],
    ['upstream_unavailable', 503],
    ['upstream_timeout', 504],
    ['upstream_protocol', 502],
    ['internal_error', 500],
  ])('maps %s to %i, keeping code and message', (code, status) => {
    const error = completionError(new LlmError(code, 'It failed.'));
    expect(error.status).toBe(status);
    expect(error.code).toBe(code);
    expect(error.message).toBe('It failed.');
  });

  it('passes the upstream code and a Retry-After in whole seconds', () => {
    const error = completionError(
      new LlmError('upstream_rate_limited', 'Slow down.', {
        upstreamCode: 18,
        retryAfterMs: 1_200,
      }),
    );
    expect(error.details).toEqual({ upstreamCode: 18, retryAfterSeconds: 2 });
  });

  it('keeps AppErrors and hides anything else behind a generic 500', () => {
    const tooMany = HttpErrors.tooMany('too_many_streams', 'Too many.');
    expect(completionError(tooMany)).toBe(tooMany);
    const hidden = completionError(new Error('secret at /internal/path'));
    expect(hidden.status).toBe(500);
    expect(hidden.message).not.toContain('secret');
  });
});

describe('toOpenAiError', () => {
  it('names the first invalid field as param, with the invalid_request_error type', () => {
    const body = HttpErrors.validation('messages.0.role: bad', [
      { field: 'messages.0.role', rule: 'isIn', message: 'bad' },
      { field: 'model', rule: 'isString', message: 'bad' },
    ]).toJSON();
    expect(toOpenAiError(body)).toEqual({
      error: {
        message: 'messages.0.role: bad',
        type: 'invalid_request_error',
        code: 'validation_failed',
        param: 'messages.0.role',
      },
    });
  });

  it.each([
    [401, 'invalid_api_key', 'authentication_error', 'invalid_api_key'],
    [
      403,
      'stream_token_conversation_mismatch',
      'permission_error',
      'stream_token_conversation_mismatch',
    ],
    [404, 'model_not_found', 'not_found_error', 'model_not_found'],
    [429, 'rate_limited', 'rate_limit_error', 'rate_limit_exceeded'],
    [
      400,
      'upstream_input_too_long',
      'invalid_request_error',
      'context_length_exceeded',
    ],
    [503, 'upstream_unavailable', 'server_error', 'upstream_unavailable'],
  ])('renders %i %s as type %s, code %s', (status, code, type, openAiCode) => {
    const { error } = toOpenAiError(new AppError(code, 'm', status).toJSON());
    expect(error).toEqual({
      message: 'm',
      type,
      code: openAiCode,
      param: null,
    });
  });
});

describe('openAiErrorRenderer', () => {
  it.each([
    ['/v1/chat/completions', true],
    ['/v1', true],
    ['/v1/unknown', true],
    ['/v10/models', false],
    ['/server/send', false],
  ])('applies to %s: %s', (path, expected) => {
    expect(openAiErrorRenderer.matches({ path } as Request)).toBe(expected);
  });
});
