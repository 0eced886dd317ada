import {
  Controller,
  Get,
  Logger,
  Res,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
} from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import type { Response } from 'express';
import { Public } from '../access/public.decorator.js';
import { ChatEventBus } from '../bus/chat-event-bus.js';
import { AppLifecycle } from '../common/lifecycle/app-lifecycle.service.js';
import { OverloadMonitor } from '../common/lifecycle/overload-monitor.js';
import { LlmService } from '../llm/llm.service.js';
import { ModelRouter } from '../llm/routing/model-router.js';

const CHECK_TIMEOUT_MS = 2_000;

/**
 * Liveness and readiness for orchestrators and load balancers. Public and
 * not rate limited: probes carry no key and come often, so the report names
 * no host, address or error text (those go to the log).
 *
 * Readiness is this instance's own: it answers 503 only while shutting down,
 * overloaded, with its state backend unreachable, or when no model at all
 * can be served (fallbacks counted). An upstream's outage is shared by every
 * instance: taking them all out of the load balancer for it would turn one
 * provider's trouble into a full outage, while fallbacks still serve.
 */
@ApiTags('operations')
@Public()
@SkipThrottle()
@Controller('health')
export class HealthController {
  private readonly logger = new Logger(HealthController.name);

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly bus: ChatEventBus,
    private readonly llm: LlmService,
    private readonly lifecycle: AppLifecycle,
    private readonly overload: OverloadMonitor,
    private readonly router: ModelRouter,
  ) {}

  @Get('live')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({
    summary: 'Liveness: the process is running and serving HTTP',
    description:
      'Always 200 while the process can answer, draining included (a process that is shutting ' +
      'down cleanly must not be killed for it); restart the process when it stops answering.',
  })
  @ApiOkResponse({
    description: 'The process answers.',
    schema: {
      type: 'object',
      example: { status: 'ok', info: {}, error: {}, details: {} },
    },
  })
  live(): HealthCheckResult {
    // Not through HealthCheckService, which answers 503 from the start of shutdown.
    return { status: 'ok', info: {}, error: {}, details: {} };
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary: 'Readiness: send traffic here?',
    description:
      'Readiness of this instance: 200 when the state backend answers its ping (Redis when ' +
      'EVENT_BUS=redis), the model provider is configured, some model can be served, and the ' +
      'process is not shutting down; 503 otherwise (from the moment SIGTERM is received, so the ' +
      'load balancer stops sending new requests while running replies finish, and while the ' +
      'process is overloaded: its event loop lags past OVERLOAD_EVENT_LOOP_DELAY_MS or is busy at ' +
      'OVERLOAD_EVENT_LOOP_UTILIZATION for a second). The body names each check: `bus`, ' +
      '`provider`, `lifecycle`, `load`, and `deployments` (each deployment of the catalogue, its ' +
      'circuit and calls in flight; `unusableModels` without a usable deployment of their own, ' +
      '`unservedModels` that no fallback serves either). A deployment whose circuit is open keeps ' +
      'the instance ready while a fallback serves its model: an upstream outage is shared by every ' +
      'instance. The report names no host and no error text.',
  })
  async ready(
    @Res({ passthrough: true }) response: Response,
  ): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        () => {
          const check = this.indicators.check('lifecycle');
          return this.lifecycle.draining
            ? check.down({ message: 'shutting down' })
            : check.up();
        },
        () => {
          const check = this.indicators.check('load');
          const load = {
            eventLoopDelayMs: Math.round(this.overload.eventLoopDelayMs),
            eventLoopUtilization:
              Math.round(this.overload.eventLoopUtilization * 100) / 100,
          };
          return this.overload.overloaded
            ? check.down({ message: 'overloaded', ...load })
            : check.up(load);
        },
        async () => {
          const check = this.indicators.check('bus');
          try {
            await withTimeout(this.bus.ping(), CHECK_TIMEOUT_MS);
            return check.up();
          } catch (error) {
            // The cause (often a host and port) is for the log, not the public report.
            this.logger.warn(
              `Readiness: state backend unreachable: ${String(error)}`,
            );
            return check.down({ message: 'unreachable' });
          }
        },
        () =>
          this.indicators
            .check('provider')
            .attempt(async () => {
              await this.llm.ready();
              return { provider: this.llm.providerName, model: this.llm.model };
            })
            .withTimeout(CHECK_TIMEOUT_MS),
        async () => {
          const check = this.indicators.check('deployments');
          const { deployments, unusableModels, unservedModels } =
            await this.router.readiness();
          const report = { deployments, unusableModels, unservedModels };
          const nothingServed =
            deployments.length > 0 && deployments.every((d) => !d.usable);
          return nothingServed ? check.down(report) : check.up(report);
        },
      ]);
    } catch (error) {
      // Terminus reports "not ready" as an exception; its body is the report,
      // which the generic error filter would replace.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      response.status(503);
      return error.getResponse() as HealthCheckResult;
    }
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
