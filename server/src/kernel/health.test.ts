import net from 'node:net'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../test/harness.js'
import { startMetricsServer } from './health.js'

const METRICS_TOKEN = 'metrics-token-0123456789abcdef'

async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('health and readiness', { timeout: 30_000 }, () => {
  let t: TestApp
  beforeAll(async () => { t = await buildTestApp({ isSeeded: false }) }, 60_000)
  afterAll(async () => { await t.close() }, 60_000)

  it('GET /healthz answers without a database round trip or a session', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ status: 'ok' })
  })

  it('GET /readyz is ready when the database answers and every migration is applied', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/readyz' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ status: 'ready' })
  })

  it('GET /readyz answers 503 problem+json naming the migrations still to apply', async () => {
    // Pretend the code lost a migration the database never got: remove the record of 0001.
    const rows = await t.db.runAsOwner((owner) => owner.selectFrom('schema_migrations').selectAll().where('version', '=', 1).execute())
    await t.db.runAsOwner((owner) => sql`delete from schema_migrations where version = 1`.execute(owner))
    try {
      const res = await t.app.inject({ method: 'GET', url: '/readyz' })
      expect(res.statusCode).toBe(503)
      expect(res.headers['content-type']).toContain('application/problem+json')
      expect(res.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE', pendingMigrations: ['0001_foundation.sql'] })
      expect(res.json().detail).toContain('0001_foundation.sql')
    } finally {
      await t.db.runAsOwner((owner) => owner.insertInto('schema_migrations').values(rows).execute())
    }
  })

  it('GET /metrics answers 404 on the main port when no metrics token is configured', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/metrics' })
    expect(res.statusCode).toBe(404)
  })
})

describe('readiness without a database', { timeout: 60_000 }, () => {
  it('answers 503 naming the unreachable database', async () => {
    const t = await buildTestApp({ isSeeded: false })
    try {
      await t.db.close()
      const res = await t.app.inject({ method: 'GET', url: '/readyz' })
      expect(res.statusCode).toBe(503)
      expect(res.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE', detail: 'the database is not reachable' })
    } finally {
      await t.app.close()
      // Closing the database again is a no-op; the Postgres test database is still dropped.
      await t.close()
    }
  })
})

describe('metrics', { timeout: 30_000 }, () => {
  let t: TestApp
  beforeAll(async () => { t = await buildTestApp({ config: { metricsToken: METRICS_TOKEN } }) }, 60_000)
  afterAll(async () => { await t.close() }, 60_000)

  it('needs the bearer token on the main port', async () => {
    const missing = await t.app.inject({ method: 'GET', url: '/metrics' })
    expect(missing.statusCode).toBe(401)
    expect(missing.headers['www-authenticate']).toContain('Bearer')
    const wrong = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer not-the-token-at-all' } })
    expect(wrong.statusCode).toBe(401)
  })

  it('serves Prometheus text: process metrics, request durations by route pattern, the audit head', async () => {
    await t.app.inject({ method: 'GET', url: '/healthz' })
    await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'nobody', password: 'x' } })
    const res = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('text/plain')
    expect(res.body).toContain('process_cpu_user_seconds_total')
    expect(res.body).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} [1-9]/)
    expect(res.body).toMatch(/http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/auth\/login",status="401"\} 1/)
    const head = await t.db.kysely.selectFrom('audit_head').select('seq').executeTakeFirstOrThrow()
    expect(Number(head.seq)).toBeGreaterThan(0)
    expect(res.body).toContain(`rongmei_audit_head_seq ${Number(head.seq)}`)
  })

  it('serves the same registry on the separate metrics listener, with the token when one is set', async () => {
    const port = await freePort()
    const server = await startMetricsServer(t.app, { ...t.config, host: '127.0.0.1', metricsPort: port })
    try {
      const refused = await fetch(`http://127.0.0.1:${port}/metrics`)
      expect(refused.status).toBe(401)
      const res = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
      expect(res.status).toBe(200)
      expect(await res.text()).toContain('http_request_duration_seconds_bucket')
    } finally {
      await server?.close()
    }
  })

  it('starts no listener when no metrics port is configured', async () => {
    expect(await startMetricsServer(t.app, { ...t.config, metricsPort: undefined })).toBeNull()
  })
})

describe('metrics listener without a token', { timeout: 60_000 }, () => {
  it('serves /metrics on its own port while the main port answers 404', async () => {
    const port = await freePort()
    const t = await buildTestApp({ isSeeded: false, config: { metricsPort: port, host: '127.0.0.1' } })
    const server = await startMetricsServer(t.app, t.config)
    try {
      expect((await t.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404)
      const res = await fetch(`http://127.0.0.1:${port}/metrics`)
      expect(res.status).toBe(200)
      expect(await res.text()).toContain('rongmei_audit_head_seq')
    } finally {
      await server?.close()
      await t.close()
    }
  })
})
