import { sql } from 'kysely'
import { requireScope, type Scope, type Tx } from '../../db/scope.js'
import type { CalendarOverride, IsoDate } from './calendar.js'

/**
 * SQL of the working-day calendar. The calendar is platform-wide data (one official holiday
 * schedule for the country), so it has no tenant and no row-level security; the functions still
 * refuse to run without a scope, like every store.
 */

export interface CalendarDayRow extends CalendarOverride {
  updatedAt: Date
  updatedBy: string | null
}

export async function listOverrides(trx: Tx, scope: Scope, { from, to }: { from: IsoDate; to: IsoDate }): Promise<CalendarDayRow[]> {
  requireScope(scope)
  const rows = await trx.selectFrom('calendar_days')
    .select([sql<string>`day::text`.as('day'), 'is_workday', 'name', 'updated_at', 'updated_by'])
    .where(sql<boolean>`day between ${from}::date and ${to}::date`)
    .orderBy('day').execute()
  return rows.map((r) => ({ day: r.day, isWorkday: r.is_workday, name: r.name, updatedAt: r.updated_at, updatedBy: r.updated_by }))
}

export async function findDay(trx: Tx, scope: Scope, day: IsoDate): Promise<CalendarDayRow | undefined> {
  return (await listOverrides(trx, scope, { from: day, to: day }))[0]
}

export async function upsertDay(trx: Tx, scope: Scope, row: CalendarOverride & { updatedBy: string | null }): Promise<void> {
  requireScope(scope)
  await trx.insertInto('calendar_days')
    .values({ day: row.day, is_workday: row.isWorkday, name: row.name, updated_by: row.updatedBy })
    .onConflict((oc) => oc.column('day').doUpdateSet({ is_workday: row.isWorkday, name: row.name, updated_by: row.updatedBy, updated_at: new Date() }))
    .execute()
}

/** @returns whether a row was removed. */
export async function deleteDay(trx: Tx, scope: Scope, day: IsoDate): Promise<boolean> {
  requireScope(scope)
  const result = await trx.deleteFrom('calendar_days').where(sql<boolean>`day = ${day}::date`).executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}

/** @returns how many rows of the range were removed. */
export async function deleteRange(trx: Tx, scope: Scope, { from, to }: { from: IsoDate; to: IsoDate }): Promise<number> {
  requireScope(scope)
  const result = await trx.deleteFrom('calendar_days').where(sql<boolean>`day between ${from}::date and ${to}::date`).executeTakeFirst()
  return Number(result.numDeletedRows)
}
