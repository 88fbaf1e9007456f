import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import zlib from 'node:zlib'
import { sql, type Kysely, type RawBuilder } from 'kysely'
import { LOCK_FILE, type Database } from '../db/database.js'
import type { DB } from '../db/schema.js'
import { describeTables, readSequences, type SequenceState, type TableInfo } from './tables.js'
import { writeTar, type TarSource } from './tar.js'

/**
 * `rongmei backup`: one consistent dump of the database and the files of the data directory, as a
 * gzip'd tar of NDJSON parts (one per table) and a manifest with a sha256 per part. The database is
 * read in a single REPEATABLE READ snapshot, so every table shows the same moment.
 */

export const BACKUP_FORMAT = 'rongmei-backup'
export const BACKUP_FORMAT_VERSION = 1
/** The embedded database's own folder: backed up as table rows, never as files. */
export const PGDATA_DIR = 'pgdata'
export const MANIFEST_NAME = 'manifest.json'
const BATCH_ROWS = 500

export interface PartInfo { part: string; bytes: number; sha256: string }
export interface TablePart extends PartInfo { name: string; rows: number }
export interface FilePart extends PartInfo { path: string; mode: number }

export interface BackupManifest {
  format: typeof BACKUP_FORMAT
  formatVersion: number
  createdAt: string
  driver: Database['kind']
  migrations: Array<{ version: number; name: string; checksum: string }>
  tables: TablePart[]
  sequences: SequenceState[]
  files: FilePart[]
}

export interface BackupSummary { file: string; tables: number; rows: number; files: number; bytes: number }

/** Files under the data directory to back up: everything but the embedded database and its lock. */
export function listDataFiles(dataDir: string, { exclude = [] }: { exclude?: string[] } = {}): string[] {
  const skipped = new Set([PGDATA_DIR, LOCK_FILE])
  const excluded = new Set(exclude.map((p) => path.resolve(p)))
  const out: string[] = []
  const walk = (dir: string, rel: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name
      const full = path.join(dir, entry.name)
      if ((!rel && (skipped.has(entry.name) || entry.name.startsWith('.rongmei-'))) || excluded.has(full)) continue
      if (entry.isDirectory()) walk(full, relPath)
      else if (entry.isFile()) out.push(relPath)
    }
  }
  if (fs.existsSync(dataDir)) walk(dataDir, '')
  return out
}

/** Writes a table's rows, in primary-key order and in batches, as NDJSON of `row_to_json`. */
async function dumpTable(trx: Kysely<DB>, table: TableInfo, file: string): Promise<TablePart> {
  const out = fs.createWriteStream(file)
  const hash = crypto.createHash('sha256')
  let rows = 0
  let bytes = 0
  const keys = table.primaryKey
  let last: string[] | null = null
  try {
    for (;;) {
      const after: RawBuilder<unknown> = last
        ? sql`where (${sql.join(keys.map((k) => sql.id('t', k.name)))}) > (${sql.join(last.map((v, i) => sql`cast(${v} as ${sql.raw(keys[i].type)})`))})`
        : sql``
      const result: { rows: Array<Record<string, string>> } = await sql<Record<string, string>>`
        select row_to_json(t)::text as line, ${sql.join(keys.map((k, i) => sql`${sql.id('t', k.name)}::text as ${sql.id(`k${i}`)}`))}
        from ${sql.table(table.name)} as t ${after}
        order by ${sql.join(keys.map((k) => sql.id('t', k.name)))} limit ${BATCH_ROWS}
      `.execute(trx)
      // JSON strings cannot hold a raw newline, so one found here is whitespace of a json value.
      const text = result.rows.map((r) => `${r.line.replace(/[\r\n]/g, ' ')}\n`).join('')
      const chunk = Buffer.from(text, 'utf8')
      hash.update(chunk)
      bytes += chunk.length
      rows += result.rows.length
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()))
      if (result.rows.length < BATCH_ROWS) break
      const lastRow: Record<string, string> = result.rows[result.rows.length - 1]
      last = keys.map((_, i) => lastRow[`k${i}`])
    }
  } finally {
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())))
  }
  return { name: table.name, part: `db/${table.name}.ndjson`, rows, bytes, sha256: hash.digest('hex') }
}

