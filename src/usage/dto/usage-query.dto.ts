import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const dateRule = (field: string) => ({
  message: `${field} must be a date such as 2026-12-06 (UTC)`,
});

export class UsageQueryDto {
  @ApiPropertyOptional({
    description:
      "Only this key's usage, by name. Admin keys only; other keys see their own.",
    example: 'team-a',
  })
  @IsOptional()
  @IsString()
  @MaxLength(63)
  key?: string;

  @ApiPropertyOptional({ example: 'ernie-4.0' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  model?: string;

  @ApiPropertyOptional({
    description:
      'First day (UTC), inclusive. Default: the first of this month.',
    example: '2026-12-01',
  })
  @IsOptional()
  @Matches(DATE, dateRule('from'))
  from?: string;

  @ApiPropertyOptional({
    description:
      'Last day (UTC), inclusive. Default: today. At most 366 days after `from`.',
    example: '2026-12-06',
  })
  @IsOptional()
  @Matches(DATE, dateRule('to'))
  to?: string;
}
