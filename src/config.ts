import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import type { LoginLimits } from './domain/limits/login-throttle';
import { DEFAULT_FAIR_SHARE, type FairShareLimits } from './domain/limits/fair-share';
import { parseTrustProxy } from './domain/limits/address';
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

/** A whole number in a range; every way of missing it is reported with the range. */
const wholeIn = (min: number, max: number) => {
  const message = `must be a whole number from ${min} to ${max}`;
  return z.coerce.number({ message }).int({ message }).min(min, { message }).max(max, { message });
};
const whole = (min: number, max: number, fallback: number) => wholeIn(min, max).default(fallback);

/** A number in a range (`above` excludes the lower end), reported with the range. */
const decimal = (min: number, max: number, fallback: number, above = false) => {
  const message = `must be a number ${above ? 'above' : 'from'} ${min} ${above ? 'and at most' : 'to'} ${max}`;
  const n = z.coerce.number({ message }).max(max, { message });
  return (above ? n.gt(min, { message }) : n.min(min, { message })).default(fallback);
};

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production'], { message: 'must be development, test or production' }).default('development'),
  PORT: whole(0, 65535, 4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection URL')
    .optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  DB_POOL_MAX: whole(2, 200, 10),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  TOKEN_TTL_HOURS: decimal(0, 24 * 30, 12, true),
  OFFICER_CACHE_SECONDS: decimal(0, 300, 5),
  METRICS_TOKEN: z
    .string()
    .regex(/^[\x21-\x7e]{24,200}$/, 'must be 24 to 200 printable characters without spaces (a random token for the Prometheus scrape)')
    .optional(),
  DEMO_DATA: z.enum(['true', 'false'], { message: 'must be true or false' }).optional(),
  LOG_SQL: bool(false),
  // Read by the logger itself (it must work before config loads); validated here all the same.
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error'], { message: 'must be debug, info, warn or error' }).optional(),
  LOG_FORMAT: z.enum(['json', 'pretty'], { message: 'must be json or pretty' }).optional(),
  GRAPHQL_INTROSPECTION: z.enum(['true', 'false'], { message: 'must be true or false' }).optional(),
  GRAPHQL_MAX_DEPTH: whole(2, 50, 8),
  GRAPHQL_MAX_ALIASES: whole(0, 1000, 20),
  GRAPHQL_MAX_COST: whole(10, 10_000_000, 5000),
  GRAPHQL_MAX_TOKENS: whole(50, 100_000, 2000),
  GRAPHQL_TIMEOUT_MS: whole(1, 600_000, 15_000),
  DB_STATEMENT_TIMEOUT_MS: whole(0, 3_600_000, 15_000),
  DB_SLOW_STATEMENT_MS: whole(0, 3_600_000, 1000),
  TRUST_PROXY: z.string().optional(),
  FAIR_SHARE_REQUESTS: whole(1, 1000, DEFAULT_FAIR_SHARE.requestsPerClient),
  FAIR_SHARE_QUEUE: whole(0, 10_000, DEFAULT_FAIR_SHARE.queuePerClient),
  FAIR_SHARE_CONNECTIONS: whole(1, 200, DEFAULT_FAIR_SHARE.connectionsPerClient),
  HEAVY_CONNECTIONS: wholeIn(1, 199).optional(),
  HEAVY_COST: whole(1, 10_000_000, DEFAULT_FAIR_SHARE.heavyCost),
  SERVER_MAX_IN_FLIGHT: whole(1, 100_000, DEFAULT_FAIR_SHARE.serverInFlight),
  SERVER_QUEUE: whole(0, 100_000, DEFAULT_FAIR_SHARE.serverQueue),
  QUEUE_WAIT_MS: whole(0, 600_000, DEFAULT_FAIR_SHARE.queueWaitMs),
  HTTP_HEADERS_TIMEOUT_SECONDS: whole(1, 600, 20),
  HTTP_REQUEST_TIMEOUT_SECONDS: whole(1, 3600, 180),
  WEB_CHAT_ENABLED: bool(true),
  LOGIN_FREE_FAILURES: whole(1, 100, 5),
  LOGIN_BACKOFF_BASE_SECONDS: whole(1, 3600, 1),
  LOGIN_BACKOFF_MAX_SECONDS: whole(1, 86_400, 900),
  LOGIN_LOCK_AFTER_FAILURES: whole(0, 1000, 10),
  LOGIN_ADDRESS_MAX_FAILURES: whole(1, 100_000, 30),
  LOGIN_ADDRESS_WINDOW_MINUTES: whole(1, 1440, 15),
  CHAT_RATE_PER_MINUTE: whole(1, 1000, 20),
  UPLOAD_MAX_MB: decimal(0, 50, 5, true),
  UPLOAD_DIR: z.string().min(1).optional(),
  BACKUP_DIR: z.string().min(1).optional(),
  BACKUP_KEEP: whole(0, 1000, 7),
  UPLOAD_QUOTA_PER_CONTACT_MB: decimal(0, 10_000, 20, true),
  UPLOAD_QUOTA_TOTAL_MB: decimal(0, 10_000_000, 2048, true),
  UPLOAD_MIN_FREE_MB: decimal(0, 10_000_000, 1024),
  CHAT_NEW_CONTACTS_PER_HOUR_PER_IP: whole(1, 100_000, 20),
  UPLOAD_IN_FLIGHT_MB: decimal(0, 10_000, 32, true),
  UPLOAD_MIN_RATE_KB: decimal(0, 100_000, 16),
  LEDGER_EXPORTS: whole(1, 100, 2),
  LEDGER_MIN_RATE_KB: decimal(0, 100_000, 8),
  WECHATY_PUPPET: z
    .string()
    .regex(/^[@\w./-]+$/, 'must be a puppet package name, e.g. wechaty-puppet-service')
    .optional(),
  WECHATY_PUPPET_SERVICE_ENDPOINT: z.string().optional(),
  WECHATY_PUPPET_SERVICE_TOKEN: z.string().optional(),
  WECHATY_NAME: z.string().default('sanling'),
  JOBS: z.enum(['on', 'off'], { message: 'must be on or off' }).default('on'),
  TARGET_VILLAGE_COMMUNITY: decimal(0, 1, DEFAULT_CAMPAIGN.targets.VILLAGE_COMMUNITY),
  TARGET_ENTERPRISE: decimal(0, 1, DEFAULT_CAMPAIGN.targets.ENTERPRISE),
  TARGET_INSTITUTION: decimal(0, 1, DEFAULT_CAMPAIGN.targets.INSTITUTION),
  EXEMPLARY_MONTHS: whole(1, 60, DEFAULT_CAMPAIGN.exemplaryMonths),
  WARN_OPEN_HAZARDS: whole(1, 10_000, DEFAULT_CAMPAIGN.warnings.openHazards),
  WARN_REPEAT_COUNT: whole(2, 1000, DEFAULT_CAMPAIGN.warnings.repeatCount),
  WARN_REPEAT_DAYS: whole(1, 3650, DEFAULT_CAMPAIGN.warnings.repeatDays),
  WARN_CLUSTER_DAYS: whole(1, 3650, DEFAULT_CAMPAIGN.warnings.clusterDays),
  RANKING_WEIGHTS: z.string().optional(),
});

