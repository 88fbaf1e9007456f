import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import type { Database } from './database.js'
import { migrationsDir } from './migrate.js'

/**
 * The live schema as readable lines, for the drift test (server/src/db/schema.test.ts) and the
 * committed snapshot it compares with (server/migrations/schema.snapshot.json). Regenerate the
 * snapshot with `npm run schema:snapshot` after adding a migration.
 */

export const snapshotFile = path.join(migrationsDir, 'schema.snapshot.json')

export interface SchemaSnapshot {
  tables: string[]
  columns: string[]
  constraints: string[]
  indexes: string[]
  policies: string[]
  triggers: string[]
  functions: string[]
  grants: string[]
}

/** Reads the schema as the owner (information_schema shows a role only what it may touch). */
export async function readSchema(db: Database): Promise<SchemaSnapshot> {
  return db.runAsOwner(async (owner) => {
    const lines = async (query: ReturnType<typeof sql<{ line: string }>>) => (await query.execute(owner)).rows.map((r) => r.line).sort()
    return {
      tables: await lines(sql`
        select c.relname || case when c.relforcerowsecurity then ' (row-level security, forced)' when c.relrowsecurity then ' (row-level security)' else '' end as line
        from pg_class c where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'p')`),
      columns: await lines(sql`
        select table_name || '.' || column_name || ' ' || case when data_type = 'ARRAY' then substr(udt_name, 2) || '[]' when data_type = 'USER-DEFINED' then udt_name else data_type end
          || case when is_nullable = 'NO' then ' not null' else '' end
          || case when is_identity = 'YES' then ' identity ' || identity_generation else '' end
          || case when is_generated = 'ALWAYS' then ' generated as ' || generation_expression else '' end
          || coalesce(' default ' || column_default, '') as line
        from information_schema.columns where table_schema = current_schema()`),
      constraints: await lines(sql`
        -- Postgres 18 also lists NOT NULL as constraints (15 does not); nullability is in the columns.
        select conrelid::regclass::text || ': ' || conname || ' ' || pg_get_constraintdef(oid) as line
        from pg_constraint where connamespace = current_schema()::regnamespace and conrelid <> 0 and contype <> 'n'`),
      indexes: await lines(sql`select indexdef as line from pg_indexes where schemaname = current_schema()`),
      policies: await lines(sql`
        select tablename || ': ' || policyname || ' ' || permissive || ' for ' || cmd || ' to ' || array_to_string(roles, ',')
          || coalesce(' using (' || qual || ')', '') || coalesce(' with check (' || with_check || ')', '') as line
        from pg_policies where schemaname = current_schema()`),
      triggers: await lines(sql`
        select pg_get_triggerdef(t.oid) as line from pg_trigger t join pg_class c on c.oid = t.tgrelid
        where c.relnamespace = current_schema()::regnamespace and not t.tgisinternal`),
      functions: await lines(sql`
        select p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') returns ' || pg_get_function_result(p.oid)
          || ' body md5 ' || md5(p.prosrc) as line
        from pg_proc p where p.pronamespace = current_schema()::regnamespace`),
      grants: await lines(sql`
        select grantee || ' on ' || table_name || ': ' || string_agg(privilege_type, ', ' order by privilege_type) as line
        from information_schema.role_table_grants where table_schema = current_schema() and grantee = 'rongmei_app'
        group by grantee, table_name`),
    }
  })
}

/** A readable list of what differs, or '' when nothing does. */
export function diffSchemas(expected: SchemaSnapshot, actual: SchemaSnapshot): string {
  const out: string[] = []
  for (const section of Object.keys(actual) as Array<keyof SchemaSnapshot>) {
    const want = new Set(expected[section] ?? [])
    const have = new Set(actual[section])
    for (const line of have) if (!want.has(line)) out.push(`+ ${section}: ${line}`)
    for (const line of want) if (!have.has(line)) out.push(`- ${section}: ${line}`)
  }
  return out.length === 0 ? '' : `(+ in the migrated database, - in ${path.basename(snapshotFile)})\n${out.join('\n')}`
}

/** `npm run schema:snapshot`: migrates a fresh in-memory database and rewrites the snapshot. */
async function writeSnapshot(): Promise<void> {
  const { openPGlite } = await import('./database.js')
  const { migrate } = await import('./migrate.js')
  const db = await openPGlite('memory://')
  try {
    await migrate(db)
    fs.writeFileSync(snapshotFile, `${JSON.stringify(await readSchema(db), null, 2)}\n`)
    console.log(`wrote ${path.relative(process.cwd(), snapshotFile)}`)
  } finally {
    await db.close()
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeSnapshot().catch((error) => {
    console.error(error)
    process.exit(1)
  })
}
