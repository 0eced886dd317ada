import { ApiProperty } from '@nestjs/swagger';

export class CompletionUsageDto {
  @ApiProperty({ example: 12 })
  prompt_tokens: number;

  @ApiProperty({ example: 30 })
  completion_tokens: number;

  @ApiProperty({ example: 42 })
  total_tokens: number;
}
