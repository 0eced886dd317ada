import { ApiProperty } from '@nestjs/swagger';
import {
  LLM_PROVIDERS,
  type LlmProviderName,
} from '../../llm/providers/provider-names.js';

/** A model of the catalogue as clients may see it: no URLs, no credentials. */
export class ServedModelDto {
  @ApiProperty({ example: 'ernie-speed' })
  id: string;

  @ApiProperty({
    enum: LLM_PROVIDERS,
    isArray: true,
    description: 'Providers of its deployments.',
  })
  providers: LlmProviderName[];

  @ApiProperty({ example: 2, description: 'How many deployments serve it.' })
  deployments: number;

  @ApiProperty({
    type: [String],
    example: ['gpt-4o-mini'],
    description: 'Models tried, in order, when all its deployments fail.',
  })
  fallbacks: string[];

  @ApiProperty({
    description: 'Whether requests without `model` get it (DEFAULT_MODEL).',
  })
  default: boolean;
}

export class ServedModelListDto {
  @ApiProperty({ type: [ServedModelDto] })
  models: ServedModelDto[];
}
