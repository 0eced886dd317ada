import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  LLM_PROVIDERS,
  type LlmProviderName,
} from '../providers/provider-names.js';

const url = {
  require_tld: false,
  require_protocol: true,
  protocols: ['http', 'https'],
};
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
const envName = { message: '$property must name an environment variable' };

/**
 * One entry of `deployments:` in MODELS_FILE. Secrets are named, never
 * written: `apiKeyEnv: QIANFAN_KEY_2`. Unset fields take the value of the
 * provider's own environment settings (`ERNIE_BASE_URL`…), defaults included.
 */
export class DeploymentEntryDto {
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, {
    message: 'name must be 1-63 letters, digits, ".", "_" or "-"',
  })
  name!: string;

  @IsString()
  @MinLength(1)
  model!: string;

  @IsIn(LLM_PROVIDERS)
  provider!: LlmProviderName;

  @IsOptional()
  @IsString()
  @MinLength(1)
  upstreamModel?: string;

  @IsOptional()
  @IsUrl(url)
  baseUrl?: string;

  @IsOptional()
  @IsUrl(url)
  authBaseUrl?: string;

  @IsOptional()
  @Matches(ENV_NAME, envName)
  apiKeyEnv?: string;

  @IsOptional()
  @Matches(ENV_NAME, envName)
  secretKeyEnv?: string;

  @IsOptional()
  @Matches(ENV_NAME, envName)
  appIdEnv?: string;

  @IsOptional()
  @IsInt()
  @Min(100)
  maxInputChars?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  delayMs?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  rpm?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  tpm?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  maxConcurrency?: number;

  @IsOptional()
  @IsInt()
  priority?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  weight?: number;
}

/** The whole MODELS_FILE. */
export class CatalogueFileDto {
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => DeploymentEntryDto)
  deployments!: DeploymentEntryDto[];

  /** Model name → model names to fall back to, in order. */
  @IsOptional()
  @IsObject()
  fallbacks?: Record<string, unknown>;
}
