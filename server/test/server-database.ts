import crypto from 'node:crypto'
import pg from 'pg'

export interface ServerDatabase {
  name: string
  /** `serverUrl` with this database as its path. */
  url: string
  /** Drops the database, closing whatever connections are still open on it. */
  drop(): Promise<void>
}

/** `url` with `database` as its path (the database part of a Postgres URL). */
export function urlWithDatabase(url: string, database: string): string {
  const u = new URL(url)
  u.pathname = `/${database}`
  return u.toString()
}

async function run(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

/**
 * A new database with a random name on the Postgres server at `serverUrl`, empty or a copy of
 * `template`, for tests and benchmarks. No vitest import: benchmarks run it in plain Node.
 * @example const target = await createServerDatabase(TEST_DATABASE_URL); …; await target.drop()
 */
export async function createServerDatabase(serverUrl: string, { prefix = 'rongmei_t', template }: { prefix?: string; template?: string } = {}): Promise<ServerDatabase> {
  const name = `${prefix}_${crypto.randomBytes(6).toString('hex')}`
  // STRATEGY file_copy: a checkpoint and a file copy instead of WAL-logging every block of the template.
  await run(serverUrl, template ? `create database ${name} template ${template} strategy file_copy` : `create database ${name}`)
  return { name, url: urlWithDatabase(serverUrl, name), drop: () => run(serverUrl, `drop database if exists ${name} with (force)`) }
}
