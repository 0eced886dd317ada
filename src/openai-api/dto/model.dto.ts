import { ApiProperty } from '@nestjs/swagger';

export class ModelDto {
  @ApiProperty({ example: 'mock-echo-1' })
  id: string;

  @ApiProperty({ enum: ['model'] })
  object: 'model';

  @ApiProperty({
    example: 1764131282,
    description: 'Unix seconds (when this process started).',
  })
  created: number;

  @ApiProperty({
    example: 'mock',
    description: "The provider of the model's first deployment.",
  })
  owned_by: string;
}

export class ModelListDto {
  @ApiProperty({ enum: ['list'] })
  object: 'list';

  @ApiProperty({ type: [ModelDto] })
  data: ModelDto[];
}
