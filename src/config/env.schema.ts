import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import {
  LLM_PROVIDERS,
  type LlmProviderName,
} from '../llm/providers/provider-names.js';

export const EVENT_BUSES = ['memory', 'redis'] as const;
export type EventBusName = (typeof EVENT_BUSES)[number];

export const LOG_LEVELS = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `host:port,host:port` (IPv6 hosts in brackets). */
const REDIS_NODES =
  /^\s*(\[[^\]]+\]|[^:,\s]+):\d{1,5}\s*(,\s*(\[[^\]]+\]|[^:,\s]+):\d{1,5}\s*)*$/;

const url = {
  require_tld: false,
  require_protocol: true,
  protocols: ['http', 'https'],
};
const emptyToUndefined = ({ value }: { value: unknown }) =>
  value === '' ? undefined : value;
const emptyToUndefinedNumber = ({ value }: { value: unknown }) =>
  value === '' || value === undefined ? undefined : Number(value);
const toBoolean = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? ['1', 'true', 'yes', 'on'].includes(value.toLowerCase())
    : value;

/**
 * Every setting of the gateway, read from the environment (and `.env`) once at
 * start-up. The defaults here are the embedded defaults: the process starts
 * offline with none of these set. `.env.example` documents each one.
 */
export class EnvironmentVariables {
  // ── server ──────────────────────────────────────────────────────────────
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  /** Loopback by default: set 0.0.0.0 (or an address) for containers and remote use. */
  @IsString()
  @MinLength(1)
  HOST = '127.0.0.1';

  /**
   * Host names the server answers to besides local names and IP addresses
   * (comma-separated; `*.example.com` for sub-domains, `*` for any).
   */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  ALLOWED_HOSTS?: string;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 8000;

  /**
   * Origins allowed by CORS: `*`, or a comma-separated list of origins and
   * `scheme://host:*` patterns. The default lets in local pages only.
   */
  @IsString()
  CORS_ORIGINS = 'null,http://localhost:*,http://127.0.0.1:*,http://[::1]:*';

  /** Open sockets beyond which new connections are closed at once (keep it under `ulimit -n`). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  MAX_CONNECTIONS = 25_000;

  /**
   * Open sockets per client address (the TCP peer, not X-Forwarded-For),
   * beyond which that address's new connections are closed at once, so that
   * one address cannot hold every slot. Empty: a quarter of MAX_CONNECTIONS,
   * or no cap of its own behind a proxy (TRUST_PROXY_HOPS > 0), whose
   * address every connection has.
   */
  @IsOptional()
  @Transform(emptyToUndefinedNumber)
  @IsInt()
  @Min(1)
  MAX_CONNECTIONS_PER_IP?: number;

  /** Time a client has to send its request headers (ms). */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  HTTP_HEADERS_TIMEOUT_MS = 10_000;

  /** Time an idle keep-alive connection stays open between requests (ms). */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  HTTP_KEEP_ALIVE_TIMEOUT_MS = 5_000;

  /** Time a client has to send a whole request, body included (ms); event streams are not cut by it. */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  HTTP_REQUEST_TIMEOUT_MS = 30_000;

  /** Largest accepted request body, in bytes. */
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  BODY_LIMIT_BYTES = 1024 * 1024;

  /**
   * Values (of any kind) a JSON body may hold, checked in one pass before
   * it is transformed or validated; past it, 400 naming the field.
   */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  JSON_MAX_NODES = 10_000;

  /** Keys of any one object of a JSON body (tool `parameters`, `json_schema`, `metadata`…). */
  @Type(() => Number)
  @IsInt()
  @Min(16)
  JSON_MAX_KEYS = 1_000;

  /** Items of any one array of a JSON body (`messages`, `tools`, content parts…). */
  @Type(() => Number)
  @IsInt()
  @Min(16)
  JSON_MAX_ARRAY_ITEMS = 1_000;

