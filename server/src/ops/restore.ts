import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { StringDecoder } from 'node:string_decoder'
import zlib from 'node:zlib'
import { sql, type Kysely } from 'kysely'
import { LOCK_FILE, type Database } from '../db/database.js'
import { migrate, migrationsDir, readMigrations } from '../db/migrate.js'
import type { DB } from '../db/schema.js'
import { BACKUP_FORMAT, BACKUP_FORMAT_VERSION, MANIFEST_NAME, PGDATA_DIR, type BackupManifest } from './backup.js'
import { describeTables, type TableInfo } from './tables.js'
import { readTar } from './tar.js'

/**
 * `rongmei restore`: puts a backup into an empty installation. The archive is read twice: first to
 * check every part against the manifest before anything is written, then to load it, all tables
 * in one transaction, files staged and moved into place only after that transaction commits.
 */

/** A restore that was refused; its message is for the operator. */
export class RestoreError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RestoreError'
  }
}

const INSERT_BATCH_ROWS = 500
const INSERT_BATCH_BYTES = 4 * 1024 * 1024

function entries(file: string) {
  return readTar(fs.createReadStream(file).pipe(zlib.createGunzip()))
}

function safeFilePath(part: string): string {
  const rel = part.slice('files/'.length)
  const segments = rel.split('/')
  if (!part.startsWith('files/') || path.isAbsolute(rel) || segments.some((s) => s === '' || s === '.' || s === '..')
    || segments[0] === PGDATA_DIR || rel === LOCK_FILE) {
    throw new RestoreError(`the archive holds a file this restore will not write: ${part}`)
  }
  return rel
}

/**
 * Pass one: checks the archive against its manifest (every part present once, sizes, sha256 and
 * row counts) and returns the manifest. Writes nothing.
 */
export async function inspectBackup(file: string): Promise<BackupManifest> {
  if (!fs.existsSync(file)) throw new RestoreError(`${file} does not exist`)
  const seen = new Map<string, { bytes: number; sha256: string; lines: number }>()
  let manifestText: string | null = null
  try {
    for await (const entry of entries(file)) {
      if (entry.type !== 'file') continue
      if (seen.has(entry.name)) throw new RestoreError(`the archive holds ${entry.name} twice`)
      const hash = crypto.createHash('sha256')
      const chunks: Buffer[] = []
      let lines = 0
      for await (const chunk of entry.body) {
        hash.update(chunk)
        for (const byte of chunk) if (byte === 0x0a) lines++
        if (entry.name === MANIFEST_NAME) chunks.push(chunk)
      }
      seen.set(entry.name, { bytes: entry.size, sha256: hash.digest('hex'), lines })
      if (entry.name === MANIFEST_NAME) manifestText = Buffer.concat(chunks).toString('utf8')
    }
  } catch (error) {
    if (error instanceof RestoreError) throw error
    throw new RestoreError(`the archive is damaged: ${(error as Error).message}; nothing was restored`)
  }
  if (!manifestText) throw new RestoreError(`the archive has no ${MANIFEST_NAME}: it is not a Rongmei backup or it is incomplete`)
  let manifest: BackupManifest
  try {
    manifest = JSON.parse(manifestText) as BackupManifest
  } catch {
    throw new RestoreError(`the archive's ${MANIFEST_NAME} is not valid JSON`)
  }
  if (manifest.format !== BACKUP_FORMAT || manifest.formatVersion !== BACKUP_FORMAT_VERSION) {
    throw new RestoreError(`this archive is ${manifest.format} version ${manifest.formatVersion}; this Rongmei reads ${BACKUP_FORMAT} version ${BACKUP_FORMAT_VERSION}`)
  }
  const parts = [...manifest.tables, ...manifest.files]
  for (const part of parts) {
    const found = seen.get(part.part)
    if (!found) throw new RestoreError(`the archive is incomplete: ${part.part} is missing; nothing was restored`)
    if (found.bytes !== part.bytes || found.sha256 !== part.sha256) {
      throw new RestoreError(`the archive is damaged: ${part.part} does not match its checksum; nothing was restored`)
    }
  }
  for (const table of manifest.tables) {
    if (seen.get(table.part)!.lines !== table.rows) throw new RestoreError(`the archive is damaged: ${table.part} should hold ${table.rows} rows`)
  }
  for (const file of manifest.files) safeFilePath(file.part)
  const listed = new Set([MANIFEST_NAME, ...parts.map((p) => p.part)])
  const extra = [...seen.keys()].filter((name) => !listed.has(name))
  if (extra.length > 0) throw new RestoreError(`the archive holds parts its manifest does not list: ${extra.slice(0, 5).join(', ')}`)
  return manifest
}

