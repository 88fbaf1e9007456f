import { sql, type SqlBool } from 'kysely'
import { requireTenantScope, type TenantScope, type Tx } from '../../db/scope.js'

/** SQL of 差错 (editorial errors): the error, the people answerable for it, and the counts per person. */

const errorColumns = [
  'id', 'story_id', 'found_stage', 'category', 'severity', 'description', 'version_number', 'found_by', 'found_by_name', 'found_at',
] as const

export async function insertError(trx: Tx, scope: TenantScope, e: {
  storyId: string; foundStage: 'review' | 'post_publication'; category: string; severity: 'severe' | 'ordinary'; description: string
  versionNumber: number; foundBy: string; foundByName: string; at: Date
  people: Array<{ userId: string; name: string; role: 'author' | 'reviewer' }>
}) {
  requireTenantScope(scope)
  const row = await trx.insertInto('editorial_errors').values({
    tenant_id: scope.tenantId, story_id: e.storyId, found_stage: e.foundStage, category: e.category, severity: e.severity,
    description: e.description, version_number: e.versionNumber, found_by: e.foundBy, found_by_name: e.foundByName, found_at: e.at,
  }).returning(errorColumns).executeTakeFirstOrThrow()
  if (e.people.length > 0) {
    await trx.insertInto('editorial_error_people').values(e.people.map((p) => ({
      error_id: row.id, tenant_id: scope.tenantId, user_id: p.userId, user_name: p.name, role: p.role,
    }))).execute()
  }
  return row
}
export type ErrorRow = Awaited<ReturnType<typeof insertError>>

export async function listStoryErrors(trx: Tx, scope: TenantScope, storyId: string) {
  requireTenantScope(scope)
  const rows = await trx.selectFrom('editorial_errors').select(errorColumns)
    .where('story_id', '=', storyId).where('tenant_id', '=', scope.tenantId).orderBy('found_at').orderBy('id').execute()
  const people = await listPeople(trx, scope, rows.map((r) => r.id))
  return rows.map((row) => ({ row, people: people.filter((p) => p.error_id === row.id) }))
}

export async function listPeople(trx: Tx, scope: TenantScope, errorIds: readonly string[]) {
  requireTenantScope(scope)
  if (errorIds.length === 0) return []
  return trx.selectFrom('editorial_error_people').select(['error_id', 'user_id', 'user_name', 'role'])
    .where('tenant_id', '=', scope.tenantId).where(sql<SqlBool>`error_id = any(${[...errorIds]}::uuid[])`)
    .orderBy('role').orderBy('user_name').execute()
}

/**
 * Counts per person (of one role), category, severity and Beijing-time month, within [from, to).
 * China has kept UTC+8 without daylight saving since 1991, so the month is taken at a fixed offset
 * (the embedded database carries no time-zone data).
 */
export async function countErrors(trx: Tx, scope: TenantScope, q: { role: 'author' | 'reviewer'; from: Date; to: Date }) {
  requireTenantScope(scope)
  const month = sql<string>`to_char((e.found_at at time zone 'UTC') + interval '8 hours', 'YYYY-MM')`
  return trx.selectFrom('editorial_errors as e').innerJoin('editorial_error_people as p', 'p.error_id', 'e.id')
    .select([
      'p.user_id', sql<string>`max(p.user_name)`.as('user_name'), 'e.category', 'e.severity', month.as('month'),
      sql<string>`count(*)`.as('count'),
    ])
    .where('e.tenant_id', '=', scope.tenantId).where('p.tenant_id', '=', scope.tenantId).where('p.role', '=', q.role)
    .where('e.found_at', '>=', q.from).where('e.found_at', '<', q.to)
    .groupBy(['p.user_id', 'e.category', 'e.severity', month])
    .execute()
}

/** How many errors (and severe ones) were found in [from, to), whoever answers for them. */
export async function totalErrors(trx: Tx, scope: TenantScope, q: { from: Date; to: Date }) {
  requireTenantScope(scope)
  return trx.selectFrom('editorial_errors').select([
    sql<string>`count(*)`.as('errors'), sql<string>`count(*) filter (where severity = 'severe')`.as('severe'),
  ]).where('tenant_id', '=', scope.tenantId).where('found_at', '>=', q.from).where('found_at', '<', q.to).executeTakeFirstOrThrow()
}
