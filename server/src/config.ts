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
  logLevel: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l))),
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
    ...overrides,
  }
  const errors = [...Value.Errors(ConfigSchema, config)]
  if (errors.length > 0) {
    const lines = errors.map((e) => `  ${e.instancePath || '/'}: ${e.message}`)
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`)
  }
  return config as Config
}