/** The code's migrations must begin with exactly the backup's; returns how many the backup has. */
function checkMigrations(manifest: BackupManifest): number {
  const code = readMigrations()
  for (const m of manifest.migrations) {
    const ours = code[m.version - 1]
    if (!ours) throw new RestoreError(`the backup was made by a newer Rongmei (migration ${m.name} is unknown here); upgrade first`)
    if (ours.name !== m.name || ours.checksum !== m.checksum) throw new RestoreError(`migration ${m.name} differs from this Rongmei's ${ours.name}; cannot restore`)
  }
  return manifest.migrations.length
}

/** Refuses any target that holds real data; rows made by migrations alone are replaced. */
async function assertEmptyTarget(db: Database, backupMigrations: number): Promise<void> {
  await db.runAsOwner(async (owner) => {
    const has = async (table: string) => (await sql<{ ok: boolean }>`select to_regclass(${table}) is not null as ok`.execute(owner)).rows[0]?.ok
    if (await has('schema_migrations')) {
      const newest = await owner.selectFrom('schema_migrations').select('version').orderBy('version', 'desc').executeTakeFirst()
      if (newest && Number(newest.version) > backupMigrations) {
        throw new RestoreError(`the target is at migration ${newest.version}, newer than the backup (${backupMigrations}); restore into a fresh data directory or database`)
      }
    }
    if (!(await has('tenants'))) return
    const counts = await owner.transaction().execute(async (trx) => {
      await sql`select set_config('app.scope', 'system', true)`.execute(trx)
      return (await sql<{ tenants: string; users: string; audit: string }>`
        select (select count(*) from tenants)::text as tenants, (select count(*) from users)::text as users, (select count(*) from audit_log)::text as audit
      `.execute(trx)).rows[0]
    })
    if (counts.tenants !== '0' || counts.users !== '0' || counts.audit !== '0') {
      throw new RestoreError(`the target is not empty (${counts.tenants} tenants, ${counts.users} users, ${counts.audit} audit rows); restore only into an empty data directory or database`)
    }
  })
}

