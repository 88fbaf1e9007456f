import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../app.js'
import { loadConfig } from '../config.js'
import { openPGlite, openPostgres, type Database } from '../db/database.js'
import { migrate } from '../db/migrate.js'
import { inScope, systemScope } from '../db/scope.js'
import { recordAudit, verifyAuditChain } from '../kernel/audit.js'
import { syncBuiltinRoles } from '../modules/identity/builtin-roles.js'
import { seedDemo } from '../seed/demo.js'
import { DEMO_PASSWORD, testDbKind } from '../../test/harness.js'
import { emptyPostgresDatabase, runCli } from '../../test/factories/cli.js'
import { backup } from './backup.js'
import { restoreBackup } from './restore.js'
import { describeTables, readSequences } from './tables.js'

type Kind = 'pglite' | 'postgres'
const dirs: string[] = []
const drops: Array<() => Promise<void>> = []
const tempDir = (name = 'rongmei-backup-') => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), name))
  dirs.push(dir)
  return dir
}
const LONG_NAME = `media/2026/05/${'很长的文件名'.repeat(12)}.txt`

/** A fresh empty target of `kind`: how to open it, and (for Postgres) its URL. */
async function emptyTarget(kind: Kind): Promise<{ dataDir: string; open: () => Promise<Database>; url?: string }> {
  const dataDir = path.join(tempDir('rongmei-target-'), 'data')
  if (kind === 'pglite') return { dataDir, open: () => openPGlite(dataDir) }
  const target = await emptyPostgresDatabase()
  drops.push(target.drop)
  return { dataDir, url: target.url, open: () => openPostgres(target.url, { poolSize: 2 }) }
}

/** A seeded installation with some life in it: sign-ins, failures, a new unit, a custom role, files. */
async function makeSource(kind: Kind): Promise<{ db: Database; dataDir: string }> {
  const { dataDir, open } = await emptyTarget(kind)
  const db = await open()
  await migrate(db)
  await syncBuiltinRoles(db)
  await seedDemo(db, { password: DEMO_PASSWORD })
  const app = await buildApp({ config: loadConfig({ NODE_ENV: 'test', RONGMEI_DATA_DIR: dataDir }, { loginRateLimitPerMinute: 1000 }), db })
  for (const [username, password] of [['admin', DEMO_PASSWORD], ['nobody', 'x'], ['district-a.editor', 'wrong'], ['district-b.chief', DEMO_PASSWORD]]) {
    await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } })
  }
  await app.close()
  await inScope(db, systemScope, async (trx) => {
    const parent = await trx.selectFrom('tenants').select(['id', 'path']).where('slug', '=', 'district-a').executeTakeFirstOrThrow()
    const unit = await trx.insertInto('tenants').values({ slug: 'district-a-new', name: '新单位 "引号", 逗号', kind: 'unit', parent_id: parent.id, path: parent.path })
      .returning('id').executeTakeFirstOrThrow()
    await trx.updateTable('tenants').set({ path: [...parent.path, unit.id] }).where('id', '=', unit.id).execute()
    await trx.insertInto('roles').values({ tenant_id: parent.id, code: 'night_desk', name: '夜班编辑', permissions: ['story.read', 'story.edit'] }).execute()
    await trx.insertInto('settings').values({ key: 'backup.test', value: JSON.stringify({ text: '多行\n文本 🙂', big: '9007199254740993', nested: [1, { a: null }] }) }).execute()
    // Long enough to span several read chunks: restore must decode characters cut between two.
    await trx.insertInto('settings').values({ key: 'backup.long', value: JSON.stringify({ text: '融媒体中心'.repeat(20_000) }) }).execute()
    const user = await trx.selectFrom('users').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow()
    await trx.insertInto('password_history').values({ user_id: user.id, password_hash: 'old-hash' }).execute()
  })
  await recordAudit(db, { action: 'test.backup', details: { 说明: '备份前' } })
  fs.mkdirSync(path.join(dataDir, path.dirname(LONG_NAME)), { recursive: true })
  fs.writeFileSync(path.join(dataDir, LONG_NAME), '长文件名的内容\n')
  fs.writeFileSync(path.join(dataDir, 'media/empty.bin'), '')
  return { db, dataDir }
}

/** Every table's rows in key order, as Postgres itself renders them (UTC times). */
async function snapshot(db: Database): Promise<Record<string, string[]>> {
  return db.runAsOwner((owner) => owner.transaction().execute(async (trx) => {
    await sql`set local timezone = 'UTC'`.execute(trx)
    await sql`select set_config('app.scope', 'system', true)`.execute(trx)
    const out: Record<string, string[]> = {}
    for (const table of await describeTables(trx)) {
      const keys = sql.join(table.primaryKey.map((k) => sql.id('t', k.name)))
      out[table.name] = (await sql<{ line: string }>`select row_to_json(t)::text as line from ${sql.table(table.name)} t order by ${keys}`.execute(trx)).rows.map((r) => r.line)
    }
    out.sequences = (await readSequences(trx)).map((s) => `${s.name}=${s.lastValue}`)
    out.migrations = (await trx.selectFrom('schema_migrations').select(['version', 'checksum']).orderBy('version').execute()).map((m) => `${m.version}:${m.checksum}`)
    return out
  }))
}

const sourceKinds: Kind[] = testDbKind === 'postgres' ? ['pglite', 'postgres'] : ['pglite']
const targetKinds: Kind[] = testDbKind === 'postgres' ? ['pglite', 'postgres'] : ['pglite']

afterAll(async () => {
  for (const drop of drops.splice(0)) await drop()
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
}, 60_000)

