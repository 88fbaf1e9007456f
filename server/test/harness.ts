import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { inject } from 'vitest'
import { buildApp } from '../src/app.js'
import { loadConfig, type Config } from '../src/config.js'
import { openPGlite, openPostgres, type Database } from '../src/db/database.js'
import { migrate } from '../src/db/migrate.js'
import { syncBuiltinRoles } from '../src/modules/identity/builtin-roles.js'
import { seedDemo } from '../src/seed/demo.js'
import { createServerDatabase } from './server-database.js'

/** Which database this test run uses: set per vitest project (see vitest.config.ts). */
export const testDbKind = (process.env.RONGMEI_TEST_DB ?? 'pglite') as 'pglite' | 'postgres'
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
export const DEMO_PASSWORD = 'Test-Demo-Pass-1'

export interface TestDatabase {
  db: Database
  /** For Postgres: the URL of this test's own database. */
  url?: string
  drop(): Promise<void>
}

/** What server/test/global-setup.ts prepared: PGlite tarball paths, or Postgres template database names. */
export interface DatabaseTemplates {
  kind: 'pglite' | 'postgres'
  migrated: string
  seeded: string
}

function preparedTemplates(): DatabaseTemplates | undefined {
  const templates = inject('databaseTemplates')
  return templates?.kind === testDbKind ? templates : undefined
}

/**
 * A fresh, migrated database of the run's kind (in memory for PGlite, a new database on the
 * server), optionally with the demo platform seeded: a copy of the run's template when there is one.
 */
export async function createTestDatabase({ isSeeded = false }: { isSeeded?: boolean } = {}): Promise<TestDatabase> {
  const templates = preparedTemplates()
  const template = templates && (isSeeded ? templates.seeded : templates.migrated)
  if (testDbKind === 'pglite') {
    if (template) {
      const db = await openPGlite('memory://', { loadDataDir: new Blob([fs.readFileSync(template)]) })
      return { db, drop: () => db.close() }
    }
    const db = await openPGlite('memory://')
    await prepareDatabase(db, isSeeded)
    return { db, drop: () => db.close() }
  }
  const created = await createServerDatabase(TEST_DATABASE_URL, { template })
  const db = await openPostgres(created.url, { poolSize: 4 })
  if (!template) await prepareDatabase(db, isSeeded)
  return {
    db, url: created.url,
    async drop() {
      await db.close()
      await created.drop()
    },
  }
}

export async function prepareDatabase(db: Database, isSeeded: boolean): Promise<void> {
  await migrate(db)
  await syncBuiltinRoles(db)
  if (isSeeded) await seedDemo(db, { password: DEMO_PASSWORD })
}

export interface TestApp {
  app: FastifyInstance
  db: Database
  config: Config
  dataDir: string
  close(): Promise<void>
}

/** The whole app on a fresh database, optionally with the demo platform seeded. */
export async function buildTestApp({ isSeeded = true, config: overrides = {} }: { isSeeded?: boolean; config?: Partial<Config> } = {}): Promise<TestApp> {
  const testDb = await createTestDatabase({ isSeeded })
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rongmei-test-'))
  const config = loadConfig({ NODE_ENV: 'test', RONGMEI_DATA_DIR: dataDir }, { loginRateLimitPerMinute: 1000, ...overrides })
  const app = await buildApp({ config, db: testDb.db })
  await app.ready()
  return {
    app, db: testDb.db, config, dataDir,
    async close() {
      await app.close()
      await testDb.drop()
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** A signed-in client: keeps the session cookie and sends the CSRF token on unsafe methods. */
export interface Client {
  csrfToken: string
  cookie: string
  tenant?: string
  request(options: InjectOptions): Promise<LightMyRequestResponse>
  get(url: string): Promise<LightMyRequestResponse>
  post(url: string, payload?: unknown): Promise<LightMyRequestResponse>
  patch(url: string, payload?: unknown): Promise<LightMyRequestResponse>
  put(url: string, payload?: unknown): Promise<LightMyRequestResponse>
  delete(url: string): Promise<LightMyRequestResponse>
}

export async function signIn(app: FastifyInstance, username: string, { password = DEMO_PASSWORD, otp, tenant }: { password?: string; otp?: string; tenant?: string } = {}): Promise<Client> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password, ...(otp ? { otp } : {}) } })
  if (res.statusCode !== 200) throw new Error(`sign-in of ${username} failed: ${res.statusCode} ${res.body}`)
  const cookie = res.cookies.find((c) => c.name === 'rongmei_session')!
  const client: Client = {
    csrfToken: res.json().csrfToken,
    cookie: `rongmei_session=${cookie.value}`,
    tenant,
    request(options) {
      const headers: Record<string, string> = { cookie: client.cookie, ...(options.headers as Record<string, string> | undefined) }
      if (client.tenant && !headers['x-tenant']) headers['x-tenant'] = client.tenant
      if (options.method && options.method !== 'GET' && headers['x-csrf-token'] === undefined) headers['x-csrf-token'] = client.csrfToken
      return app.inject({ ...options, headers })
    },
    get: (url) => client.request({ method: 'GET', url }),
    post: (url, payload) => client.request({ method: 'POST', url, payload: payload as InjectOptions['payload'] }),
    patch: (url, payload) => client.request({ method: 'PATCH', url, payload: payload as InjectOptions['payload'] }),
    put: (url, payload) => client.request({ method: 'PUT', url, payload: payload as InjectOptions['payload'] }),
    delete: (url) => client.request({ method: 'DELETE', url }),
  }
  return client
}
