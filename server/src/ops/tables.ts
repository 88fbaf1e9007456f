import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/schema.js'

/**
 * What backup and restore need to know about the tables, read from the catalogue rather than
 * listed by hand, so a module's new table is backed up the day its migration lands.
 */

export interface ColumnInfo {
  name: string
  type: string
  /** `generated always as (…) stored`: computed by the database, never inserted. */
  isGenerated: boolean
}

export interface TableInfo {
  name: string
  columns: ColumnInfo[]
  primaryKey: ColumnInfo[]
  /** Other tables this one references: they are restored first. */
  dependsOn: string[]
  /** A foreign key to the table itself (a tree such as tenants): parents are inserted before children. */
  selfReference: { column: string; references: string } | null
}

interface CatalogueRow { table: string }

/** Every table of the schema except schema_migrations (restored by running the migrations), parents first. */
export async function describeTables(trx: Kysely<DB>): Promise<TableInfo[]> {
  const tables = await sql<CatalogueRow>`
    select c.relname::text as table from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relkind in ('r', 'p') and not c.relispartition and c.relname <> 'schema_migrations'
  `.execute(trx)
  const columns = await sql<CatalogueRow & { name: string; type: string; is_generated: boolean; key_position: number | null }>`
    select c.relname::text as table, a.attname::text as name, format_type(a.atttypid, a.atttypmod) as type,
      a.attgenerated <> '' as is_generated,
      (select array_position(i.indkey::int2[], a.attnum) from pg_index i where i.indrelid = c.oid and i.indisprimary) as key_position
    from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
    order by c.relname, a.attnum
  `.execute(trx)
  const foreignKeys = await sql<CatalogueRow & { references: string; width: number; column: string; ref_column: string }>`
    select c.relname::text as table, r.relname::text as references, array_length(con.conkey, 1) as width,
      (select attname::text from pg_attribute where attrelid = con.conrelid and attnum = con.conkey[1]) as column,
      (select attname::text from pg_attribute where attrelid = con.confrelid and attnum = con.confkey[1]) as ref_column
    from pg_constraint con join pg_class c on c.oid = con.conrelid join pg_class r on r.oid = con.confrelid
      join pg_namespace n on n.oid = con.connamespace
    where con.contype = 'f' and n.nspname = current_schema()
  `.execute(trx)

  const infos = new Map<string, TableInfo>()
  for (const { table } of tables.rows) infos.set(table, { name: table, columns: [], primaryKey: [], dependsOn: [], selfReference: null })
  const keyPositions = new Map<ColumnInfo, number>()
  for (const row of columns.rows) {
    const info = infos.get(row.table)
    if (!info) continue
    const column = { name: row.name, type: row.type, isGenerated: row.is_generated }
    info.columns.push(column)
    if (row.key_position !== null) {
      info.primaryKey.push(column)
      keyPositions.set(column, Number(row.key_position))
    }
  }
  for (const info of infos.values()) info.primaryKey.sort((a, b) => keyPositions.get(a)! - keyPositions.get(b)!)
  for (const fk of foreignKeys.rows) {
    const info = infos.get(fk.table)
    if (!info || !infos.has(fk.references)) continue
    if (fk.references !== fk.table) {
      if (!info.dependsOn.includes(fk.references)) info.dependsOn.push(fk.references)
    } else if (Number(fk.width) !== 1 || info.selfReference) {
      throw new Error(`table ${fk.table} has a foreign key to itself that backup cannot order (composite or more than one)`)
    } else {
      info.selfReference = { column: fk.column, references: fk.ref_column }
    }
  }
  for (const info of infos.values()) {
    if (info.primaryKey.length === 0) throw new Error(`table ${info.name} has no primary key; backup reads tables in key order and needs one`)
  }
  return dependencyOrder([...infos.values()])
}

/** Tables ordered so that every table comes after those it references (Kahn's algorithm, by name for stability). */
export function dependencyOrder(tables: TableInfo[]): TableInfo[] {
  const ordered: TableInfo[] = []
  const done = new Set<string>()
  let rest = [...tables].sort((a, b) => a.name.localeCompare(b.name))
  while (rest.length > 0) {
    const ready = rest.filter((t) => t.dependsOn.every((d) => done.has(d)))
    if (ready.length === 0) throw new Error(`foreign keys form a cycle among ${rest.map((t) => t.name).join(', ')}; restore cannot order them`)
    for (const t of ready) { ordered.push(t); done.add(t.name) }
    rest = rest.filter((t) => !done.has(t.name))
  }
  return ordered
}

export interface SequenceState { name: string; lastValue: string | null }

/** Every sequence of the schema and where it stands (identity columns and free-standing ones alike). */
export async function readSequences(trx: Kysely<DB>): Promise<SequenceState[]> {
  const rows = await sql<{ name: string; last_value: string | null }>`
    select quote_ident(sequencename) as name, last_value::text as last_value from pg_sequences
    where schemaname = current_schema() order by sequencename
  `.execute(trx)
  return rows.rows.map((r) => ({ name: r.name, lastValue: r.last_value }))
}
