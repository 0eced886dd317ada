import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';

export class CancelGenerationDto {
  @ApiPropertyOptional({
    description:
      'The reply to stop; absent stops whatever runs in the conversation.',
    example: '2d0f8c2e-5b7a-4c1e-9a51-0c6f1d3b8e11',
  })
  @IsOptional()
  @IsUUID()
  messageId?: string;
}
