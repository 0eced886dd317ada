import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Swagger schema of `ErrorBody`, the JSON of every HTTP error. */
export class ErrorResponseDto {
  @ApiProperty({ example: 400 })
  statusCode: number;

  @ApiProperty({
    example: 'validation_failed',
    description:
      'Stable machine-readable code: validation_failed, invalid_json, unsupported_media_type, ' +
      'payload_too_large, generation_in_progress, no_active_generation, conversation_not_found, ' +
      'too_many_streams, too_many_streams_per_client, rate_limited, missing_api_key, invalid_api_key, ' +
      'invalid_stream_token, stream_token_expired, stream_token_conversation_mismatch, shutting_down, ' +
      'not_found, internal_error, invalid_encoding, host_not_allowed, too_many_auth_failures, ' +
      'owner_not_allowed, bus_unavailable, state_unavailable.',
  })
  code: string;

  @ApiProperty({
    example:
      'messages.0.role: role must be one of the following values: user, assistant, tool',
  })
  message: string;

  @ApiPropertyOptional({
    example: {
      errors: [
        {
          field: 'messages.0.role',
          rule: 'isIn',
          message:
            'messages.0.role must be one of the following values: user, assistant, tool',
        },
      ],
    },
  })
  details?: Record<string, unknown>;
}
