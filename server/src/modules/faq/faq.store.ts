import { sql } from 'kysely'
import { requireTenantScope, type TenantScope, type Tx } from '../../db/scope.js'

/**
 * SQL of the knowledge base. Entries belong to a center (tenant_id) and may be owned by one of
 * its departments; every query names the center as a plain parameter (RLS is the second wall,
 * and the term index must keep its tenant-leading plan, see DESIGN.md).
 */

const entryColumns = [
  'e.id', 'e.tenant_id', 'e.question', 'e.variants', 'e.answer', 'e.owner_department_id', 'e.is_published',
  'e.created_at', 'e.updated_at', 'd.name as owner_department_name',
] as const

function selectEntries(trx: Tx) {
  return trx.selectFrom('faq_entries as e').leftJoin('tenants as d', 'd.id', 'e.owner_department_id')
    .select(entryColumns)
    .select([sql<string | null>`e.valid_from::text`.as('valid_from'), sql<string | null>`e.valid_to::text`.as('valid_to')])
}

export type FaqRow = Awaited<ReturnType<ReturnType<typeof selectEntries>['executeTakeFirstOrThrow']>>

export async function findEntry(trx: Tx, scope: TenantScope, { centerId, id }: { centerId: string; id: string }): Promise<FaqRow | undefined> {
  requireTenantScope(scope)
  return selectEntries(trx).where('e.id', '=', id).where('e.tenant_id', '=', centerId).where('e.deleted_at', 'is', null).executeTakeFirst()
}

export async function findEntries(trx: Tx, scope: TenantScope, { centerId, ids }: { centerId: string; ids: readonly string[] }): Promise<FaqRow[]> {
  requireTenantScope(scope)
  if (ids.length === 0) return []
  return selectEntries(trx).where('e.id', 'in', [...ids]).where('e.tenant_id', '=', centerId).where('e.deleted_at', 'is', null).execute()
}

/** Newest first; `after` is the last row of the previous page. */
export async function listEntries(trx: Tx, scope: TenantScope, { centerId, ownerDepartmentId, limit, after }: {
  centerId: string; ownerDepartmentId?: string; limit: number; after?: { updatedAt: Date; id: string }
}): Promise<FaqRow[]> {
  requireTenantScope(scope)
  let query = selectEntries(trx).where('e.tenant_id', '=', centerId).where('e.deleted_at', 'is', null)
  if (ownerDepartmentId) query = query.where('e.owner_department_id', '=', ownerDepartmentId)
  if (after) query = query.where(sql<boolean>`(e.updated_at, e.id) < (${after.updatedAt}, ${after.id}::uuid)`)
  return query.orderBy('e.updated_at', 'desc').orderBy('e.id', 'desc').limit(limit).execute()
}

export interface EntryFields {
  question: string
  variants: string[]
  answer: string
  ownerDepartmentId: string | null
  validFrom: string | null
  validTo: string | null
  isPublished: boolean
  docLen: number
}

export async function insertEntry(trx: Tx, scope: TenantScope, { centerId, actorId, fields }: { centerId: string; actorId: string; fields: EntryFields }): Promise<string> {
  requireTenantScope(scope)
  const row = await trx.insertInto('faq_entries').values({
    tenant_id: centerId, question: fields.question, variants: fields.variants, answer: fields.answer,
    owner_department_id: fields.ownerDepartmentId, valid_from: fields.validFrom, valid_to: fields.validTo,
    is_published: fields.isPublished, doc_len: fields.docLen, created_by: actorId, updated_by: actorId,
  }).returning('id').executeTakeFirstOrThrow()
  return row.id
}

export async function updateEntry(trx: Tx, scope: TenantScope, { centerId, id, actorId, fields }: { centerId: string; id: string; actorId: string; fields: EntryFields }): Promise<void> {
  requireTenantScope(scope)
  await trx.updateTable('faq_entries').set({
    question: fields.question, variants: fields.variants, answer: fields.answer, owner_department_id: fields.ownerDepartmentId,
    valid_from: fields.validFrom, valid_to: fields.validTo, is_published: fields.isPublished, doc_len: fields.docLen,
    updated_by: actorId, updated_at: new Date(),
  }).where('id', '=', id).where('tenant_id', '=', centerId).execute()
}