  /** Express `trust proxy` setting: hops of proxies whose X-Forwarded-For is believed. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  TRUST_PROXY_HOPS = 0;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  /** Human-readable logs instead of JSON lines (development). */
  @Transform(toBoolean)
  @IsBoolean()
  LOG_PRETTY = false;

  // ── SSE delivery ────────────────────────────────────────────────────────
  @Type(() => Number)
  @IsInt()
  @Min(100)
  SSE_HEARTBEAT_MS = 15_000;

  /** Reconnection delay suggested to clients with the `retry:` field. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  SSE_RETRY_MS = 2_000;

  /** Characters of events that may wait for a subscriber that is not reading before it is dropped. */
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  SSE_MAX_PENDING_CHARS = 1024 * 1024;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  SSE_MAX_STREAMS = 20_000;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  SSE_MAX_STREAMS_PER_IP = 200;

  /** Events kept per conversation for `Last-Event-ID` resume. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  REPLAY_BUFFER_SIZE = 2_000;

  /** Age after which buffered events are no longer replayed (ms). */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  REPLAY_BUFFER_TTL_MS = 15 * 60_000;

  /** How long a generation survives with nobody listening before it is aborted (ms). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  CANCEL_GRACE_MS = 10_000;

  /** How long running generations may finish after SIGTERM before streams are closed (ms). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  SHUTDOWN_GRACE_MS = 10_000;

  /**
   * Mean event-loop delay (ms, over a quarter second) past which new POSTs
   * and streams get 503 `overloaded` with Retry-After; 0 turns it off.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  OVERLOAD_EVENT_LOOP_DELAY_MS = 100;

  /**
   * Event-loop utilisation (0-1, over each quarter second) which, held for a
   * second, also sheds new POSTs and streams with 503 `overloaded`: a
   * saturated process whose backlog waits in the kernel keeps its loop delay
   * short. 0 turns it off.
   */
  @Type(() => Number)
  @IsNumber()
  @Min(0)
  @Max(1)
  OVERLOAD_EVENT_LOOP_UTILIZATION = 0.97;

  // ── conversations ───────────────────────────────────────────────────────
  /** Conversations kept by the in-memory store (least recently used are evicted). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  MAX_CONVERSATIONS = 10_000;

  /**
   * Memory (MB) the in-memory mode may use for stored conversations and
   * replay buffers together; the least recently used go first beyond it.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  MEMORY_BUDGET_MB = 256;

  /** Longest accepted message content, in characters. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  MAX_MESSAGE_CHARS = 20_000;

  /**
   * Most messages one model call receives: posted in a request, or a stored
   * history with the new turn (conversations keep their newest this many).
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  MAX_HISTORY_MESSAGES = 200;

  // ── LLM provider ────────────────────────────────────────────────────────
  @IsIn(LLM_PROVIDERS)
  LLM_PROVIDER: LlmProviderName = 'mock';

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  SYSTEM_PROMPT?: string;

  /** Delay between two deltas of the offline mock model (ms). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  MOCK_DELAY_MS = 30;

  /** Attempts after the first one, on retryable upstream errors before the first token. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10)
  LLM_MAX_RETRIES = 3;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  LLM_RETRY_BASE_MS = 250;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  LLM_RETRY_MAX_MS = 8_000;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  LLM_CONNECT_TIMEOUT_MS = 10_000;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  LLM_FIRST_TOKEN_TIMEOUT_MS = 60_000;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  LLM_IDLE_TIMEOUT_MS = 30_000;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  LLM_TOTAL_TIMEOUT_MS = 300_000;

  // ERNIE access-token ("wenxinworkshop") API
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  ERNIE_API_KEY?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  ERNIE_SECRET_KEY?: string;

  @Matches(/^[A-Za-z0-9._-]+$/, {
    message: 'ERNIE_MODEL_ENDPOINT must be a path segment such as eb-instant',
  })
  ERNIE_MODEL_ENDPOINT = 'eb-instant';

  @IsUrl(url)
  ERNIE_AUTH_BASE_URL = 'https://aip.baidubce.com';

  @IsUrl(url)
  ERNIE_BASE_URL = 'https://aip.baidubce.com';

  /** Input characters the ERNIE model accepts; older turns are dropped past it. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  ERNIE_MAX_INPUT_CHARS = 11_200;

  // Qianfan v2 (OpenAI-compatible)
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  QIANFAN_API_KEY?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  QIANFAN_APP_ID?: string;

  @IsString()
  @MinLength(1)
  QIANFAN_MODEL = 'ernie-speed-8k';

  @IsUrl(url)
  QIANFAN_BASE_URL = 'https://qianfan.baidubce.com';

  /** Input characters the Qianfan model accepts; older exchanges are dropped past it. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  QIANFAN_MAX_INPUT_CHARS = 11_200;

  // Any OpenAI-compatible upstream
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  OPENAI_API_KEY?: string;

  @IsUrl(url)
  OPENAI_BASE_URL = 'https://api.openai.com/v1';

  @IsString()
  @MinLength(1)
  OPENAI_MODEL = 'gpt-4o-mini';

  /** Input characters the OpenAI-compatible model accepts; older exchanges are dropped past it. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  OPENAI_MAX_INPUT_CHARS = 400_000;

  // ── model catalogue and routing ─────────────────────────────────────────
  /**
   * YAML or JSON file declaring the deployments served (see
   * models.example.yaml). Unset: one deployment described by LLM_PROVIDER.
   */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  MODELS_FILE?: string;

