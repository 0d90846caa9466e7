import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import type { LoginLimits } from './domain/login-throttle';
import { DEFAULT_CAMPAIGN, parseWeights, type CampaignSettings } from './domain/stats/settings';

/** Thrown at start-up when the environment is unusable; lists every bad variable at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
    .optional()
    .transform((v) => (v === undefined ? fallback : ['true', '1', 'yes'].includes(v)));

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production'], { message: 'must be development, test or production' }).default('development'),
  PORT: z.coerce.number({ message: 'must be a number' }).int().min(0).max(65535).default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection URL')
    .optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  DB_POOL_MAX: z.coerce.number({ message: 'must be a number' }).int().min(1).max(200).default(10),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  TOKEN_TTL_HOURS: z.coerce.number({ message: 'must be a number' }).positive().max(24 * 30).default(12),
  OFFICER_CACHE_SECONDS: z.coerce.number({ message: 'must be a number' }).min(0).max(300).default(5),
  DEMO_DATA: z.enum(['true', 'false'], { message: 'must be true or false' }).optional(),
  LOG_SQL: bool(false),
  // Read by the logger itself (it must work before config loads); validated here all the same.
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error'], { message: 'must be debug, info, warn or error' }).optional(),
  GRAPHQL_INTROSPECTION: z.enum(['true', 'false'], { message: 'must be true or false' }).optional(),
  GRAPHQL_MAX_DEPTH: z.coerce.number({ message: 'must be a number' }).int().min(2).max(50).default(8),
  GRAPHQL_MAX_ALIASES: z.coerce.number({ message: 'must be a number' }).int().min(0).max(1000).default(20),
  GRAPHQL_MAX_COST: z.coerce.number({ message: 'must be a number' }).int().min(10).max(10_000_000).default(5000),
  GRAPHQL_MAX_TOKENS: z.coerce.number({ message: 'must be a number' }).int().min(50).max(100_000).default(2000),
  GRAPHQL_TIMEOUT_MS: z.coerce.number({ message: 'must be a number' }).int().min(1).max(600_000).default(15_000),
  DB_STATEMENT_TIMEOUT_MS: z.coerce.number({ message: 'must be a number' }).int().min(0).max(3_600_000).default(15_000),
  WEB_CHAT_ENABLED: bool(true),
  LOGIN_FREE_FAILURES: z.coerce.number({ message: 'must be a number' }).int().min(1).max(100).default(5),
  LOGIN_BACKOFF_BASE_SECONDS: z.coerce.number({ message: 'must be a number' }).int().min(1).max(3600).default(1),
  LOGIN_BACKOFF_MAX_SECONDS: z.coerce.number({ message: 'must be a number' }).int().min(1).max(86_400).default(900),
  LOGIN_LOCK_AFTER_FAILURES: z.coerce.number({ message: 'must be a number' }).int().min(0).max(1000).default(10),
  LOGIN_ADDRESS_MAX_FAILURES: z.coerce.number({ message: 'must be a number' }).int().min(1).max(100_000).default(30),
  LOGIN_ADDRESS_WINDOW_MINUTES: z.coerce.number({ message: 'must be a number' }).int().min(1).max(1440).default(15),
  CHAT_RATE_PER_MINUTE: z.coerce.number({ message: 'must be a number' }).int().min(1).max(1000).default(20),
  UPLOAD_MAX_MB: z.coerce.number({ message: 'must be a number' }).positive().max(50).default(5),
  UPLOAD_DIR: z.string().min(1).optional(),
  UPLOAD_QUOTA_PER_CONTACT_MB: z.coerce.number({ message: 'must be a number' }).positive().max(10_000).default(20),
  UPLOAD_QUOTA_TOTAL_MB: z.coerce.number({ message: 'must be a number' }).positive().max(10_000_000).default(2048),
  UPLOAD_MIN_FREE_MB: z.coerce.number({ message: 'must be a number' }).min(0).max(10_000_000).default(1024),
  CHAT_NEW_CONTACTS_PER_HOUR_PER_IP: z.coerce.number({ message: 'must be a number' }).int().min(1).max(100_000).default(20),
  WECHATY_PUPPET: z.string().regex(/^[@\w./-]+$/, 'must be a puppet package name, e.g. wechaty-puppet-service').optional(),
  WECHATY_PUPPET_SERVICE_ENDPOINT: z.string().optional(),
  WECHATY_PUPPET_SERVICE_TOKEN: z.string().optional(),
  WECHATY_NAME: z.string().default('sanling'),
  JOBS: z.enum(['on', 'off'], { message: 'must be on or off' }).default('on'),
  TARGET_VILLAGE_COMMUNITY: z.coerce.number({ message: 'must be a number' }).min(0).max(1).default(DEFAULT_CAMPAIGN.targets.VILLAGE_COMMUNITY),
  TARGET_ENTERPRISE: z.coerce.number({ message: 'must be a number' }).min(0).max(1).default(DEFAULT_CAMPAIGN.targets.ENTERPRISE),
  TARGET_INSTITUTION: z.coerce.number({ message: 'must be a number' }).min(0).max(1).default(DEFAULT_CAMPAIGN.targets.INSTITUTION),
  EXEMPLARY_MONTHS: z.coerce.number({ message: 'must be a number' }).int().min(1).max(60).default(DEFAULT_CAMPAIGN.exemplaryMonths),
  WARN_OPEN_HAZARDS: z.coerce.number({ message: 'must be a number' }).int().min(1).max(10_000).default(DEFAULT_CAMPAIGN.warnings.openHazards),
  WARN_REPEAT_COUNT: z.coerce.number({ message: 'must be a number' }).int().min(2).max(1000).default(DEFAULT_CAMPAIGN.warnings.repeatCount),
  WARN_REPEAT_DAYS: z.coerce.number({ message: 'must be a number' }).int().min(1).max(3650).default(DEFAULT_CAMPAIGN.warnings.repeatDays),
  WARN_CLUSTER_DAYS: z.coerce.number({ message: 'must be a number' }).int().min(1).max(3650).default(DEFAULT_CAMPAIGN.warnings.clusterDays),
  RANKING_WEIGHTS: z.string().optional(),
});

export interface Config {
  readonly env: 'development' | 'test' | 'production';
  readonly port: number;
  readonly host: string;
  /** Set when an external server is used; otherwise the embedded server is started under dataDir. */
  readonly databaseUrl?: string;
  readonly dataDir: string;
  readonly dbPoolMax: number;
  readonly jwtSecret: string;
  /** True when no JWT_SECRET was given and a throw-away one was generated (development and test only). */
  readonly jwtSecretGenerated: boolean;
  readonly tokenTtlHours: number;
  /** How long a token's officer is kept between lookups (0: looked up on every request). */
  readonly officerCacheMs: number;
  readonly demoData: boolean;
  readonly logSql: boolean;
  readonly introspection: boolean;
  /** Per-request limits of the GraphQL API, checked before execution (timeout: while it runs). */
  readonly graphql: { maxDepth: number; maxAliases: number; maxCost: number; maxTokens: number; timeoutMs: number };
  /** PostgreSQL statement_timeout of the server's connections, in ms; 0 = none. */
  readonly dbStatementTimeoutMs: number;
  readonly webChatEnabled: boolean;
  readonly chatRatePerMinute: number;
  /** Login throttling per phone and per client address (LOGIN_*). */
  readonly loginLimits: LoginLimits;
  readonly uploadMaxBytes: number;
  /** Where chat photos are stored (DATA_DIR/uploads unless UPLOAD_DIR). */
  readonly uploadDir: string;
  /** Photo bytes one chat contact may store per rolling 24 hours. */
  readonly uploadQuotaPerContactBytes: number;
  /** Photo bytes all chat contacts together may store per rolling 24 hours. */
  readonly uploadQuotaTotalBytes: number;
  /** Free space the uploads disk keeps; below it photos are refused. */
  readonly uploadMinFreeBytes: number;
  readonly chatNewContactsPerHourPerIp: number;
  /** Set only when WeChat should run (WECHATY_PUPPET). */
  readonly wechaty?: { puppet: string; name: string; puppetOptions: Record<string, string> };
  /** Run the scheduled jobs in this process (JOBS=off: `npm run worker` runs them elsewhere). */
  readonly jobs: boolean;
  /** Targets, warning thresholds and ranking weights of the campaign. */
  readonly campaign: CampaignSettings;
}

