import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { KeyPrincipal } from '../access/key-principal.decorator.js';
import type { Principal } from '../access/principal.js';
import { OpenAiErrorDto } from '../openai-api/dto/openai-error.dto.js';
import { UsageQueryDto } from './dto/usage-query.dto.js';
import { UsageReportDto } from './dto/usage-report.dto.js';
import { UsageReportService } from './usage-report.service.js';

@ApiTags('openai')
@ApiBearerAuth()
@Controller('v1')
export class UsageController {
  constructor(private readonly usage: UsageReportService) {}

  @Get('usage')
  @ApiOperation({
    summary: 'Token usage per key × model × day, with totals',
    description:
      "A key reads its own usage; an admin key reads every key's, and may filter by `key`. " +
      "Tokens are the upstream's count where it reports one, an estimate (~4 characters a token) " +
      'otherwise; a reply the client left mid-way counts what was generated. `caller` gives the ' +
      "asking key's models, limits and budget left this period.",
  })
  @ApiOkResponse({ type: UsageReportDto })
  @ApiBadRequestResponse({
    type: OpenAiErrorDto,
    description: 'validation_failed (a bad date, or a range over 366 days)',
  })
  @ApiUnauthorizedResponse({ type: OpenAiErrorDto })
  @ApiForbiddenResponse({
    type: OpenAiErrorDto,
    description:
      "forbidden: another key's usage asked by a key that is not an admin",
  })
  report(
    @Query() query: UsageQueryDto,
    @KeyPrincipal() principal: Principal | undefined,
  ): Promise<UsageReportDto> {
    return this.usage.report(principal, query);
  }
}
