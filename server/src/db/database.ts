import fs from 'node:fs'
import path from 'node:path'
import {
  CompiledQuery, Kysely, PostgresAdapter, PostgresDialect, PostgresIntrospector, PostgresQueryCompiler,
  type DatabaseConnection, type Dialect, type Driver, type QueryResult, type TransactionSettings,
} from 'kysely'
import pg from 'pg'
import type { PGlite } from '@electric-sql/pglite'
import type { DB } from './schema.js'

/** The role every application query runs as; row-level security applies to it (it owns nothing). */
export const APP_ROLE = 'rongmei_app'

export interface Database {
  kind: 'pglite' | 'postgres'
  kysely: Kysely<DB>
  /** Runs SQL as the schema owner (migrations, backup, restore): never for request work. */
  runAsOwner<T>(fn: (owner: Kysely<DB>) => Promise<T>): Promise<T>
  /** Embedded database only: the whole cluster as a tarball, for `openPGlite(…, { loadDataDir })`. */
  dumpDataDir?(): Promise<Blob>
  close(): Promise<void>
}

/**
 * PGlite is one connection in one process: this driver hands it out to one user at a time,
 * so a transaction never interleaves with another query.
 */
class PGliteDriver implements Driver {
  private queue: Promise<void> = Promise.resolve()
  constructor(private readonly pglite: PGlite) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    let release!: () => void
    const previous = this.queue
    this.queue = new Promise<void>((resolve) => { release = resolve })
    await previous
    return new PGliteConnection(this.pglite, release)
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const isolation = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : ''
    await connection.executeQuery(CompiledQuery.raw(`begin${isolation}`))
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'))
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'))
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    ;(connection as PGliteConnection).release()
  }

  async destroy(): Promise<void> {
    await this.queue
    if (!this.pglite.closed) await this.pglite.close()
  }
}

class PGliteConnection implements DatabaseConnection {
  constructor(private readonly pglite: PGlite, readonly release: () => void) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (query.parameters.length === 0) {
      // Parameterless text may hold several statements (migrations): use the simple protocol.
      const results = await this.pglite.exec(query.sql)
      const last = results[results.length - 1]
      return { rows: (last?.rows ?? []) as R[], numAffectedRows: last?.affectedRows === undefined ? undefined : BigInt(last.affectedRows) }
    }
    const result = await this.pglite.query<R>(query.sql, query.parameters as unknown[])
    return { rows: result.rows, numAffectedRows: result.affectedRows === undefined ? undefined : BigInt(result.affectedRows) }
  }

  // Streaming is not needed on the embedded database: one batch is the whole result.
  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    yield await this.executeQuery<R>(query)
  }
}

function pgliteDialect(pglite: PGlite): Dialect {
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new PGliteDriver(pglite),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  }
}

// Return bigint and numeric columns as strings (exact), timestamps as Date; same on both drivers.
pg.types.setTypeParser(20, (v) => v)

async function roleExists(run: (sql: string) => Promise<unknown[]>): Promise<boolean> {
  const rows = await run(`select 1 from pg_roles where rolname = '${APP_ROLE}'`)
  return rows.length > 0
}

/** Thrown when another live process holds the embedded database's data directory. */
export class DataDirInUseError extends Error {
  constructor(readonly dataDir: string, readonly pid: number) {
    super(`the embedded database in ${dataDir} is in use by process ${pid}; stop it first`)
    this.name = 'DataDirInUseError'
  }
}

export const LOCK_FILE = 'rongmei.lock'
/** Data directories this process holds: a lock naming our own pid is stale unless listed here. */
const heldLocks = new Set<string>()

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Takes `<dataDir>/rongmei.lock` for this process: PGlite corrupts its files when two processes
 * open them, so a second server or CLI command must refuse instead. A lock left by a dead process
 * (or by an earlier process that had our pid, as happens in containers) is taken over.
 * @returns a function that releases the lock.
 */
export function lockDataDir(dataDir: string): () => void {
  const dir = path.resolve(dataDir)
  const file = path.join(dir, LOCK_FILE)
  fs.mkdirSync(dir, { recursive: true })
  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx' })
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2) throw error
    }
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8'), 10)
    const isOurs = pid === process.pid
    if (Number.isInteger(pid) && pid > 0 && (isOurs ? heldLocks.has(dir) : isAlive(pid))) throw new DataDirInUseError(dir, pid)
    // Stale: remove it and race for a fresh exclusive create; the loser sees the winner's pid.
    fs.rmSync(file, { force: true })
  }
  heldLocks.add(dir)
  return () => {
    heldLocks.delete(dir)
    try {
      if (Number.parseInt(fs.readFileSync(file, 'utf8'), 10) === process.pid) fs.rmSync(file, { force: true })
    } catch {
      // Already gone: nothing to release.
    }
  }
}

