import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

/** Key ids (`k_` and hex digits) and the open mode's `anonymous`. */
export const OWNER_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export const OWNER_DESCRIPTION =
  'Admin keys only: the key id (`k_…`, or `anonymous` for open-mode conversations) that owns the ' +
  "conversation, to act on another key's conversation. Ids are a namespace per key: without it, " +
  'the id names the caller’s own conversation. Any other key naming an owner but itself gets ' +
  '403 owner_not_allowed.';

/** The owner an admin names to read, stream or cancel another key's conversation. */
export class OwnerQueryDto {
  @ApiPropertyOptional({
    description: OWNER_DESCRIPTION,
    pattern: OWNER_PATTERN.source,
    example: 'k_3f1a9c0d2e4b',
  })
  @IsOptional()
  @Matches(OWNER_PATTERN, {
    message: 'owner must be a key id such as k_3f1a9c0d2e4b',
  })
  owner?: string;
}
