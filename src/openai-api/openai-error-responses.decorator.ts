import { applyDecorators } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiForbiddenResponse,
  ApiGatewayTimeoutResponse,
  ApiServiceUnavailableResponse,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { OpenAiErrorDto } from './dto/openai-error.dto.js';

const RATE_LIMITED =
  'rate_limit_exceeded (with Retry-After), too_many_streams_per_client';

/**
 * The errors every `/v1` route may answer before it runs (a controller's
 * decorator): the API key and the rate limits.
 */
export const OpenAiAccessErrors = () =>
  applyDecorators(
    ApiUnauthorizedResponse({
      type: OpenAiErrorDto,
      description: 'missing_api_key, invalid_api_key (when API_KEYS is set)',
    }),
    ApiTooManyRequestsResponse({
      type: OpenAiErrorDto,
      description: RATE_LIMITED,
    }),
  );

/**
 * The errors of a route that calls the model (chat completions, responses):
 * the key's models and budget, then the upstream's faults as the gateway
 * maps them.
 */
export const ModelCallErrors = () =>
  applyDecorators(
    ApiTooManyRequestsResponse({
      type: OpenAiErrorDto,
      description:
        `${RATE_LIMITED}; ` +
        "insufficient_quota (type insufficient_quota): the key's token budget is spent, " +
        'with Retry-After and `resetsAt` in the message (the reply that crossed it was finished)',
    }),
    ApiForbiddenResponse({
      type: OpenAiErrorDto,
      description:
        'permission_error model_not_allowed: a model the API key may not use (KEYS_FILE `models`)',
    }),
    ApiBadGatewayResponse({
      type: OpenAiErrorDto,
      description: 'upstream_auth, upstream_protocol',
    }),
    ApiServiceUnavailableResponse({
      type: OpenAiErrorDto,
      description:
        'upstream_rate_limited, upstream_unavailable (Retry-After when known), shutting_down',
    }),
    ApiGatewayTimeoutResponse({
      type: OpenAiErrorDto,
      description: 'upstream_timeout',
    }),
  );
