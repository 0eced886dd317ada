import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class UsageCountsDto {
  @ApiProperty({ example: 12 })
  requests: number;

  @ApiProperty({ example: 840 })
  prompt_tokens: number;

  @ApiProperty({ example: 2210 })
  completion_tokens: number;

  @ApiProperty({ example: 3050 })
  total_tokens: number;

  @ApiProperty({
    example: 1,
    description: 'Calls that failed (a client leaving is not one).',
  })
  errors: number;
}

export class UsageRowDto extends UsageCountsDto {
  @ApiProperty({ example: 'team-a', description: "The key's name." })
  key: string;

  @ApiProperty({ example: 'ernie-4.0' })
  model: string;

  @ApiProperty({ example: '2026-12-06', description: 'UTC day.' })
  date: string;
}

export class UsageBudgetDto {
  @ApiProperty({ enum: ['day', 'month'] })
  period: 'day' | 'month';

  @ApiProperty({ example: 100000, description: 'Tokens allowed per period.' })
  tokens: number;

  @ApiProperty({ example: 3050, description: 'Tokens used this period.' })
  used: number;

  @ApiProperty({ example: 96950 })
  remaining: number;

  @ApiProperty({ example: '2027-01-01T00:00:00.000Z' })
  resets_at: string;
}

export class UsageKeyDto {
  @ApiProperty({ example: 'team-a' })
  name: string;

  @ApiProperty({ enum: ['user', 'admin'] })
  role: 'user' | 'admin';

  @ApiPropertyOptional({
    type: [String],
    example: ['ernie-*'],
    description: 'Models (or `*` patterns) it may use; absent: all.',
  })
  models?: string[];

  @ApiPropertyOptional({
    example: { rpm: 60, tpm: 100000, maxStreams: 4 },
    description: 'Its own limits; those absent are the global ones.',
  })
  limits?: { rpm?: number; tpm?: number; maxStreams?: number };

  @ApiPropertyOptional({ type: UsageBudgetDto })
  budget?: UsageBudgetDto;
}

export class UsageReportDto {
  @ApiProperty({ enum: ['usage'] })
  object: 'usage';

  @ApiProperty({ example: '2026-12-01' })
  from: string;

  @ApiProperty({ example: '2026-12-06' })
  to: string;

  @ApiProperty({
    type: UsageKeyDto,
    description:
      'The key that asked: its models, limits and budget this period.',
  })
  caller: UsageKeyDto;

  @ApiProperty({
    type: [UsageRowDto],
    description: 'Per key × model × day, ordered by day, key and model.',
  })
  data: UsageRowDto[];

  @ApiProperty({ type: UsageCountsDto, description: 'Sums of `data`.' })
  totals: UsageCountsDto;
}
