import path from 'node:path'
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'

/** Configuration read from the environment; every value is validated once at start-up. */
const ConfigSchema = Type.Object({
  port: Type.Integer({ minimum: 0, maximum: 65535 }),
  host: Type.String(),
  dataDir: Type.String({ minLength: 1 }),
  databaseUrl: Type.Optional(Type.String({ minLength: 1 })),
  nodeEnv: Type.String(),
  logLevel: Type.Union([
    Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'), Type.Literal('debug'), Type.Literal('trace'), Type.Literal('silent'),
  ]),
  /** Password for every demo user; when unset the seed makes one up and prints it. */
  demoPassword: Type.Optional(Type.String({ minLength: 8 })),
  /** Bearer token that guards /metrics; when unset /metrics answers only on metricsPort. */
  metricsToken: Type.Optional(Type.String({ minLength: 16 })),
  metricsPort: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
  /** Secret that encrypts stored secrets (TOTP seeds, channel credentials); generated into dataDir if unset. */
  secretKey: Type.Optional(Type.String({ minLength: 32 })),
  cookieSecure: Type.Boolean(),
  trustProxy: Type.Boolean(),
  bodyLimitBytes: Type.Integer({ minimum: 1024 }),
  loginRateLimitPerMinute: Type.Integer({ minimum: 1 }),
  /** Shared store of the rate-limit counters when several processes serve (redis:// or rediss://). */
  redisUrl: Type.Optional(Type.String()),
  /** Embedded database only: hours between rounds of VACUUM (ANALYZE) over every table (0: never; db/maintenance.ts). */
  embeddedMaintenanceHours: Type.Number({ minimum: 0, maximum: 24 * 30 }),
  /** Per client IP and minute: citizens' submissions, lookups and ratings (reads get 12 times as many). */
  publicRateLimitPerMinute: Type.Integer({ minimum: 1 }),
  /** Per client IP and minute: Open311 GeoReport requests. */
  open311RateLimitPerMinute: Type.Integer({ minimum: 1 }),
  /** Largest .docx a story import accepts. */
  docxMaxBytes: Type.Integer({ minimum: 1024 }),
  /** How long a story's edit lock lasts unless renewed (autosave renews it). */
  storyLockSeconds: Type.Integer({ minimum: 10, maximum: 3600 }),
  /** Where asset files live: a directory under dataDir, or an S3-compatible store. */
  storage: Type.Union([Type.Literal('local'), Type.Literal('s3')]),
  s3Endpoint: Type.Optional(Type.String({ minLength: 1 })),
  s3Bucket: Type.Optional(Type.String({ minLength: 1 })),
  s3AccessKey: Type.Optional(Type.String({ minLength: 1 })),
  s3SecretKey: Type.Optional(Type.String({ minLength: 1 })),
  s3Region: Type.String({ minLength: 1 }),
  /**
   * The public site's absolute address (scheme, host, optional path; no trailing slash): links
   * sent to WeChat and Weibo and in feeds are built on it, so it must be what readers can open.
   */
  publicUrl: Type.String({ minLength: 1 }),
  /** Key that signs short-lived links to private files; derived from the secret key if unset. */
  publicUrlSecret: Type.Optional(Type.String({ minLength: 16 })),
  /** Largest single upload of any kind (per-tenant limits per kind are lower or equal). */
  assetMaxBytes: Type.Integer({ minimum: 1024 }),
  /** Pictures with more pixels are refused before they are decoded. */
  assetMaxPixels: Type.Integer({ minimum: 1_000_000 }),
  /** Days a deleted asset stays restorable before it is purged. */
  assetRetentionDays: Type.Integer({ minimum: 0, maximum: 3650 }),
  /** Seconds a signed link to a private file stays valid. */
  signedUrlSeconds: Type.Integer({ minimum: 10, maximum: 86_400 }),
  /** ffmpeg and ffprobe for video and audio derivatives; when absent, those derivatives are unavailable. */
  ffmpegPath: Type.String({ minLength: 1 }),
  ffprobePath: Type.String({ minLength: 1 }),
})
export type Config = Static<typeof ConfigSchema>

function flag(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback
  return ['1', 'true', 'yes', 'on'].includes(value.toLowerCase())
}

function int(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback
  const n = Number(value)
  return Number.isInteger(n) ? n : Number.NaN
}

/**
 * RONGMEI_PUBLIC_URL as the base every outside link is built on, or null when it is not an
 * absolute http(s) URL that a path can be appended to (no query or fragment).
 */
export function normalizePublicUrl(value: string): string | null {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return null
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash || url.username || url.password) return null
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '')
}

