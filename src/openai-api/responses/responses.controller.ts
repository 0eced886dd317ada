import { ReadsJsonBody } from '../../common/http/json-body.guard.js';
import { AcceptsNewWork } from '../../common/lifecycle/accepts-new-work.decorator.js';
import {
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal } from '../../access/current-principal.decorator.js';
import { clientIdentityOf, type Principal } from '../../access/principal.js';
import { clientGoneSignal } from '../client-gone.js';
import { OpenAiErrorDto } from '../dto/openai-error.dto.js';
import {
  ModelCallErrors,
  OpenAiAccessErrors,
} from '../openai-error-responses.decorator.js';
import { OpenAiBody } from '../openai-body.decorator.js';
import { CreateResponseDto } from './dto/create-response.dto.js';
import {
  DeletedResponseDto,
  ResponseObjectDto,
} from './dto/response-object.dto.js';
import { RESPONSES_DESCRIPTION } from './responses.description.js';
import { ResponsesService } from './responses.service.js';

const NOT_FOUND =
  "response_not_found: unknown, expired, deleted, or another API key's (the same answer)";

@ApiTags('openai')
@ApiBearerAuth()
@OpenAiAccessErrors()
@Controller('v1/responses')
export class ResponsesController {
  constructor(private readonly responses: ResponsesService) {}

  @Post()
  @ReadsJsonBody()
  @AcceptsNewWork()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'OpenAI Responses API: create a response (streaming or not)',
    description: RESPONSES_DESCRIPTION,
  })
  @ApiBody({ type: CreateResponseDto })
  @ApiOkResponse({
    description:
      '`application/json`: a `response` (stream false). `text/event-stream`: the typed events (stream true).',
    content: {
      'application/json': {
        schema: { $ref: getSchemaPath(ResponseObjectDto) },
      },
      'text/event-stream': {
        schema: { type: 'string' },
        example:
          'event: response.created\ndata: {"type":"response.created","sequence_number":0,"response":{…"status":"in_progress"…}}\n\n' +
          'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":4,' +
          '"item_id":"msg_…_0","output_index":0,"content_index":0,"delta":"Hello","logprobs":[]}\n\n' +
          'event: response.completed\ndata: {"type":"response.completed","sequence_number":9,"response":{…"status":"completed","usage":{…}}}\n\n',
      },
    },
  })
  @ApiBadRequestResponse({
    type: OpenAiErrorDto,
    description:
      'invalid_request_error: validation_failed (with `param`: a refused parameter, a built-in tool type, ' +
      'an unsupported item type…), invalid_json, upstream_bad_request, context_length_exceeded',
  })
  @ApiNotFoundResponse({
    type: OpenAiErrorDto,
    description: `model_not_found; ${NOT_FOUND} for previous_response_id`,
  })
  @ModelCallErrors()
  async create(
    @OpenAiBody() body: CreateResponseDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const prepared = await this.responses.prepare(body, principal);
    const clientGone = clientGoneSignal(response);
    if (body.stream) {
      await this.responses.stream(
        prepared,
        principal,
        clientIdentityOf(request),
        response,
        clientGone,
      );
      return;
    }
    response.json(await this.responses.create(prepared, principal, clientGone));
  }

  @Get(':id')
  @ApiOperation({ summary: 'A stored response (`store`, the default)' })
  @ApiParam({ name: 'id', example: 'resp_0123456789abcdef0123456789abcdef' })
  @ApiOkResponse({ type: ResponseObjectDto })
  @ApiNotFoundResponse({ type: OpenAiErrorDto, description: NOT_FOUND })
  read(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ResponseObjectDto> {
    return this.responses.read(id, principal);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Deletes a stored response of this API key' })
  @ApiParam({ name: 'id', example: 'resp_0123456789abcdef0123456789abcdef' })
  @ApiOkResponse({ type: DeletedResponseDto })
  @ApiNotFoundResponse({ type: OpenAiErrorDto, description: NOT_FOUND })
  async delete(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<DeletedResponseDto> {
    await this.responses.delete(id, principal);
    return { id, object: 'response', deleted: true };
  }
}
