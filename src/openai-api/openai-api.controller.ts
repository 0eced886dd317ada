import { ReadsJsonBody } from '../common/http/json-body.guard.js';
import { AcceptsNewWork } from '../common/lifecycle/accepts-new-work.decorator.js';
import {
  Controller,
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
  ApiExtraModels,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { KeyPrincipal } from '../access/key-principal.decorator.js';
import { clientIdentityOf, type Principal } from '../access/principal.js';
import { KeyModels } from '../keys/key-models.service.js';
import {
  ModelCatalogue,
  unknownModel,
} from '../llm/catalogue/model-catalogue.js';
import { ChatCompletionsService } from './chat-completions.service.js';
import { clientGoneSignal } from './client-gone.js';
import { ChatCompletionChunkDto } from './dto/chat-completion-chunk.dto.js';
import { ChatCompletionRequestDto } from './dto/chat-completion-request.dto.js';
import { ChatCompletionDto } from './dto/chat-completion.dto.js';
import { ModelDto, ModelListDto } from './dto/model.dto.js';
import { OpenAiErrorDto } from './dto/openai-error.dto.js';
import { COMPLETION_STREAM_DESCRIPTION } from './completion-stream.description.js';
import { OpenAiBody } from './openai-body.decorator.js';
import {
  ModelCallErrors,
  OpenAiAccessErrors,
} from './openai-error-responses.decorator.js';

const STARTED = Math.floor(Date.now() / 1000);

@ApiTags('openai')
@ApiBearerAuth()
@ApiExtraModels(ChatCompletionChunkDto)
@OpenAiAccessErrors()
@Controller('v1')
export class OpenAiApiController {
  constructor(
    private readonly completions: ChatCompletionsService,
    private readonly catalogue: ModelCatalogue,
    private readonly keyModels: KeyModels,
  ) {}

  @Post('chat/completions')
  @ReadsJsonBody()
  @AcceptsNewWork()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'OpenAI-compatible chat completion (streaming or not)',
    description: COMPLETION_STREAM_DESCRIPTION,
  })
  @ApiBody({ type: ChatCompletionRequestDto })
  @ApiOkResponse({
    description:
      '`application/json`: a `chat.completion` (stream false). `text/event-stream`: ' +
      '`chat.completion.chunk` events then `data: [DONE]` (stream true).',
    content: {
      'application/json': {
        schema: { $ref: getSchemaPath(ChatCompletionDto) },
      },
      'text/event-stream': {
        schema: {
          type: 'string',
          description: `Each event is \`data: <${getSchemaPath(ChatCompletionChunkDto)}>\`, then \`data: [DONE]\`.`,
        },
        example:
          'data: {"id":"chatcmpl-…","object":"chat.completion.chunk","created":1764131282,"model":"mock-echo-1",' +
          '"choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}],"system_fingerprint":null}\n\n' +
          'data: {…"choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}]…}\n\n' +
          'data: {…"choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]…}\n\n' +
          'data: [DONE]\n\n',
      },
    },
  })
  @ApiExtraModels(ChatCompletionDto)
  @ApiBadRequestResponse({
    type: OpenAiErrorDto,
    description:
      'invalid_request_error: validation_failed (with `param`), invalid_json, ' +
      'upstream_bad_request, context_length_exceeded',
  })
  @ApiNotFoundResponse({
    type: OpenAiErrorDto,
    description: 'model_not_found (a model GET /v1/models does not list)',
  })
  @ModelCallErrors()
  async createCompletion(
    @OpenAiBody() body: ChatCompletionRequestDto,
    @KeyPrincipal() principal: Principal | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const prepared = this.completions.prepare(body);
    prepared.request.keyId = principal?.keyId;
    const clientGone = clientGoneSignal(response);
    if (body.stream) {
      await this.completions.stream(
        prepared,
        clientIdentityOf(request),
        response,
        clientGone,
      );
      return;
    }
    response.json(await this.completions.complete(prepared, clientGone));
  }

  @Get('models')
  @ApiOperation({
    summary:
      'The models this gateway serves (OpenAI format): those the API key may use',
  })
  @ApiOkResponse({ type: ModelListDto })
  listModels(@Req() request: Request): ModelListDto {
    return {
      object: 'list',
      data: this.catalogue.models
        .filter((id) => this.keyModels.allows(request, id))
        .map((id) => this.modelEntry(id)),
    };
  }

  @Get('models/:model')
  @ApiOperation({ summary: 'One model (404 unless it is served)' })
  @ApiOkResponse({ type: ModelDto })
  @ApiNotFoundResponse({ type: OpenAiErrorDto, description: 'model_not_found' })
  getModel(@Param('model') model: string, @Req() request: Request): ModelDto {
    // A model the key may not use is one it cannot see, as on OpenAI.
    if (!this.catalogue.has(model) || !this.keyModels.allows(request, model)) {
      throw unknownModel(model);
    }
    return this.modelEntry(model);
  }

  private modelEntry(id: string): ModelDto {
    return {
      id,
      object: 'model',
      created: STARTED,
      owned_by: this.catalogue.deploymentsOf(id)[0].provider,
    };
  }
}
