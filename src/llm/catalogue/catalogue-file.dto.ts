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
  ValidateBy,
  ValidateNested,
  type ValidationArguments,
} from 'class-validator';
import {
  IsEntryName,
  IsOptionalCount,
} from '../../common/config-file/config-file.decorators.js';
import { isCredentialParameter } from '../../common/logging/redact.js';
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

/** Why a URL may not be in the catalogue (it holds a credential), or undefined. */
export function credentialInUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.username || url.password) return 'a user name or password';
  for (const name of url.searchParams.keys()) {
    if (isCredentialParameter(name)) return `the query parameter ${name}`;
  }
  return undefined;
}

/**
 * A URL that carries no credential: the catalogue is a file that is read,
 * copied and committed, and its URLs are logged. The message names what was
 * found, never its value.
 */
function IsCredentialFreeUrl(): PropertyDecorator {
  return ValidateBy({
    name: 'isCredentialFreeUrl',
    validator: {
      validate: (value: unknown) =>
        typeof value !== 'string' || credentialInUrl(value) === undefined,
      defaultMessage: ({ property, value }: ValidationArguments) =>
        `${property} must not carry credentials (it has ${credentialInUrl(String(value))}); name them with apiKeyEnv and secretKeyEnv`,
    },
  });
}

/** What clients send as `model` and `/v1/models` lists: printable, no spaces. */
const MODEL_NAME = /^[^\s\p{C}]{1,128}$/u;

/** A model name, refused with the name itself (names are not secrets), escaped. */
function IsModelName(): PropertyDecorator {
  return ValidateBy({
    name: 'isModelName',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && MODEL_NAME.test(value),
      defaultMessage: ({ value }: ValidationArguments) =>
        `model must be 1-128 characters without spaces or control characters (got ${JSON.stringify(String(value).slice(0, 64))})`,
    },
  });
}

/**
 * One entry of `deployments:` in MODELS_FILE. Secrets are named, never
 * written: `apiKeyEnv: QIANFAN_KEY_2`. Unset fields take the value of the
 * provider's own environment settings (`ERNIE_BASE_URL`…), defaults included.
 */
export class DeploymentEntryDto {
  @IsEntryName()
  name!: string;

  @IsModelName()
  model!: string;

  @IsIn(LLM_PROVIDERS)
  provider!: LlmProviderName;

  @IsOptional()
  @IsString()
  @MinLength(1)
  upstreamModel?: string;

  @IsOptional()
  @IsUrl(url)
  @IsCredentialFreeUrl()
  baseUrl?: string;

  @IsOptional()
  @IsUrl(url)
  @IsCredentialFreeUrl()
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

  @IsOptionalCount()
  rpm?: number;

  @IsOptionalCount()
  tpm?: number;

  @IsOptionalCount()
  maxConcurrency?: number;

  @IsOptional()
  @IsInt()
  priority?: number;

  @IsOptionalCount()
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
