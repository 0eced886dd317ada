import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  IsEntryName,
  IsOptionalCount,
} from '../common/config-file/config-file.decorators.js';
import { BUDGET_PERIODS, type BudgetPeriod } from './api-key-definition.js';

export class KeyBudgetDto {
  @IsInt({ message: 'tokens must be a whole number' })
  @Min(1)
  tokens!: number;

  @IsIn(BUDGET_PERIODS)
  period!: BudgetPeriod;
}

/**
 * One entry of `keys:` in KEYS_FILE. The secret is never written in the
 * file: `secretEnv` names the environment variable that holds it, or
 * `sha256` gives its digest (64 hex digits), e.g. from
 * `printf %s "$KEY" | sha256sum`.
 */
export class KeyEntryDto {
  @IsEntryName()
  name!: string;

  @IsOptional()
  @Matches(/^[A-Z_][A-Z0-9_]*$/, {
    message: 'secretEnv must name an environment variable',
  })
  secretEnv?: string;

  @IsOptional()
  @Matches(/^[0-9a-fA-F]{64}$/, {
    message: 'sha256 must be 64 hexadecimal digits',
  })
  sha256?: string;

  @IsOptional()
  @IsIn(['user', 'admin'])
  role?: 'user' | 'admin';

  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  @MinLength(1, { each: true, message: 'models must not hold empty names' })
  models?: string[];

  @IsOptionalCount()
  rpm?: number;

  @IsOptionalCount()
  tpm?: number;

  @IsOptionalCount()
  maxStreams?: number;

  @IsOptional()
  @ValidateNested()
  @Type(() => KeyBudgetDto)
  budget?: KeyBudgetDto;

  /** Free labels for operators (owner, team); strings only. */
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;
}

export class KeysFileDto {
  @IsArray()
  @ArrayMinSize(1, { message: 'keys must list at least one key' })
  @ValidateNested({ each: true })
  @Type(() => KeyEntryDto)
  keys!: KeyEntryDto[];
}
