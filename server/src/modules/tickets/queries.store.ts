import { sql, type SqlBool, type ExpressionBuilder } from 'kysely'
import type { DB, TicketKind, TicketState } from '../../db/schema.js'
import { requireTenantScope, type TenantScope, type Tx } from '../../db/scope.js'
import { selectTickets, type TicketRow, type TicketView } from './tickets.store.js'

/** Read-only SQL for lists: the staff inbox and workbench, duplicates, the public list, Open311. */

export interface ListFilter {
  view: TicketView
  states?: TicketState[]
  kind?: TicketKind
  serviceId?: string
  departmentId?: string
  isOverdueOnly?: boolean
  number?: string
  lookupCode?: string
  terms?: string[]
  sort: 'newest' | 'due'
  now: Date
  limit: number
  after?: { key: Date; id: string }
}

type T = ExpressionBuilder<DB & { t: DB['tickets'] }, 't'>

const HANDLING = ['submitted', 'accepted', 'returned', 'routed', 'signed_for', 'in_progress']

/** Some clock has passed unmet (the supervision board's overdue list). */
function overdue(eb: T, now: Date) {
  return eb.or([
    eb.and([eb('t.state', 'in', HANDLING as TicketState[]), eb('t.replied_at', 'is', null), eb('t.final_due_at', '<', now)]),
    eb.and([eb('t.state', 'in', HANDLING as TicketState[]), eb('t.first_response_at', 'is', null), eb('t.first_response_due_at', '<', now)]),
    eb.and([eb('t.state', '=', 'routed'), eb('t.sign_for_due_at', '<', now)]),
  ])
}

export async function listTickets(trx: Tx, scope: TenantScope, f: ListFilter): Promise<TicketRow[]> {
  requireTenantScope(scope)
  let query = selectTickets(trx)
  if (f.view.kind === 'center') query = query.where('t.tenant_id', 'in', [...f.view.centerIds])
  else {
    const departmentId = f.view.departmentId
    query = query.where((eb) => eb.exists(eb.selectFrom('ticket_assignments as a').select('a.id')
      .whereRef('a.ticket_id', '=', 't.id').where('a.department_id', '=', departmentId).where('a.ended_at', 'is', null)))
  }
  if (f.states?.length) query = query.where('t.state', 'in', f.states)
  if (f.kind) query = query.where('t.kind', '=', f.kind)
  if (f.serviceId) query = query.where('t.service_id', '=', f.serviceId)
  if (f.departmentId) query = query.where('t.lead_department_id', '=', f.departmentId)
  if (f.isOverdueOnly) query = query.where((eb) => overdue(eb as unknown as T, f.now))
  if (f.number) query = query.where('t.number', '=', f.number)
  if (f.lookupCode) query = query.where('t.lookup_code', '=', f.lookupCode)
  if (f.terms) query = query.where(sql<SqlBool>`t.terms && ${f.terms}::text[]`)
  if (f.sort === 'due') {
    if (f.after) query = query.where(sql<SqlBool>`(t.final_due_at, t.id) > (${f.after.key}, ${f.after.id}::uuid)`)
    return query.orderBy('t.final_due_at').orderBy('t.id').limit(f.limit).execute()
  }
  if (f.after) query = query.where(sql<SqlBool>`(t.created_at, t.id) < (${f.after.key}, ${f.after.id}::uuid)`)
  return query.orderBy('t.created_at', 'desc').orderBy('t.id', 'desc').limit(f.limit).execute()
}

/** Candidates for duplicate suggestions: the same phone, or shared terms, within the period. */
export async function duplicateCandidates(trx: Tx, scope: TenantScope, { centerId, ticketId, phone, terms, since }: {
  centerId: string; ticketId: string; phone: string; terms: string[]; since: Date
}) {
  requireTenantScope(scope)
  return trx.selectFrom('tickets').select(['id', 'number', 'title', 'state', 'kind', 'created_at', 'citizen_phone', 'terms'])
    .where('tenant_id', '=', centerId).where('id', '<>', ticketId).where('created_at', '>=', since)
    .where('state', 'not in', ['rejected', 'merged'])
    .where((eb) => eb.or([
      ...(phone ? [eb('citizen_phone', '=', phone)] : []),
      ...(terms.length ? [sql<SqlBool>`terms && ${terms}::text[]`] : []),
      sql<SqlBool>`false`,
    ]))
    .orderBy('created_at', 'desc').limit(200).execute()
}