/** Builds the configuration from `env`, throwing a message that names each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const nodeEnv = env.NODE_ENV ?? 'development'
  const config = {
    port: int(env.PORT, 3000),
    host: env.HOST ?? '0.0.0.0',
    dataDir: path.resolve(env.RONGMEI_DATA_DIR ?? './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    nodeEnv,
    logLevel: env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info'),
    demoPassword: env.RONGMEI_DEMO_PASSWORD || undefined,
    metricsToken: env.RONGMEI_METRICS_TOKEN || undefined,
    metricsPort: env.RONGMEI_METRICS_PORT ? int(env.RONGMEI_METRICS_PORT, 0) : undefined,
    secretKey: env.RONGMEI_SECRET_KEY || undefined,
    cookieSecure: flag(env.RONGMEI_COOKIE_SECURE, nodeEnv === 'production'),
    trustProxy: flag(env.RONGMEI_TRUST_PROXY, false),
    bodyLimitBytes: int(env.RONGMEI_BODY_LIMIT_BYTES, 1024 * 1024),
    loginRateLimitPerMinute: int(env.RONGMEI_LOGIN_RATE_LIMIT, 20),
    redisUrl: env.RONGMEI_REDIS_URL || undefined,
    embeddedMaintenanceHours: env.RONGMEI_EMBEDDED_MAINTENANCE_HOURS ? Number(env.RONGMEI_EMBEDDED_MAINTENANCE_HOURS) : 6,
    publicRateLimitPerMinute: int(env.RONGMEI_PUBLIC_RATE_LIMIT, 10),
    open311RateLimitPerMinute: int(env.RONGMEI_OPEN311_RATE_LIMIT, 120),
    docxMaxBytes: int(env.RONGMEI_DOCX_MAX_BYTES, 20 * 1024 * 1024),
    storyLockSeconds: int(env.RONGMEI_STORY_LOCK_SECONDS, 120),
    storage: env.RONGMEI_STORAGE || 'local',
    s3Endpoint: env.RONGMEI_S3_ENDPOINT || undefined,
    s3Bucket: env.RONGMEI_S3_BUCKET || undefined,
    s3AccessKey: env.RONGMEI_S3_ACCESS_KEY || undefined,
    s3SecretKey: env.RONGMEI_S3_SECRET_KEY || undefined,
    s3Region: env.RONGMEI_S3_REGION || 'us-east-1',
    publicUrl: env.RONGMEI_PUBLIC_URL || `http://localhost:${overrides.port ?? int(env.PORT, 3000)}`,
    publicUrlSecret: env.RONGMEI_PUBLIC_URL_SECRET || undefined,
    assetMaxBytes: int(env.RONGMEI_ASSET_MAX_BYTES, 4 * 1024 * 1024 * 1024),
    assetMaxPixels: int(env.RONGMEI_ASSET_MAX_PIXELS, 100_000_000),
    assetRetentionDays: int(env.RONGMEI_ASSET_RETENTION_DAYS, 30),
    signedUrlSeconds: int(env.RONGMEI_SIGNED_URL_SECONDS, 300),
    ffmpegPath: env.RONGMEI_FFMPEG_PATH || 'ffmpeg',
    ffprobePath: env.RONGMEI_FFPROBE_PATH || 'ffprobe',
    ...overrides,
  }
  const errors = [...Value.Errors(ConfigSchema, config)]
  if (config.storage === 's3') {
    for (const [key, name] of [['s3Endpoint', 'RONGMEI_S3_ENDPOINT'], ['s3Bucket', 'RONGMEI_S3_BUCKET'], ['s3AccessKey', 'RONGMEI_S3_ACCESS_KEY'], ['s3SecretKey', 'RONGMEI_S3_SECRET_KEY']] as const) {
      if (!config[key]) errors.push({ instancePath: `/${key}`, message: `${name} is required when RONGMEI_STORAGE=s3` } as (typeof errors)[number])
    }
  }
  if (config.redisUrl !== undefined && !/^rediss?:\/\/[^/]/.test(config.redisUrl)) {
    errors.push({ instancePath: '/redisUrl', message: `RONGMEI_REDIS_URL must be a redis:// or rediss:// URL, such as redis://cache.internal:6379 (got ${JSON.stringify(config.redisUrl)})` } as (typeof errors)[number])
  }
  const publicUrl = typeof config.publicUrl === 'string' ? normalizePublicUrl(config.publicUrl) : null
  if (publicUrl === null) {
    errors.push({ instancePath: '/publicUrl', message: `RONGMEI_PUBLIC_URL must be an absolute http:// or https:// URL without query or fragment, such as https://news.example.gov.cn (got ${JSON.stringify(config.publicUrl)})` } as (typeof errors)[number])
  } else {
    config.publicUrl = publicUrl
  }
  if (errors.length > 0) {
    const lines = errors.map((e) => `  ${e.instancePath || '/'}: ${e.message}`)
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`)
  }
  return config as Config
}
