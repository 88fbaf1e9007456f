import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../test/harness.js'
import { diffSchemas, readSchema, snapshotFile, type SchemaSnapshot } from './schema-snapshot.js'

/**
 * Schema drift (after Ghost's schema integrity test): a freshly migrated database must match the
 * committed snapshot server/migrations/schema.snapshot.json, on PGlite and on the Postgres server.
 * Changing the schema therefore takes three things in one change: a new numbered migration (never
 * an edit of an applied one), `npm run schema:snapshot` to regenerate the snapshot (review its diff:
 * it is the schema change), and the Kysely types in server/src/db/schema/ (one file per area, composed into `DB` by schema.ts).
 */

const schemaDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'schema')
const schemaSource = () => fs.readdirSync(schemaDir).filter((f) => f.endsWith('.ts')).sort()
  .map((f) => fs.readFileSync(path.join(schemaDir, f), 'utf8')).join('\n')

/** Table → column names, read from each area's `…Tables` interface and the table interfaces beside it. */
export function kyselyTables(source: string): Map<string, string[]> {
  const blocks = new Map<string, string>()
  for (const match of source.matchAll(/export interface (\w+) \{([^}]*)\}/g)) blocks.set(match[1], match[2])
  const areas = [...blocks.keys()].filter((name) => name.endsWith('Tables'))
  if (areas.length === 0) throw new Error('server/src/db/schema/ has no `export interface …Tables`')
  const tables = new Map<string, string[]>()
  for (const [, table, type] of areas.map((a) => blocks.get(a)!).join('\n').matchAll(/^\s*(\w+)\??:\s*(\w+)/gm)) {
    const body = blocks.get(type)
    if (body === undefined) throw new Error(`server/src/db/schema/: interface ${type} of table ${table} not found`)
    tables.set(table, [...body.matchAll(/^\s*(\w+)\??:/gm)].map((m) => m[1]).sort())
  }
  return tables
}

describe('schema', { timeout: 30_000 }, () => {
  let t: TestDatabase
  let live: SchemaSnapshot
  beforeAll(async () => {
    t = await createTestDatabase()
    live = await readSchema(t.db)
  }, 60_000)
  afterAll(async () => { await t.drop() }, 60_000)

  it('is what the committed snapshot says (run `npm run schema:snapshot` after adding a migration)', () => {
    const committed = JSON.parse(fs.readFileSync(snapshotFile, 'utf8')) as SchemaSnapshot
    const diff = diffSchemas(committed, live)
    expect(diff, `the migrated schema differs from ${path.basename(snapshotFile)}:\n${diff}`).toBe('')
  })

  it('names in the Kysely types exactly the tables and columns the database has', () => {
    const database = new Map<string, string[]>()
    for (const line of live.columns) {
      const [table, column] = line.split(' ')[0].split('.')
      database.set(table, [...(database.get(table) ?? []), column].sort())
    }
    const types = kyselyTables(schemaSource())
    const names = (tables: Map<string, string[]>) => [...tables].flatMap(([table, columns]) => [table, ...columns.map((c) => `${table}.${c}`)])
    const inDatabase = names(database)
    const inTypes = names(types)
    expect({
      missingFromSchemaTs: inDatabase.filter((n) => !inTypes.includes(n)),
      notInDatabase: inTypes.filter((n) => !inDatabase.includes(n)),
    }).toEqual({ missingFromSchemaTs: [], notInDatabase: [] })
  })

  it('reports drift readably', () => {
    const changed: SchemaSnapshot = { ...live, columns: [...live.columns.filter((c) => !c.startsWith('users.phone ')), 'users.fax text'] }
    const diff = diffSchemas(changed, live)
    expect(diff).toContain('+ columns: users.phone text')
    expect(diff).toContain('- columns: users.fax text')
    expect(diffSchemas(live, live)).toBe('')
  })
})