/** Answered public tickets of a center, newest reply first (the public list of replies). */
export async function listPublished(trx: Tx, scope: TenantScope, { centerId, kind, serviceId, terms, limit, after }: {
  centerId: string; kind?: TicketKind; serviceId?: string; terms?: string[]; limit: number; after?: { key: Date; id: string }
}): Promise<TicketRow[]> {
  requireTenantScope(scope)
  let query = selectTickets(trx).where('t.tenant_id', '=', centerId).where('t.published_at', 'is not', null).where('t.is_public', '=', true)
    .where('t.kind', '<>', 'report').where('t.state', 'in', ['replied', 'closed', 'in_progress', 'reply_review'])
  if (kind) query = query.where('t.kind', '=', kind)
  if (serviceId) query = query.where('t.service_id', '=', serviceId)
  if (terms) query = query.where(sql<SqlBool>`t.terms && ${terms}::text[]`)
  if (after) query = query.where(sql<SqlBool>`(t.published_at, t.id) < (${after.key}, ${after.id}::uuid)`)
  return query.orderBy('t.published_at', 'desc').orderBy('t.id', 'desc').limit(limit).execute()
}

/** Open311 GET requests: by ids (overrides the rest), else by service codes, date range and states. */
export async function listForOpen311(trx: Tx, scope: TenantScope, { centerId, numbers, serviceIds, start, end, states, limit }: {
  centerId: string; numbers?: string[]; serviceIds?: string[]; start: Date; end: Date; states?: TicketState[]; limit: number
}): Promise<TicketRow[]> {
  requireTenantScope(scope)
  let query = selectTickets(trx).where('t.tenant_id', '=', centerId)
  if (numbers) {
    if (numbers.length === 0) return []
    query = query.where('t.number', 'in', numbers)
  } else {
    query = query.where('t.created_at', '>=', start).where('t.created_at', '<=', end)
    if (serviceIds) query = query.where('t.service_id', 'in', serviceIds.length ? serviceIds : ['00000000-0000-0000-0000-000000000000'])
    if (states) query = query.where('t.state', 'in', states)
  }
  return query.orderBy('t.created_at', 'desc').orderBy('t.id', 'desc').limit(limit).execute()
}

/** Service names and codes by id, and lead departments' names, for shaping many tickets at once. */
export async function servicesByIds(trx: Tx, scope: TenantScope, ids: readonly string[]) {
  requireTenantScope(scope)
  const unique = [...new Set(ids)]
  if (unique.length === 0) return new Map<string, { code: string; name: string; notice: string }>()
  const rows = await trx.selectFrom('ticket_services').select(['id', 'code', 'name', 'notice']).where('id', 'in', unique).execute()
  return new Map(rows.map((r) => [r.id, { code: r.code, name: r.name, notice: r.notice }]))
}

/** The latest published reply of each ticket. */
export async function publishedReplies(trx: Tx, scope: TenantScope, ticketIds: readonly string[]) {
  requireTenantScope(scope)
  if (ticketIds.length === 0) return new Map<string, { public_body: string; published_at: Date | null; department_id: string }>()
  const rows = await trx.selectFrom('ticket_replies').select(['ticket_id', 'public_body', 'published_at', 'department_id'])
    .distinctOn('ticket_id').where('ticket_id', 'in', [...ticketIds]).where('state', '=', 'published')
    .orderBy('ticket_id').orderBy('published_at', 'desc').execute()
  return new Map(rows.map((r) => [r.ticket_id, r]))
}