  /** Model answering requests that name none; unset: the first model of the catalogue. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  DEFAULT_MODEL?: string;

  /** Consecutive retryable failures after which a deployment is cooled down. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  ROUTER_BREAKER_FAILURES = 3;

  /**
   * Longest wait for one deployment's first token before the router tries the
   * next (ms); 0: none (LLM_FIRST_TOKEN_TIMEOUT_MS still covers all of them).
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  ROUTER_FIRST_TOKEN_TIMEOUT_MS = 0;

  /** How long a cooled-down deployment gets no traffic before one probe request (ms). */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  ROUTER_BREAKER_COOLDOWN_MS = 30_000;

  // ── event bus / scale-out ───────────────────────────────────────────────
  @IsIn(EVENT_BUSES)
  EVENT_BUS: EventBusName = 'memory';

  /**
   * One Redis server: `redis://[user:password@]host:port[/db]` (`rediss://`
   * for TLS). With EVENT_BUS=redis, exactly one of REDIS_URL,
   * REDIS_CLUSTER_NODES and REDIS_SENTINELS is set.
   */
  @ValidateIf(
    (env: EnvironmentVariables) =>
      (env.EVENT_BUS === 'redis' &&
        env.REDIS_CLUSTER_NODES === undefined &&
        env.REDIS_SENTINELS === undefined) ||
      env.REDIS_URL !== undefined,
  )
  @Transform(emptyToUndefined)
  @IsDefined({
    message:
      'REDIS_URL (or REDIS_CLUSTER_NODES, or REDIS_SENTINELS) must be set when EVENT_BUS=redis',
  })
  @IsUrl(
    {
      require_tld: false,
      require_protocol: true,
      protocols: ['redis', 'rediss'],
    },
    { message: 'REDIS_URL must be a redis:// or rediss:// URL' },
  )
  REDIS_URL?: string;

  /** A Redis Cluster: some of its nodes, `host:port,host:port` (the rest are discovered). */
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(REDIS_NODES, {
    message: 'REDIS_CLUSTER_NODES must be host:port pairs separated by commas',
  })
  REDIS_CLUSTER_NODES?: string;

