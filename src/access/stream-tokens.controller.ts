import { ReadsJsonBody } from '../common/http/json-body.guard.js';
import {
  Body,
  Controller,
  HttpCode,
  HttpStatus,
  Inject,
  Post,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { DEFAULT_CONVERSATION_ID } from '../conversations/conversation.js';
import { ErrorResponseDto } from '../common/errors/error-response.dto.js';
import { STREAM_TOKEN_SIGNER } from './access.di-tokens.js';
import { CreateStreamTokenDto } from './dto/create-stream-token.dto.js';
import { StreamTokenDto } from './dto/stream-token.dto.js';
import { KeyPrincipal } from './key-principal.decorator.js';
import type { Principal } from './principal.js';
import type { StreamTokenSigner } from './stream-token-signer.js';

/** Used as the key id of tokens issued while the API is open (they are not checked then). */
const OPEN_ACCESS = 'open';

@ApiTags('chat')
@ApiBearerAuth()
@Controller('server')
export class StreamTokensController {
  constructor(
    @Inject(STREAM_TOKEN_SIGNER) private readonly signer: StreamTokenSigner,
  ) {}

  @Post('stream-tokens')
  @ReadsJsonBody()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary:
      'Get a short-lived token for opening /server/events from a browser',
    description:
      "Browsers' `EventSource` cannot send an `Authorization` header, and an API key in a URL " +
      'would end up in proxy logs and browser history. Call this route with the key, then open ' +
      '`/server/events?streamToken=<token>`. The token expires after STREAM_TOKEN_TTL_S seconds ' +
      '(it is checked when the stream opens: an open stream is not cut at expiry, but an ' +
      'automatic reconnection after it gets 401, so fetch a new token and reopen). When API_KEYS ' +
      'is unset the API is open and tokens are issued but not required.',
  })
  @ApiOkResponse({ type: StreamTokenDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiUnauthorizedResponse({
    type: ErrorResponseDto,
    description: 'missing_api_key, invalid_api_key',
  })
  @ApiTooManyRequestsResponse({
    type: ErrorResponseDto,
    description: 'rate_limited',
  })
  create(
    @Body() body: CreateStreamTokenDto | undefined,
    @KeyPrincipal() principal: Principal | undefined,
  ): StreamTokenDto {
    const keyId = principal?.keyId ?? OPEN_ACCESS;
    // Always bound to one conversation: a token is never a pass to the key's others.
    const conversationId = body?.conversationId ?? DEFAULT_CONVERSATION_ID;
    const { token, claims } = this.signer.sign({ keyId, conversationId });
    return {
      token,
      expiresAt: new Date(claims.expiresAt * 1000).toISOString(),
      expiresIn: claims.expiresAt - Math.floor(Date.now() / 1000),
      conversationId,
    };
  }
}
