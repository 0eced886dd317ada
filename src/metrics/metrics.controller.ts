import { Controller, Get, Header } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { Public } from '../access/public.decorator.js';
import { SecretRedactor } from '../common/logging/secret-redactor.js';
import { MetricsService } from './metrics.service.js';

const EXAMPLE = `# HELP chatgw_generations_started_total Model calls started.
# TYPE chatgw_generations_started_total counter
chatgw_generations_started_total{provider="mock"} 3`;

/**
 * Prometheus scrape endpoint. Public like the health checks (scrapers rarely
 * carry API keys); its labels hold no secret and no user text, but it tells
 * traffic volumes, so keep it on an internal network or block it at the proxy.
 */
@ApiTags('operations')
@Public()
@SkipThrottle()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly secrets: SecretRedactor,
  ) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Prometheus metrics (text exposition format)',
    description:
      "Process metrics (`process_*`, `nodejs_*`) and the gateway's own (`chatgw_*`): open streams, " +
      'events published, generations started/finished/failed, upstream call duration, ' +
      'time to first token, tokens, retries, HTTP requests, auth failures and rate-limit hits. ' +
      'Public, not rate limited.',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'Metrics in the Prometheus text format 0.0.4.',
    content: {
      'text/plain': { schema: { type: 'string', example: EXAMPLE } },
    },
  })
  async render(): Promise<string> {
    // Labels come from the configuration (deployment and model names): a
    // secret pasted into one must not be published.
    const text = await this.metrics.render();
    return this.secrets.redact(text);
  }
}