  /** Sentinel: the sentinels, `host:port,host:port`; the master is REDIS_SENTINEL_NAME. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(REDIS_NODES, {
    message: 'REDIS_SENTINELS must be host:port pairs separated by commas',
  })
  REDIS_SENTINELS?: string;

  /** The master's name in the sentinels' configuration. */
  @IsString()
  @MinLength(1)
  REDIS_SENTINEL_NAME = 'mymaster';

  /** The sentinels' own password (`requirepass` in sentinel.conf), if any. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  REDIS_SENTINEL_PASSWORD?: string;

  /** User name for the data nodes of a cluster or of Sentinel (REDIS_URL carries its own). */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  REDIS_USERNAME?: string;

  /** Password for the data nodes of a cluster or of Sentinel (REDIS_URL carries its own). */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  REDIS_PASSWORD?: string;

  /**
   * Put before every Redis key and channel, so that deployments can share one
   * Redis. Without braces: the conversation id is each key's hash tag.
   */
  @IsString()
  @Matches(/^[^{}]*$/, {
    message: 'REDIS_KEY_PREFIX must not contain { or } (they mark hash tags)',
  })
  REDIS_KEY_PREFIX = 'chatgw:';

  /** Idle time after which Redis forgets a conversation's history (s). */
  @Type(() => Number)
  @IsInt()
  @Min(60)
  REDIS_CONVERSATION_TTL_S = 7 * 24 * 3600;

  /** How long the listeners and open streams of an instance that died keep counting (ms). */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  REDIS_PRESENCE_TTL_MS = 15_000;

  /**
   * Replicas that must hold a message (and a stored reply) before it is
   * acknowledged, so that a Sentinel failover cannot lose it: Redis
   * replication is asynchronous. 0 does not wait. Not with a cluster.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  REDIS_MIN_REPLICAS = 0;

  /** Longest wait for REDIS_MIN_REPLICAS before a message is refused (503) (ms). */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  REDIS_REPLICA_ACK_TIMEOUT_MS = 1_000;

  /**
   * The lease of a running reply (ms), renewed by its instance: once it
   * lapses (the instance died) another instance ends the reply with
   * `generation_lost` and frees the conversation.
   */
  @Type(() => Number)
  @IsInt()
  @Min(500)
  GENERATION_LEASE_MS = 5_000;

  // ── access control and limits ───────────────────────────────────────────
  /**
   * YAML or JSON file of named API keys with their role, models, limits and
   * budget (see keys.example.yaml); reloaded on SIGHUP. Unset: API_KEYS and
   * ADMIN_API_KEYS, the short form.
   */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  KEYS_FILE?: string;

  /** Comma-separated API keys; unset leaves the API open (local use). */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  API_KEYS?: string;

  /**
   * Comma-separated operator keys: they authenticate like API_KEYS and may
   * also read, stream and cancel every key's conversations. Empty: none.
   */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  ADMIN_API_KEYS?: string;

  /** Lifetime of the signed stream tokens that let EventSource authenticate (s). */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  STREAM_TOKEN_TTL_S = 300;

  /**
   * Secret that signs stream tokens. Unset: derived from API_KEYS, so every
   * instance with the same keys accepts the others' tokens. Set it (the same
   * on every instance) to keep tokens valid across a change of keys.
   */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  @MinLength(32)
  STREAM_TOKEN_SECRET?: string;

  /** Requests per key (or per IP when open) in each RATE_LIMIT_WINDOW_MS. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  RATE_LIMIT_MAX = 120;

  @Type(() => Number)
  @IsInt()
  @Min(1000)
  RATE_LIMIT_WINDOW_MS = 60_000;

  /** Wrong keys or forged stream tokens from one address per AUTH_FAILURE_WINDOW_MS before it gets 429. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  AUTH_FAILURE_LIMIT = 20;

  @Type(() => Number)
  @IsInt()
  @Min(1000)
  AUTH_FAILURE_WINDOW_MS = 5 * 60_000;

  /** Concurrent open streams per API key. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  MAX_STREAMS_PER_KEY = 100;
}
