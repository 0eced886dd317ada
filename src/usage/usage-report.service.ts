import { Inject, Injectable } from '@nestjs/common';
import { API_KEYS } from '../access/access.di-tokens.js';
import type { ApiKeys } from '../access/api-keys.js';
import type { Principal } from '../access/principal.js';
import { AppError } from '../common/errors/app-error.js';
import { HttpErrors } from '../common/errors/http-errors.js';
import type { ApiKeyDefinition } from '../keys/api-key-definition.js';
import type { UsageQueryDto } from './dto/usage-query.dto.js';
import type {
  UsageCountsDto,
  UsageKeyDto,
  UsageReportDto,
  UsageRowDto,
} from './dto/usage-report.dto.js';
import { ANONYMOUS_KEY_NAME } from './key-call-gate.js';
import { UsageLedger, type UsageRow } from './usage-ledger.js';
import { dayOf, periodOf } from './usage-periods.js';
import { USAGE_CLOCK } from './usage.di-tokens.js';

const MAX_DAYS = 366;

/**
 * `GET /v1/usage`: a key reads its own usage; an admin key reads every
 * key's, filtered by key, model and days. With the caller's models, limits,
 * and budget left this period (what the browser client's Settings show).
 */
@Injectable()
export class UsageReportService {
  constructor(
    @Inject(API_KEYS) private readonly keys: ApiKeys,
    private readonly ledger: UsageLedger,
    @Inject(USAGE_CLOCK) private readonly now: () => Date,
  ) {}

  async report(
    principal: Principal | undefined,
    query: UsageQueryDto,
  ): Promise<UsageReportDto> {
    const today = this.now();
    const from = query.from ?? `${dayOf(today).slice(0, 8)}01`;
    const to = query.to ?? dayOf(today);
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
    if (Number.isNaN(days) || days < 0 || days >= MAX_DAYS) {
      throw HttpErrors.validation('Invalid usage range', [
        {
          field: 'to',
          rule: 'usageRange',
          message: `to must be a day from \`from\` to ${MAX_DAYS - 1} days after it`,
        },
      ]);
    }
    const caller = principal
      ? this.keys.definition(principal.keyId)
      : undefined;
    const callerName = caller?.name ?? ANONYMOUS_KEY_NAME;
    const admin = principal?.admin === true;
    if (query.key !== undefined && !admin && query.key !== callerName) {
      throw new AppError(
        'forbidden',
        "Only an admin key may read other keys' usage.",
        403,
      );
    }
    const rows = await this.ledger.rows({
      keys: admin
        ? query.key === undefined
          ? undefined
          : [query.key]
        : [callerName],
      model: query.model,
      from,
      to,
    });
    const data = rows.sort(byDayKeyModel).map(toRowDto);
    return {
      object: 'usage',
      from,
      to,
      caller: await this.describe(caller, callerName, today),
      data,
      totals: sum(data),
    };
  }

  private async describe(
    key: ApiKeyDefinition | undefined,
    name: string,
    at: Date,
  ): Promise<UsageKeyDto> {
    if (!key) return { name, role: 'user' };
    const described: UsageKeyDto = { name, role: key.role };
    if (key.models) described.models = key.models;
    if (Object.keys(key.limits).length > 0) described.limits = key.limits;
    if (key.budget) {
      const { period, tokens } = key.budget;
      const used = await this.ledger.spent(name, period, at);
      described.budget = {
        period,
        tokens,
        used,
        remaining: Math.max(0, tokens - used),
        resets_at: periodOf(period, at).resetsAt.toISOString(),
      };
    }
    return described;
  }
}

function byDayKeyModel(a: UsageRow, b: UsageRow): number {
  return (
    a.date.localeCompare(b.date) ||
    a.key.localeCompare(b.key) ||
    a.model.localeCompare(b.model)
  );
}

function toRowDto(row: UsageRow): UsageRowDto {
  return {
    key: row.key,
    model: row.model,
    date: row.date,
    requests: row.requests,
    prompt_tokens: row.promptTokens,
    completion_tokens: row.completionTokens,
    total_tokens: row.promptTokens + row.completionTokens,
    errors: row.errors,
  };
}

function sum(rows: UsageCountsDto[]): UsageCountsDto {
  const totals: UsageCountsDto = {
    requests: 0,
    prompt_tokens: 0,
    completion_tokens: 0,
    total_tokens: 0,
    errors: 0,
  };
  for (const row of rows) {
    for (const field of Object.keys(totals) as (keyof UsageCountsDto)[]) {
      totals[field] += row[field];
    }
  }
  return totals;
}