describe.each(sourceKinds)('backup of a %s installation', { timeout: 60_000 }, (sourceKind) => {
  let source: { db: Database; dataDir: string }
  let archive: string
  let expected: Record<string, string[]>
  let tableCount: number

  beforeAll(async () => {
    source = await makeSource(sourceKind)
    archive = path.join(tempDir(), 'backup.tar.gz')
    const summary = await backup({ db: source.db, dataDir: source.dataDir, file: archive })
    expected = await snapshot(source.db)
    // Every table of the schema (the snapshot also holds sequences and migrations), and the three files.
    tableCount = Object.keys(expected).length - 2
    expect(summary).toMatchObject({ tables: tableCount, files: 3 })
    // Changes after the backup must not be in it.
    await recordAudit(source.db, { action: 'test.after_backup' })
  }, 120_000)
  afterAll(async () => { await source.db.close() }, 60_000)

  it('refuses to overwrite an existing file unless told to', async () => {
    await expect(backup({ db: source.db, dataDir: source.dataDir, file: archive })).rejects.toThrow(/exists already/)
  })

  it.each(targetKinds)('restores into an empty %s target: same rows, same files, an intact audit chain', async (targetKind) => {
    const target = await emptyTarget(targetKind)
    const summary = await restoreBackup({ file: archive, dataDir: target.dataDir, open: target.open })
    expect(summary.tables).toBe(tableCount)
    const db = await target.open()
    try {
      const actual = await snapshot(db)
      expect(Object.keys(actual)).toEqual(Object.keys(expected))
      for (const table of Object.keys(expected)) expect(actual[table], table).toEqual(expected[table])
      expect(actual.audit_log.some((l) => l.includes('test.after_backup'))).toBe(false)
      const chain = await verifyAuditChain(db)
      expect(chain).toMatchObject({ ok: true, checked: expected.audit_log.length })

      for (const rel of ['secret.key', LONG_NAME, 'media/empty.bin']) {
        expect(fs.readFileSync(path.join(target.dataDir, rel)), rel).toEqual(fs.readFileSync(path.join(source.dataDir, rel)))
      }
      expect(fs.readdirSync(target.dataDir).filter((n) => n.startsWith('.rongmei-'))).toEqual([])

      // The restored installation works: passwords, the secret key and identity sequences carry over.
      const app = await buildApp({ config: loadConfig({ NODE_ENV: 'test', RONGMEI_DATA_DIR: target.dataDir }), db })
      const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'district-a.reporter', password: DEMO_PASSWORD } })
      expect(login.statusCode).toBe(200)
      await app.close()
      const next = await inScope(db, systemScope, async (trx) => {
        const user = await trx.selectFrom('users').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow()
        return trx.insertInto('password_history').values({ user_id: user.id, password_hash: 'x' }).returning('id').executeTakeFirstOrThrow()
      })
      const maxBefore = Math.max(...expected.password_history.map((l) => Number(JSON.parse(l).id)))
      expect(Number(next.id)).toBeGreaterThan(maxBefore)
    } finally {
      await db.close()
    }

    await expect(restoreBackup({ file: archive, dataDir: target.dataDir, open: target.open })).rejects.toThrow(/target is not empty/)
  })

  it.each(targetKinds)('refuses a damaged archive and writes nothing into a %s target', async (targetKind) => {
    const tarBytes = zlib.gunzipSync(fs.readFileSync(archive))
    const at = tarBytes.indexOf('district-a.reporter')
    expect(at).toBeGreaterThan(0)
    const altered = Buffer.from(tarBytes)
    altered[at] = 'D'.charCodeAt(0)
    const cases: Array<[string, Buffer, RegExp]> = [
      ['altered.tar.gz', zlib.gzipSync(altered), /db\/users\.ndjson does not match its checksum/],
      ['truncated.tar.gz', fs.readFileSync(archive).subarray(0, 3000), /damaged/],
      ['noise.tar.gz', Buffer.from('this is not an archive'), /damaged/],
      ['headless.tar.gz', zlib.gzipSync(tarBytes.subarray(0, tarBytes.indexOf('manifest.json') - 0)), /damaged|no manifest/],
    ]
    for (const [name, bytes, message] of cases) {
      const file = path.join(tempDir(), name)
      fs.writeFileSync(file, bytes)
      const target = await emptyTarget(targetKind)
      await expect(restoreBackup({ file, dataDir: target.dataDir, open: target.open }), name).rejects.toThrow(message)
      expect(fs.existsSync(target.dataDir), name).toBe(false)
      if (target.url) {
        const client = new pg.Client({ connectionString: target.url })
        await client.connect()
        const { rows } = await client.query(`select count(*)::int as n from pg_tables where schemaname = 'public'`)
        await client.end()
        expect(rows[0].n, name).toBe(0)
      }
    }
  })
})

describe('backup of a running embedded installation', () => {
  it('refuses with a clear message while another process holds the data directory', { timeout: 60_000 }, async () => {
    const dataDir = tempDir()
    const db = await openPGlite(dataDir)
    try {
      const result = await runCli(['backup', path.join(dataDir, 'x.tar.gz')], { RONGMEI_DATA_DIR: dataDir })
      expect(result.code).toBe(1)
      expect(result.stderr).toContain(`the embedded database in ${dataDir} is in use by process ${process.pid}; stop it first`)
      expect(result.stderr).toContain('Postgres server (DATABASE_URL) for online backups')
      expect(fs.existsSync(path.join(dataDir, 'x.tar.gz'))).toBe(false)
    } finally {
      await db.close()
    }
  })
})
