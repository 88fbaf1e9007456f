import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import crypto from 'node:crypto'
import Fastify, { type FastifyInstance } from 'fastify'
import cookie from '@fastify/cookie'
import helmet from '@fastify/helmet'
import rateLimit from '@fastify/rate-limit'
import { Redis } from 'ioredis'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import fastifyStatic from '@fastify/static'
import type { Config } from './config.js'
import type { Database } from './db/database.js'
import type { RouteAccess } from './kernel/access.js'
import { httpKernel } from './kernel/http.js'
import { healthRoutes } from './kernel/health.js'
import { createSecretBox, loadSecretKey, type SecretBox } from './kernel/secrets.js'
import { createAuthService, type AuthService } from './modules/identity/auth.service.js'
import { authRoutes } from './modules/identity/auth.routes.js'
import { moduleRoutes, siteRoutes } from './modules/index.js'
import { createSiteFastPath } from './modules/site/site.fastpath.js'

const webDist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist')

/** Everything a module's routes may be given; each module takes only what it uses. */
export interface AppDeps {
  config: Config
  db: Database
  secretBox: SecretBox
  auth: AuthService
}

/** One registered route and what it declares; the route-walk test proves each is guarded. */
export interface RouteEntry {
  method: string
  url: string
  access: RouteAccess | undefined
  hasResponseSchema: boolean
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route of the app, in registration order (HEAD twins included). */
    routeTable: readonly RouteEntry[]
  }
}

function requestIdFrom(header: unknown): string {
  // Accept a proxy's request id only when it looks like one, so logs cannot be forged.
  return typeof header === 'string' && /^[A-Za-z0-9._-]{8,64}$/.test(header) ? header : crypto.randomUUID()
}

/**
 * Where the rate-limit counters live: in this process by default; in Redis when RONGMEI_REDIS_URL
 * is set, so several processes behind a load balancer count each address once. When Redis cannot
 * be reached the limit is skipped (logged) rather than refusing every sign-in: the account lockout,
 * kept in the database, still holds.
 */
function rateLimitStore(app: FastifyInstance, config: Config) {
  if (!config.redisUrl) return {}
  const redis = new Redis(config.redisUrl, { connectTimeout: 2000, maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false })
  // ioredis retries every ~2 s while Redis is down: one warning a minute says it without flooding the log.
  let warnedAt = 0
  redis.on('error', (err) => {
    if (Date.now() - warnedAt < 60_000) return
    warnedAt = Date.now()
    app.log.warn({ err }, 'rate-limit store (Redis) unavailable: limits are skipped until it is back')
  })
  app.addHook('onClose', async () => { redis.disconnect() })
  return { redis, nameSpace: 'rongmei-rate-limit:', skipOnError: true }
}

/** Builds the Fastify app: kernel plugins, then every module's routes under /api/v1. */
export async function buildApp({ config, db }: { config: Config; db: Database }): Promise<FastifyInstance> {
  const fastPath = createSiteFastPath({ genReqId: (req) => requestIdFrom(req.headers['x-request-id']) })
  const app = Fastify({
    logger: { level: config.logLevel, redact: ['req.headers.cookie', 'req.headers.authorization', 'req.headers["x-csrf-token"]'] },
    bodyLimit: config.bodyLimitBytes,
    // Modules load their dictionaries (jieba, the checks automaton) while registering: on a small,
    // busy machine that takes longer than Fastify's 10 s default.
    pluginTimeout: 60_000,
    trustProxy: config.trustProxy,
    genReqId: (req) => requestIdFrom(req.headers['x-request-id']),
    // Cached public site pages are answered in front of the pipeline below (site.fastpath.ts).
    serverFactory: fastPath.serverFactory,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true } },
  })
  const secretBox = createSecretBox(loadSecretKey(config))
  const auth = createAuthService({ db, secretBox })
  const deps: AppDeps = { config, db, secretBox, auth }

  const routeTable: RouteEntry[] = []
  app.decorate('routeTable', routeTable)
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      routeTable.push({ method, url: route.url, access: route.config?.access, hasResponseSchema: Boolean(route.schema?.response) })
    }
  })

  await app.register(cookie)
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'], connectSrc: ["'self'"], frameAncestors: ["'none'"], objectSrc: ["'none'"],
      },
    },
  })
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) => ({ statusCode: 429, message: `Too many requests, retry in ${ctx.after}` }),
    ...rateLimitStore(app, config),
  })
  await app.register(swagger, {
    openapi: {
      info: { title: 'Rongmei 融媒 API', version: '1' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'rongmei_session' },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
  })
  await app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list' }, staticCSP: true })
  await app.register(httpKernel, { db, auth })
  // Before the API routes: its request-duration hook must see every route.
  await app.register(healthRoutes, { config, db })
  fastPath.attach(app)

  await app.register(async (api) => {
    await api.register(authRoutes, { auth, cookieSecure: config.cookieSecure, loginRateLimitPerMinute: config.loginRateLimitPerMinute })
    for (const register of moduleRoutes) await api.register(register, deps)
  }, { prefix: '/api/v1' })
  for (const register of siteRoutes) await app.register(register, deps)

  if (fs.existsSync(webDist)) {
    await app.register(fastifyStatic, { root: webDist, prefix: '/console/', wildcard: false })
    // Client-side routes of the console all load its index page.
    app.get('/console/*', (request, reply) => {
      // A missing build file must be a 404, not the index page (a stale tab would load a blank app).
      if (request.url.startsWith('/console/assets/')) return reply.callNotFound()
      return reply.sendFile('index.html')
    })
    app.get('/console', (_req, reply) => reply.redirect('/console/'))
  }
  app.get('/', (_req, reply) => reply.redirect('/console/'))
  return app
}