/** Every variable the configuration reads (each is listed in .env.example). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

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
  /** The bearer token of GET /metrics; without one, metrics are off. */
  readonly metricsToken: string | undefined;
  /** Per-request limits of the GraphQL API, checked before execution (timeout: while it runs). */
  readonly graphql: { maxDepth: number; maxAliases: number; maxCost: number; maxTokens: number; timeoutMs: number };
  /** PostgreSQL statement_timeout of the server's connections, in ms; 0 = none. */
  readonly dbStatementTimeoutMs: number;
  /** The embedded PostgreSQL logs statements slower than this, in ms (0: none). */
  readonly dbSlowStatementMs: number;
  /** Reverse proxies whose X-Forwarded-For is believed (addresses, CIDRs, loopback…); empty: none. */
  readonly trustProxy: readonly string[];
  /** How requests and database connections are shared between clients. */
  readonly fairShare: FairShareLimits;
  /** Node's HTTP timeouts: the headers, and the whole request with its body. */
  readonly httpTimeouts: { headersMs: number; requestMs: number };
  /** Photo bodies in flight from all addresses together, and the rate each must keep arriving at. */
  readonly uploadInFlightBytes: number;
  readonly uploadMinBytesPerSecond: number;
  /** Ledger exports at once, and the rate a client must read one at. */
  readonly ledger: { exports: number; minBytesPerSecond: number };
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
  /**
   * The nightly backup job: where it writes, how many it keeps. DATA_DIR/backups for the embedded
   * database; with DATABASE_URL only when BACKUP_DIR is set; none when BACKUP_KEEP is 0.
   */
  readonly backup?: { readonly dir: string; readonly keep: number; readonly uploadDir: string };
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
  const trustProxy = parseTrustProxy(e.TRUST_PROXY ?? '');
  if (typeof trustProxy === 'string') problems.push(`TRUST_PROXY: ${trustProxy}`);
  const heavyConnections = e.HEAVY_CONNECTIONS ?? Math.max(1, Math.floor(e.DB_POOL_MAX / 2));
  if (heavyConnections >= e.DB_POOL_MAX) {
    problems.push(`HEAVY_CONNECTIONS: must be less than DB_POOL_MAX (${e.DB_POOL_MAX}), so light requests always find a connection`);
  }
  if (e.FAIR_SHARE_CONNECTIONS >= e.DB_POOL_MAX) {
    problems.push(`FAIR_SHARE_CONNECTIONS: must be less than DB_POOL_MAX (${e.DB_POOL_MAX}), so one client cannot hold the whole pool`);
  }
  if (e.HTTP_HEADERS_TIMEOUT_SECONDS > e.HTTP_REQUEST_TIMEOUT_SECONDS) {
    problems.push('HTTP_HEADERS_TIMEOUT_SECONDS: must not be more than HTTP_REQUEST_TIMEOUT_SECONDS');
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
    metricsToken: e.METRICS_TOKEN,
    graphql: Object.freeze({
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
      maxCost: e.GRAPHQL_MAX_COST,
      maxTokens: e.GRAPHQL_MAX_TOKENS,
      timeoutMs: e.GRAPHQL_TIMEOUT_MS,
    }),
    dbStatementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
    dbSlowStatementMs: e.DB_SLOW_STATEMENT_MS,
    trustProxy: Object.freeze(trustProxy as string[]),
    fairShare: Object.freeze({
      requestsPerClient: e.FAIR_SHARE_REQUESTS,
      queuePerClient: e.FAIR_SHARE_QUEUE,
      connectionsPerClient: e.FAIR_SHARE_CONNECTIONS,
      heavyConnections,
      heavyCost: e.HEAVY_COST,
      serverInFlight: e.SERVER_MAX_IN_FLIGHT,
      serverQueue: e.SERVER_QUEUE,
      queueWaitMs: e.QUEUE_WAIT_MS,
    }),
    httpTimeouts: Object.freeze({ headersMs: e.HTTP_HEADERS_TIMEOUT_SECONDS * 1000, requestMs: e.HTTP_REQUEST_TIMEOUT_SECONDS * 1000 }),
    uploadInFlightBytes: Math.round(e.UPLOAD_IN_FLIGHT_MB * 1024 * 1024),
    uploadMinBytesPerSecond: Math.round(e.UPLOAD_MIN_RATE_KB * 1024),
    ledger: Object.freeze({ exports: e.LEDGER_EXPORTS, minBytesPerSecond: Math.round(e.LEDGER_MIN_RATE_KB * 1024) }),
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
    backup:
      e.BACKUP_KEEP > 0 && (e.BACKUP_DIR || !e.DATABASE_URL)
        ? Object.freeze({
            dir: path.resolve(e.BACKUP_DIR ?? path.join(e.DATA_DIR, 'backups')),
            keep: e.BACKUP_KEEP,
            uploadDir: path.resolve(e.UPLOAD_DIR ?? path.join(e.DATA_DIR, 'uploads')),
          })
        : undefined,
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
