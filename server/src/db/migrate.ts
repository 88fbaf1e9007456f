import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql, type Kysely } from 'kysely'
import type { Database } from './database.js'
import type { DB } from './schema.js'

export const migrationsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations')

export interface MigrationFile {
  version: number
  name: string
  sql: string
  checksum: string
}

/** Reads `NNNN_name.sql` files in order; a gap or a duplicate number is an error. */
export function readMigrations(dir = migrationsDir): MigrationFile[] {
  const files = fs.readdirSync(dir).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort()
  return files.map((file, index) => {
    const version = Number(file.slice(0, 4))
    if (version !== index + 1) throw new Error(`migration ${file}: expected number ${String(index + 1).padStart(4, '0')}`)
    const text = fs.readFileSync(path.join(dir, file), 'utf8')
    return { version, name: file, sql: text, checksum: crypto.createHash('sha256').update(text).digest('hex') }
  })
}

async function ensureTable(owner: Kysely<DB>): Promise<void> {
  await sql`create table if not exists schema_migrations (
    version integer primary key, name text not null, checksum text not null,
    applied_at timestamptz not null default now())`.execute(owner)
}

/**
 * Applies pending migrations, each in its own transaction. Forward-only: an applied file whose
 * text changed is refused rather than silently diverging.
 * @returns the names of the migrations applied now.
 */
export async function migrate(db: Database, dir = migrationsDir): Promise<string[]> {
  const files = readMigrations(dir)
  return db.runAsOwner(async (owner) => {
    await ensureTable(owner)
    const applied: string[] = []
    await owner.transaction().execute(async (trx) => {
      // Two servers starting together must not both migrate.
      await sql`select pg_advisory_xact_lock(727274)`.execute(trx)
      const done = new Map((await trx.selectFrom('schema_migrations').selectAll().execute()).map((m) => [m.version, m]))
      for (const file of files) {
        const previous = done.get(file.version)
        if (previous) {
          if (previous.checksum !== file.checksum) {
            throw new Error(`migration ${file.name} was changed after it was applied; add a new migration instead`)
          }
          continue
        }
        await sql.raw(file.sql).execute(trx)
        await trx.insertInto('schema_migrations').values({ version: file.version, name: file.name, checksum: file.checksum }).execute()
        applied.push(file.name)
      }
      const unknown = [...done.keys()].filter((v) => v > files.length)
      if (unknown.length > 0) throw new Error(`database has migrations this code does not know: ${unknown.join(', ')}`)
    })
    return applied
  })
}

/** Pending migration names (for /readyz and `rongmei migrate --status`); runs as the app role. */
export async function pendingMigrations(db: Database, dir = migrationsDir): Promise<string[]> {
  const files = readMigrations(dir)
  const exists = await sql<{ ok: boolean }>`select to_regclass('schema_migrations') is not null as ok`.execute(db.kysely)
  const rows = exists.rows[0]?.ok ? await db.kysely.selectFrom('schema_migrations').select('version').execute() : []
  const done = new Set(rows.map((r) => r.version))
  return files.filter((f) => !done.has(f.version)).map((f) => f.name)
}
