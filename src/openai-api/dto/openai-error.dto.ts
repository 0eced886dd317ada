import { ApiProperty } from '@nestjs/swagger';

export class OpenAiErrorDetailDto {
  @ApiProperty({ example: 'messages.0.role: role must be one of …' })
  message: string;

  @ApiProperty({
    example: 'invalid_request_error',
    enum: [
      'invalid_request_error',
      'authentication_error',
      'permission_error',
      'not_found_error',
      'rate_limit_error',
      'server_error',
    ],
  })
  type: string;

  @ApiProperty({
    example: 'validation_failed',
    nullable: true,
    type: String,
    description:
      'validation_failed, invalid_json, missing_api_key, invalid_api_key, rate_limit_exceeded, ' +
      'model_not_found, too_many_streams_per_client, shutting_down, upstream_auth (502), ' +
      'upstream_rate_limited (503), upstream_bad_request (400), context_length_exceeded (400), ' +
      'upstream_unavailable (503), upstream_timeout (504), upstream_protocol (502), internal_error (500).',
  })
  code: string | null;

  @ApiProperty({
    example: 'messages.0.role',
    nullable: true,
    type: String,
    description: 'The offending request field, when one is to blame.',
  })
  param: string | null;
}

/** OpenAI's error shape, which every `/v1` error uses. */
export class OpenAiErrorDto {
  @ApiProperty({ type: OpenAiErrorDetailDto })
  error: OpenAiErrorDetailDto;
}
