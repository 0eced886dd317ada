import { Controller, Get } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ModelCatalogue } from '../llm/catalogue/model-catalogue.js';
import { ServedModelListDto } from './dto/served-model.dto.js';

@ApiTags('chat')
@ApiBearerAuth()
@Controller('server')
export class ModelsController {
  constructor(private readonly catalogue: ModelCatalogue) {}

  @Get('models')
  @ApiOperation({
    summary: 'The models served, for the `model` of POST /server/send',
  })
  @ApiOkResponse({ type: ServedModelListDto })
  list(): ServedModelListDto {
    return { models: this.catalogue.list() };
  }
}