async function* hashing(source: AsyncIterable<Buffer>, onDone: (sha256: string) => void): AsyncGenerator<Buffer> {
  const hash = crypto.createHash('sha256')
  for await (const chunk of source) {
    hash.update(chunk)
    yield chunk
  }
  onDone(hash.digest('hex'))
}

/**
 * Backs up `db` and the files of `dataDir` into `file` (a .tar.gz). Written to a temporary name
 * and renamed at the end, so a failed backup never leaves a file that looks complete.
 */
export async function backup({ db, dataDir, file, isOverwriting = false }: {
  db: Database; dataDir: string; file: string; isOverwriting?: boolean
}): Promise<BackupSummary> {
  const target = path.resolve(file)
  if (fs.existsSync(target) && !isOverwriting) throw new Error(`${target} exists already; choose another name (or --force to overwrite)`)
  const staging = fs.mkdtempSync(path.join(path.dirname(target), '.rongmei-backup-'))
  const partial = `${target}.partial`
  try {
    const { migrations, tables, sequences } = await db.runAsOwner((owner) =>
      owner.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
        await sql`set transaction read only`.execute(trx)
        // Owners are subject to forced row-level security unless superuser: read as the system.
        await sql`select set_config('app.scope', 'system', true)`.execute(trx)
        const isMigrated = (await sql<{ ok: boolean }>`select to_regclass('schema_migrations') is not null as ok`.execute(trx)).rows[0]?.ok
        if (!isMigrated) throw new Error('the database has not been migrated; there is nothing to back up')
        const migrations = await trx.selectFrom('schema_migrations').select(['version', 'name', 'checksum']).orderBy('version').execute()
        const tables: TablePart[] = []
        for (const table of await describeTables(trx)) tables.push(await dumpTable(trx, table, path.join(staging, `${table.name}.ndjson`)))
        return { migrations, tables, sequences: await readSequences(trx) }
      }))

    const files: FilePart[] = []
    const dataFiles = listDataFiles(dataDir, { exclude: [target, partial, staging] })
    async function* sources(): AsyncGenerator<TarSource> {
      for (const t of tables) {
        yield { name: t.part, size: t.bytes, body: fs.createReadStream(path.join(staging, `${t.name}.ndjson`)) }
      }
      for (const rel of dataFiles) {
        const full = path.join(dataDir, rel)
        const stat = fs.statSync(full)
        const part: FilePart = { path: rel, part: `files/${rel}`, bytes: stat.size, sha256: '', mode: stat.mode & 0o777 }
        files.push(part)
        const body = hashing(fs.createReadStream(full, { start: 0, end: Math.max(0, stat.size - 1) }), (sha) => { part.sha256 = sha })
        yield { name: part.part, size: stat.size, mode: part.mode, mtime: stat.mtime, body: stat.size === 0 ? Buffer.alloc(0) : body }
        if (stat.size === 0) part.sha256 = crypto.createHash('sha256').digest('hex')
      }
      const manifest: BackupManifest = {
        format: BACKUP_FORMAT, formatVersion: BACKUP_FORMAT_VERSION, createdAt: new Date().toISOString(), driver: db.kind,
        migrations: migrations.map((m) => ({ version: Number(m.version), name: m.name, checksum: m.checksum })),
        tables, sequences, files,
      }
      const body = Buffer.from(JSON.stringify(manifest, null, 2), 'utf8')
      yield { name: MANIFEST_NAME, size: body.length, body }
    }
    await pipeline(Readable.from(writeTar(sources())), zlib.createGzip(), fs.createWriteStream(partial, { mode: 0o600 }))
    fs.renameSync(partial, target)
    return {
      file: target, tables: tables.length, rows: tables.reduce((n, t) => n + t.rows, 0), files: files.length, bytes: fs.statSync(target).size,
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true })
    fs.rmSync(partial, { force: true })
  }
}