/** Validates the environment once; the result is frozen. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings in .env files mean "not set".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.NODE_ENV === 'production' && !e.JWT_SECRET) {
    problems.push('JWT_SECRET: required in production (at least 32 random characters)');
  }
  if (e.WECHATY_PUPPET === 'wechaty-puppet-service' && !e.WECHATY_PUPPET_SERVICE_ENDPOINT) {
    // Without an endpoint the service puppet looks its token up online and crashes the process when it cannot.
    problems.push('WECHATY_PUPPET_SERVICE_ENDPOINT: required with wechaty-puppet-service (host:port of your token provider)');
  }
  if (e.NODE_ENV === 'production' && e.DEMO_DATA === 'true') {
    problems.push('DEMO_DATA: demo data is never loaded in production');
  }
  const weights = e.RANKING_WEIGHTS ? parseWeights(e.RANKING_WEIGHTS) : DEFAULT_CAMPAIGN.weights;
  if (typeof weights === 'string') problems.push(`RANKING_WEIGHTS: ${weights}`);
  if (problems.length) throw new ConfigError(problems);
  return Object.freeze({
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.DATA_DIR),
    dbPoolMax: e.DB_POOL_MAX,
    jwtSecret: e.JWT_SECRET ?? randomBytes(32).toString('base64url'),
    jwtSecretGenerated: !e.JWT_SECRET,
    tokenTtlHours: e.TOKEN_TTL_HOURS,
    officerCacheMs: e.OFFICER_CACHE_SECONDS * 1000,
    demoData: e.NODE_ENV !== 'production' && e.DEMO_DATA !== 'false',
    logSql: e.LOG_SQL,
    introspection: e.GRAPHQL_INTROSPECTION ? e.GRAPHQL_INTROSPECTION === 'true' : e.NODE_ENV !== 'production',
    graphql: Object.freeze({
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
      maxCost: e.GRAPHQL_MAX_COST,
      maxTokens: e.GRAPHQL_MAX_TOKENS,
      timeoutMs: e.GRAPHQL_TIMEOUT_MS,
    }),
    dbStatementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
    webChatEnabled: e.WEB_CHAT_ENABLED,
    chatRatePerMinute: e.CHAT_RATE_PER_MINUTE,
    loginLimits: Object.freeze({
      freeFailures: e.LOGIN_FREE_FAILURES,
      backoffBaseSeconds: e.LOGIN_BACKOFF_BASE_SECONDS,
      backoffMaxSeconds: e.LOGIN_BACKOFF_MAX_SECONDS,
      lockAfterFailures: e.LOGIN_LOCK_AFTER_FAILURES,
      addressMaxFailures: e.LOGIN_ADDRESS_MAX_FAILURES,
      addressWindowSeconds: e.LOGIN_ADDRESS_WINDOW_MINUTES * 60,
    }),
    uploadMaxBytes: Math.round(e.UPLOAD_MAX_MB * 1024 * 1024),
    uploadDir: path.resolve(e.UPLOAD_DIR ?? path.join(e.DATA_DIR, 'uploads')),
    uploadQuotaPerContactBytes: Math.round(e.UPLOAD_QUOTA_PER_CONTACT_MB * 1024 * 1024),
    uploadQuotaTotalBytes: Math.round(e.UPLOAD_QUOTA_TOTAL_MB * 1024 * 1024),
    uploadMinFreeBytes: Math.round(e.UPLOAD_MIN_FREE_MB * 1024 * 1024),
    chatNewContactsPerHourPerIp: e.CHAT_NEW_CONTACTS_PER_HOUR_PER_IP,
    jobs: e.JOBS === 'on',
    campaign: Object.freeze({
      targets: { VILLAGE_COMMUNITY: e.TARGET_VILLAGE_COMMUNITY, ENTERPRISE: e.TARGET_ENTERPRISE, INSTITUTION: e.TARGET_INSTITUTION },
      exemplaryMonths: e.EXEMPLARY_MONTHS,
      warnings: { openHazards: e.WARN_OPEN_HAZARDS, repeatCount: e.WARN_REPEAT_COUNT, repeatDays: e.WARN_REPEAT_DAYS, clusterDays: e.WARN_CLUSTER_DAYS },
      weights: weights as CampaignSettings['weights'],
    }),
    wechaty: e.WECHATY_PUPPET
      ? {
          puppet: e.WECHATY_PUPPET,
          name: e.WECHATY_NAME,
          puppetOptions: Object.fromEntries(
            Object.entries({ endpoint: e.WECHATY_PUPPET_SERVICE_ENDPOINT, token: e.WECHATY_PUPPET_SERVICE_TOKEN }).filter(([, v]) => v),
          ) as Record<string, string>,
        }
      : undefined,
  });
}