export async function softDeleteEntry(trx: Tx, scope: TenantScope, { centerId, id, actorId }: { centerId: string; id: string; actorId: string }): Promise<void> {
  requireTenantScope(scope)
  await trx.updateTable('faq_entries').set({ deleted_at: new Date(), updated_by: actorId, updated_at: new Date() })
    .where('id', '=', id).where('tenant_id', '=', centerId).execute()
  await trx.deleteFrom('faq_terms').where('entry_id', '=', id).where('tenant_id', '=', centerId).execute()
}

/** Replaces the term statistics of one entry (its term frequencies; document frequencies are counted at query time). */
export async function replaceTerms(trx: Tx, scope: TenantScope, { centerId, entryId, terms }: { centerId: string; entryId: string; terms: Map<string, number> }): Promise<void> {
  requireTenantScope(scope)
  await trx.deleteFrom('faq_terms').where('entry_id', '=', entryId).where('tenant_id', '=', centerId).execute()
  if (terms.size === 0) return
  await trx.insertInto('faq_terms')
    .values([...terms].map(([term, tf]) => ({ tenant_id: centerId, entry_id: entryId, term, tf })))
    .execute()
}

/** True when `departmentId` is a unit inside the center (a valid owner of an entry). */
export async function isDepartmentOf(trx: Tx, scope: TenantScope, { centerId, departmentId }: { centerId: string; departmentId: string }): Promise<boolean> {
  requireTenantScope(scope)
  const row = await trx.selectFrom('tenants').select('id')
    .where('id', '=', departmentId).where('kind', '=', 'unit').where(sql<boolean>`${centerId}::uuid = any(path)`)
    .executeTakeFirst()
  return Boolean(row)
}

const K1 = 1.2
const B = 0.75

/**
 * BM25 over the center's entries with OR semantics: every entry holding any query term scores
 * the sum over its terms of idf · tf·(k1+1) / (tf + k1·(1 − b + b·len/avglen)). Document counts
 * and frequencies come from faq_terms at query time; a center's knowledge base is small enough
 * (thousands of entries) for that to take a millisecond or two.
 * @returns entry ids with scores, best first, and the query terms each entry holds with their tf.
 */
export async function searchEntries(trx: Tx, scope: TenantScope, { centerId, terms, isPublicOnly, today, limit }: {
  centerId: string; terms: string[]; isPublicOnly: boolean; today: string; limit: number
}): Promise<Array<{ id: string; score: number; matched: Map<string, number> }>> {
  requireTenantScope(scope)
  if (terms.length === 0) return []
  const visible = isPublicOnly
    ? sql`and e.is_published and (e.valid_from is null or e.valid_from <= ${today}::date) and (e.valid_to is null or e.valid_to >= ${today}::date)`
    : sql``
  const result = await sql<{ id: string; score: number; matched: Record<string, number> }>`
    with stats as (
      select count(*)::float8 as n, coalesce(avg(e.doc_len), 1)::float8 as avgdl
      from faq_entries e where e.tenant_id = ${centerId} and e.deleted_at is null ${visible}
    ), hits as (
      select ft.entry_id, ft.term, ft.tf::float8 as tf, e.doc_len::float8 as doc_len
      from faq_terms ft join faq_entries e on e.id = ft.entry_id
      where ft.tenant_id = ${centerId} and ft.term = any(${terms}::text[]) and e.tenant_id = ${centerId} and e.deleted_at is null ${visible}
    ), df as (
      select term, count(*)::float8 as df from hits group by term
    )
    select h.entry_id as id,
      sum(ln(1 + (s.n - df.df + 0.5) / (df.df + 0.5)) * h.tf * ${sql.raw(String(K1 + 1))} / (h.tf + ${sql.raw(String(K1))} * (1 - ${sql.raw(String(B))} + ${sql.raw(String(B))} * h.doc_len / greatest(s.avgdl, 1))))::float8 as score,
      json_object_agg(h.term, h.tf) as matched
    from hits h join df on df.term = h.term cross join stats s
    group by h.entry_id
    order by score desc, h.entry_id
    limit ${limit}`.execute(trx)
  return result.rows.map((r) => ({
    id: r.id, score: Number(r.score),
    matched: new Map(Object.entries(r.matched).map(([term, tf]) => [term, Number(tf)])),
  }))
}