/** `close` runs once; later calls wait for the same outcome (a test or a shutdown path may close twice). */
function once(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined
  return () => (closing ??= close())
}

/**
 * Opens the embedded database in `dataDir` (or in memory for `memory://`), locking the directory.
 * `loadDataDir` starts it from a `dumpDataDir` tarball instead of an empty cluster (test templates).
 */
export async function openPGlite(dataDir: string, { loadDataDir }: { loadDataDir?: Blob } = {}): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite')
  const isMemory = dataDir.startsWith('memory://')
  const dir = isMemory ? dataDir : path.join(dataDir, 'pgdata')
  const unlock = isMemory ? () => {} : lockDataDir(dataDir)
  let pglite: PGlite
  try {
    if (!isMemory) fs.mkdirSync(dir, { recursive: true })
    // bigint (int8) as an exact string, like the pg driver above: audit seq numbers then hash alike on both.
    // btree_gin: the (tenant_id, search) index of migration 0008 (DESIGN: RLS and full-text search).
    const { btree_gin } = await import('@electric-sql/pglite/contrib/btree_gin')
    pglite = await PGlite.create(dir, { parsers: { 20: (value: string) => value }, extensions: { btree_gin }, loadDataDir })
  } catch (error) {
    unlock()
    throw error
  }
  const run = async (sql: string) => (await pglite.query(sql)).rows
  // The app role must exist before we can switch to it; migrations grant it rights.
  const becomeApp = async () => {
    if (await roleExists(run)) await pglite.exec(`set role ${APP_ROLE}`)
  }
  await becomeApp()
  const kysely = new Kysely<DB>({ dialect: pgliteDialect(pglite) })
  return {
    kind: 'pglite',
    kysely,
    // Through the single connection, so no transaction is open while the files are read.
    dumpDataDir: () => kysely.connection().execute(() => pglite.dumpDataDir('none')) as Promise<Blob>,
    async runAsOwner(fn) {
      // Take the single connection so nothing else runs while we are the owner.
      return kysely.connection().execute(async (conn) => {
        await pglite.exec('reset role')
        try {
          return await fn(conn)
        } finally {
          await becomeApp()
        }
      })
    },
    close: once(async () => {
      try {
        await kysely.destroy()
        // Kysely destroys only a driver it has used: a database opened and closed untouched (a
        // test template nobody queried) would otherwise stay open.
        if (!pglite.closed) await pglite.close()
      } finally {
        unlock()
      }
    }),
  }
}

/**
 * A pool re-emits the error of an idle connection the server closed (restart, terminated backend,
 * a database dropped while the pool shuts down); unhandled, that event would crash the process.
 * The pool has already discarded the connection and opens a new one for the next query.
 */
function withIdleErrorsHandled(pool: pg.Pool): pg.Pool {
  pool.on('error', () => {})
  return pool
}

/**
 * Connects to a Postgres server. Request work runs on a pool whose connections switch to the
 * app role; the owner connection is only for migrations, backup and restore.
 */
export async function openPostgres(url: string, { poolSize = 10 } = {}): Promise<Database> {
  const ownerPool = withIdleErrorsHandled(new pg.Pool({ connectionString: url, max: 1 }))
  const owner = new Kysely<DB>({ dialect: new PostgresDialect({ pool: ownerPool }) })
  let isAppRoleReady = await roleExists(async (sql) => (await ownerPool.query(sql)).rows)
  const appPool = withIdleErrorsHandled(new pg.Pool({ connectionString: url, max: poolSize }))
  const kysely = new Kysely<DB>({
    dialect: new PostgresDialect({
      pool: appPool,
      onCreateConnection: async (conn) => {
        if (!isAppRoleReady) throw new Error('database not migrated: run `rongmei migrate` first')
        await conn.executeQuery(CompiledQuery.raw(`set role ${APP_ROLE}`))
      },
    }),
  })
  return {
    kind: 'postgres',
    kysely,
    async runAsOwner(fn) {
      const result = await fn(owner)
      isAppRoleReady = await roleExists(async (sql) => (await ownerPool.query(sql)).rows)
      return result
    },
    close: once(async () => {
      await kysely.destroy()
      await owner.destroy()
      // Kysely ends a pool only after using it; roleExists used ownerPool directly, and its idle
      // client would keep a CLI command alive for pg's 10 s idle timeout. An app pool never used
      // (a test database copied from a template) would otherwise still connect after close.
      if (!ownerPool.ended) await ownerPool.end()
      if (!appPool.ended) await appPool.end()
    }),
  }
}

/** Opens the database the configuration names: a Postgres server or the embedded one. */
export function openDatabase(options: { databaseUrl?: string; dataDir: string }): Promise<Database> {
  return options.databaseUrl ? openPostgres(options.databaseUrl) : openPGlite(options.dataDir)
}
