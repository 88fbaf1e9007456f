import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openPGlite, openPostgres, type Database } from '../db/database.js'
import { recordAudit, verifyAuditChain } from '../kernel/audit.js'
import { testDbKind } from '../../test/harness.js'
import { emptyPostgresDatabase, runCli } from '../../test/factories/cli.js'

/**
 * `rongmei audit verify` end to end: a seeded installation (embedded data dir, or a database on
 * the Postgres server in the postgres run), then tampering as the owner, as an intruder would.
 */
describe('rongmei audit verify', { timeout: 60_000 }, () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rongmei-cli-audit-'))
  let env: Record<string, string>
  let open: () => Promise<Database>
  let dropDatabase = async () => {}

  async function withDb<T>(fn: (db: Database) => Promise<T>): Promise<T> {
    const db = await open()
    try {
      return await fn(db)
    } finally {
      await db.close()
    }
  }

  async function tamper(statement: string): Promise<void> {
    await withDb((db) => db.runAsOwner(async (owner) => {
      await sql`alter table audit_log disable trigger audit_log_no_update`.execute(owner)
      await sql.raw(statement).execute(owner)
      await sql`alter table audit_log enable trigger audit_log_no_update`.execute(owner)
    }))
  }

  beforeAll(async () => {
    env = { RONGMEI_DATA_DIR: dataDir, RONGMEI_DEMO_PASSWORD: 'Cli-Demo-Pass-1' }
    open = () => openPGlite(dataDir)
    if (testDbKind === 'postgres') {
      const target = await emptyPostgresDatabase()
      env.DATABASE_URL = target.url
      open = () => openPostgres(target.url, { poolSize: 1 })
      dropDatabase = target.drop
    }
    const seeded = await runCli(['seed', '--demo'], env)
    expect(seeded.stderr).toBe('')
    expect(seeded.code).toBe(0)
    // A longer chain than the seed's single entry.
    await withDb(async (db) => {
      for (let i = 0; i < 24; i++) await recordAudit(db, { action: 'test.event', actorName: 'cli-test', details: { i } })
    })
  }, 120_000)
  afterAll(async () => {
    await dropDatabase()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }, 60_000)

  it('exits 0 on an untouched log', async () => {
    const result = await runCli(['audit', 'verify'], env)
    expect(result.stdout.trim()).toBe('audit log intact: 25 rows')
    expect(result.code).toBe(0)
  })

  it('exits 1 naming a row that was altered', async () => {
    const before = await withDb((db) => db.runAsOwner((o) => o.selectFrom('audit_log').select('details').where('seq', '=', '17').executeTakeFirstOrThrow()))
    await tamper(`update audit_log set details = '{"i": 999}' where seq = 17`)
    const result = await runCli(['audit', 'verify'], env)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('row 17 was altered')
    await tamper(`update audit_log set details = '${JSON.stringify(before.details)}' where seq = 17`)
    expect((await withDb((db) => verifyAuditChain(db))).ok).toBe(true)
  })

  it('exits 1 naming the newest row when it was removed', async () => {
    await tamper('delete from audit_log where seq = 25')
    const result = await runCli(['audit', 'verify'], env)
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/first bad row: 25/)
    expect(result.stderr).toMatch(/removed/)
  })

  it('refuses to open the embedded database while another process holds it', async () => {
    const db = await openPGlite(dataDir)
    try {
      const result = await runCli(['audit', 'verify'], { ...env, DATABASE_URL: undefined })
      expect(result.code).toBe(1)
      expect(result.stderr).toContain(`is in use by process ${process.pid}; stop it first`)
    } finally {
      await db.close()
    }
  })
})
