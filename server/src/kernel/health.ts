import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { sql } from 'kysely'
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'
import { Type } from 'typebox'
import type { Config } from '../config.js'
import type { Database } from '../db/database.js'
import { pendingMigrations } from '../db/migrate.js'
import { AppError } from './errors.js'
import { problemResponses } from './openapi.js'
import { safeEqual } from './secrets.js'

/**
 * Liveness, readiness and Prometheus metrics. These routes live outside /api/v1: load balancers
 * and Prometheus call them without a session, so they declare no `access` level. /metrics is
 * guarded instead by RONGMEI_METRICS_TOKEN (a bearer token) or served only on its own listener
 * (RONGMEI_METRICS_PORT), which an operator keeps off the public network.
 */

declare module 'fastify' {
  interface FastifyInstance {
    /** This app's metrics; the separate metrics listener serves the same registry. */
    metrics: Registry
  }
}

// Default process metrics describe the process, not an app: one collector per process, however
// many apps the tests build.
let processRegistry: Registry | undefined
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry()
    collectDefaultMetrics({ register: processRegistry })
  }
  return processRegistry
}

function createRegistry(db: Database): Registry {
  const registry = new Registry()
  new Gauge({
    name: 'rongmei_audit_head_seq',
    help: 'Sequence number of the newest audit log row; it grows by one per audit append',
    registers: [registry],
    async collect() {
      // Read from the chain head rather than counting in memory, so every process reports the same.
      try {
        const head = await db.kysely.selectFrom('audit_head').select('seq').executeTakeFirst()
        if (head) this.set(Number(head.seq))
      } catch {
        // An unreachable database shows up in /readyz; metrics still answer.
      }
    },
  })
  return registry
}

/** Prometheus text of the process and app metrics. */
async function metricsText(app: FastifyInstance): Promise<{ contentType: string; body: string }> {
  const merged = Registry.merge([processMetrics(), app.metrics])
  return { contentType: merged.contentType, body: await merged.metrics() }
}

function checkMetricsToken(request: FastifyRequest, reply: FastifyReply, token: string): void {
  const header = request.headers.authorization
  const given = header?.startsWith('Bearer ') ? header.slice(7).trim() : ''
  if (!given || !safeEqual(given, token)) {
    reply.header('www-authenticate', 'Bearer realm="metrics"')
    throw new AppError('AUTH_REQUIRED', 'GET /metrics needs Authorization: Bearer <RONGMEI_METRICS_TOKEN>')
  }
}

const StatusReply = (status: string) => Type.Object({ status: Type.Literal(status) })
const MetricsReply = { description: 'Prometheus text exposition', content: { 'text/plain': { schema: Type.String() } } }

/**
 * GET /healthz (the process answers), GET /readyz (database reachable and fully migrated) and
 * GET /metrics, plus the request-duration histogram every route feeds.
 */
export const healthRoutes = fp<{ config: Config; db: Database }>(async (app, { config, db }) => {
  const registry = createRegistry(db)
  app.decorate('metrics', registry)
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Duration of HTTP requests by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  })
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, never the raw URL: ids in paths would explode the label set.
    const route = request.routeOptions.url ?? 'unmatched'
    httpDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000)
  })

  app.get('/healthz', {
    schema: { tags: ['health'], summary: '进程存活检查', response: { 200: StatusReply('ok') } },
  }, async () => ({ status: 'ok' as const }))

  app.get('/readyz', {
    schema: { tags: ['health'], summary: '就绪检查（数据库可达且迁移已应用）', response: { 200: StatusReply('ready'), ...problemResponses(503) } },
  }, async (request) => {
    let pending: string[]
    try {
      await sql`select 1`.execute(db.kysely)
      pending = await pendingMigrations(db)
    } catch (error) {
      request.log.warn({ err: error }, 'readiness check: database not reachable')
      throw new AppError('SERVICE_UNAVAILABLE', 'the database is not reachable')
    }
    if (pending.length > 0) {
      throw new AppError('SERVICE_UNAVAILABLE', `database migrations are not applied: ${pending.join(', ')}`, { extra: { pendingMigrations: pending } })
    }
    return { status: 'ready' as const }
  })

  app.get('/metrics', {
    schema: { tags: ['health'], summary: 'Prometheus 指标（需 RONGMEI_METRICS_TOKEN）', response: { 200: MetricsReply, ...problemResponses(401, 404) } },
  }, async (request, reply) => {
    // Without a token the main port does not serve metrics at all: they go to the metrics listener.
    if (!config.metricsToken) {
      throw new AppError('NOT_FOUND', `No route ${request.method} /metrics`)
    }
    checkMetricsToken(request, reply, config.metricsToken)
    const { contentType, body } = await metricsText(app)
    return reply.type(contentType).send(body)
  })
})

/**
 * Starts the separate metrics listener on RONGMEI_METRICS_PORT (nothing when unset). It serves only
 * GET /metrics from the app's registry; a configured token is required there too.
 * @returns the listener, for closing at shutdown, or null.
 */
export async function startMetricsServer(app: FastifyInstance, config: Config): Promise<FastifyInstance | null> {
  if (!config.metricsPort) return null
  const server = Fastify({ logger: false })
  server.get('/metrics', async (request, reply) => {
    if (config.metricsToken) {
      try {
        checkMetricsToken(request, reply, config.metricsToken)
      } catch {
        return reply.status(401).type('text/plain; charset=utf-8').send('unauthorized\n')
      }
    }
    const { contentType, body } = await metricsText(app)
    return reply.type(contentType).send(body)
  })
  await server.listen({ port: config.metricsPort, host: config.host })
  return server
}
