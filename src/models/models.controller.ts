import { Controller, Get, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { KeyModels } from '../keys/key-models.service.js';
import { ModelCatalogue } from '../llm/catalogue/model-catalogue.js';
import { ServedModelListDto } from './dto/served-model.dto.js';

@ApiTags('chat')
@ApiBearerAuth()
@Controller('server')
export class ModelsController {
  constructor(
    private readonly catalogue: ModelCatalogue,
    private readonly keyModels: KeyModels,
  ) {}

  @Get('models')
  @ApiOperation({
    summary:
      'The models served that the API key may use, for the `model` of POST /server/send',
  })
  @ApiOkResponse({ type: ServedModelListDto })
  list(@Req() request: Request): ServedModelListDto {
    return {
      models: this.catalogue
        .list()
        .filter((model) => this.keyModels.allows(request, model.id)),
    };
  }
}