/** Applies the first `count` migrations only: the backup's rows fit that schema; later ones run after. */
async function migrateTo(db: Database, count: number): Promise<void> {
  const all = readMigrations()
  if (count >= all.length) { await migrate(db); return }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rongmei-migrations-'))
  try {
    for (const m of all.slice(0, count)) fs.copyFileSync(path.join(migrationsDir, m.name), path.join(dir, m.name))
    await migrate(db, dir)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** Inserts a table's NDJSON rows in batches; in a self-referencing table a child waits for its parent. */
async function loadTable(trx: Kysely<DB>, table: TableInfo, body: AsyncIterable<Buffer>, hash: crypto.Hash): Promise<number> {
  const columns = table.columns.filter((c) => !c.isGenerated).map((c) => sql.id(c.name))
  let batch: string[] = []
  let batchBytes = 0
  let count = 0
  const flush = async () => {
    if (batch.length === 0) return
    await sql`insert into ${sql.table(table.name)} (${sql.join(columns)}) overriding system value
      select ${sql.join(columns)} from json_populate_recordset(null::${sql.table(table.name)}, ${`[${batch.join(',')}]`}::json)`.execute(trx)
    count += batch.length
    batch = []
    batchBytes = 0
  }
  const self = table.selfReference
  const known = new Set<string>()
  const waiting = new Map<string, Array<[line: string, key: string]>>()
  const queue = async (line: string, key: string) => {
    const stack: Array<[string, string]> = [[line, key]]
    while (stack.length > 0) {
      const [nextLine, nextKey] = stack.pop()!
      batch.push(nextLine)
      batchBytes += nextLine.length
      if (self) {
        known.add(nextKey)
        stack.push(...(waiting.get(nextKey) ?? []))
        waiting.delete(nextKey)
      }
      if (batch.length >= INSERT_BATCH_ROWS || batchBytes >= INSERT_BATCH_BYTES) await flush()
    }
  }
  let rest = ''
  const take = async (line: string) => {
    if (line === '') return
    if (!self) return queue(line, '')
    const row = JSON.parse(line) as Record<string, unknown>
    const parent = row[self.column] === null || row[self.column] === undefined ? null : String(row[self.column])
    const key = String(row[self.references])
    if (parent === null || parent === key || known.has(parent)) await queue(line, key)
    else waiting.set(parent, [...(waiting.get(parent) ?? []), [line, key]])
  }
  // Chunks end anywhere, also inside a multi-byte character: decode across their boundaries.
  const decoder = new StringDecoder('utf8')
  for await (const chunk of body) {
    hash.update(chunk)
    const lines = (rest + decoder.write(chunk)).split('\n')
    rest = lines.pop()!
    for (const line of lines) await take(line)
  }
  await take(rest + decoder.end())
  await flush()
  if (waiting.size > 0) throw new RestoreError(`rows of ${table.name} refer to parents the backup does not hold`)
  return count
}

export interface RestoreSummary { tables: number; rows: number; files: number; createdAt: string }

/**
 * Restores `file` into the empty installation that `open` opens, and its files into `dataDir`.
 * The database is opened only after the archive has been checked, so a damaged archive leaves
 * the target exactly as it was (an embedded data directory is not even created).
 */
export async function restoreBackup({ file, dataDir, open }: { file: string; dataDir: string; open: () => Promise<Database> }): Promise<RestoreSummary> {
  const manifest = await inspectBackup(file)
  const backupMigrations = checkMigrations(manifest)
  const db = await open()
  const staging = path.join(dataDir, `.rongmei-restore-${crypto.randomBytes(6).toString('hex')}`)
  try {
    await assertEmptyTarget(db, backupMigrations)
    await migrateTo(db, backupMigrations)
    fs.mkdirSync(staging, { recursive: true, mode: 0o700 })
    const rows = await db.runAsOwner((owner) => owner.transaction().execute(async (trx) => {
      await sql`select set_config('app.scope', 'system', true)`.execute(trx)
      const tables = await describeTables(trx)
      const byName = new Map(tables.map((t) => [t.name, t]))
      const names = (list: Array<{ name: string }>) => list.map((t) => t.name).sort().join(', ')
      if (names(tables) !== names(manifest.tables)) {
        throw new RestoreError(`the backup's tables (${names(manifest.tables)}) differ from this schema's (${names(tables)})`)
      }
      // Triggers would fire on restored rows (the audit log's refuses the clean-up below); rows are final already.
      for (const t of tables) await sql`alter table ${sql.table(t.name)} disable trigger user`.execute(trx)
      for (const t of [...tables].reverse()) await sql`delete from ${sql.table(t.name)}`.execute(trx)
      const parts = new Map<string, { sha256: string; rows?: number; path?: string; mode?: number }>([
        ...manifest.tables.map((t) => [t.part, t] as const), ...manifest.files.map((f) => [f.part, f] as const),
      ])
      let total = 0
      for await (const entry of entries(file)) {
        const part = parts.get(entry.name)
        if (!part) continue
        const hash = crypto.createHash('sha256')
        if (entry.name.startsWith('db/')) {
          const loaded = await loadTable(trx, byName.get(entry.name.slice(3, -'.ndjson'.length))!, entry.body, hash)
          if (loaded !== part.rows) throw new RestoreError(`${entry.name}: loaded ${loaded} rows, the manifest says ${part.rows}`)
          total += loaded
        } else {
          const target = path.join(staging, safeFilePath(entry.name))
          fs.mkdirSync(path.dirname(target), { recursive: true })
          const out = fs.createWriteStream(target, { mode: part.mode ?? 0o600 })
          for await (const chunk of entry.body) {
            hash.update(chunk)
            if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()))
          }
          await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())))
        }
        // The archive could have changed since it was checked: compare again before committing.
        if (hash.digest('hex') !== part.sha256) throw new RestoreError(`${entry.name} changed since the archive was checked`)
      }
      for (const s of manifest.sequences) {
        if (s.lastValue !== null) await sql`select setval(${s.name}::regclass, ${s.lastValue}::bigint, true)`.execute(trx)
      }
      for (const t of tables) await sql`alter table ${sql.table(t.name)} enable trigger user`.execute(trx)
      return total
    }))
    for (const f of manifest.files) {
      const destination = path.join(dataDir, f.path)
      fs.mkdirSync(path.dirname(destination), { recursive: true })
      fs.renameSync(path.join(staging, f.path), destination)
    }
    await migrate(db)
    return { tables: manifest.tables.length, rows, files: manifest.files.length, createdAt: manifest.createdAt }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true })
    await db.close()
  }
}
