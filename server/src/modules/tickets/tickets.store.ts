import { sql, type Insertable, type Updateable } from 'kysely'
import type { TicketsTable, TicketState } from '../../db/schema.js'
import { requireScope, requireTenantScope, type SystemScope, type TenantScope, type Tx } from '../../db/scope.js'

/**
 * SQL of tickets, their assignments and timeline. Two ways to see a ticket:
 * - from its center (or the platform above): `tenant_id = any(centerIds)`;
 * - from a department: a current assignment of that department.
 * Both are plain parameters in every query; RLS (0006_tickets.sql) enforces the same underneath.
 */

export type TicketView = { kind: 'center'; centerIds: readonly string[] } | { kind: 'department'; departmentId: string }

const ticketColumns = [
  't.id', 't.number', 't.tenant_id', 't.lookup_code', 't.channel', 't.kind', 't.is_urgent', 't.is_public', 't.service_id',
  't.title', 't.body', 't.address', 't.lat', 't.long', 't.citizen_name', 't.citizen_phone', 't.is_name_public',
  't.consent_version', 't.consent_at', 't.citizen_email', 't.device_id', 't.account_id', 't.media_url', 't.attributes', 't.terms',
  't.state', 't.state_note', 't.suggested_department_id', 't.lead_department_id', 't.merged_into_id', 't.reopen_count',
  't.sign_for_days', 't.first_response_days', 't.final_days', 't.extension_days',
  't.sign_for_due_at', 't.first_response_due_at', 't.final_due_at', 't.signed_for_at', 't.first_response_at', 't.replied_at',
  't.published_at', 't.closed_at', 't.next_check_at', 't.created_at', 't.updated_at',
] as const

export function selectTickets(trx: Tx) {
  return trx.selectFrom('tickets as t').select(ticketColumns)
    .select([sql<string>`t.clock_anchor::text`.as('clock_anchor'), sql<string>`t.sign_for_anchor::text`.as('sign_for_anchor')])
}

export type TicketRow = Awaited<ReturnType<ReturnType<typeof selectTickets>['executeTakeFirstOrThrow']>>

function visibleIn<Q extends ReturnType<typeof selectTickets>>(query: Q, view: TicketView): Q {
  if (view.kind === 'center') return query.where('t.tenant_id', 'in', [...view.centerIds]) as Q
  return query.where((eb) => eb.exists(eb.selectFrom('ticket_assignments as a').select('a.id')
    .whereRef('a.ticket_id', '=', 't.id').where('a.department_id', '=', view.departmentId).where('a.ended_at', 'is', null))) as Q
}

/** One ticket as `view` may see it, optionally locked for the rest of the transaction. */
export async function findTicket(trx: Tx, scope: TenantScope, { id, view, isForUpdate = false }: { id: string; view: TicketView; isForUpdate?: boolean }): Promise<TicketRow | undefined> {
  requireTenantScope(scope)
  let query = visibleIn(selectTickets(trx).where('t.id', '=', id), view)
  if (isForUpdate) query = query.forUpdate()
  return query.executeTakeFirst()
}

/** A ticket of the center by its public number or lookup code (public and Open311 reads). */
export async function findTicketOfCenter(trx: Tx, scope: TenantScope, { centerId, number, lookupCode, id, isForUpdate = false }: {
  centerId: string; number?: string; lookupCode?: string; id?: string; isForUpdate?: boolean
}): Promise<TicketRow | undefined> {
  requireTenantScope(scope)
  let query = selectTickets(trx).where('t.tenant_id', '=', centerId)
  if (number !== undefined) query = query.where('t.number', '=', number)
  if (lookupCode !== undefined) query = query.where('t.lookup_code', '=', lookupCode)
  if (id !== undefined) query = query.where('t.id', '=', id)
  if (isForUpdate) query = query.forUpdate()
  return query.executeTakeFirst()
}

export type NewTicket = Omit<Insertable<TicketsTable>, 'id' | 'number' | 'lookup_code' | 'tenant_id'>

/**
 * Inserts a ticket under a fresh lookup code; a clash with an existing code (about 1 in 10^15)
 * inserts nothing and the caller draws another code.
 * @returns the new row, or undefined on a code clash.
 */
export async function insertTicket(trx: Tx, scope: TenantScope, { centerId, lookupCode, values }: { centerId: string; lookupCode: string; values: NewTicket }): Promise<{ id: string; number: string } | undefined> {
  requireTenantScope(scope)
  return trx.insertInto('tickets').values({ ...values, tenant_id: centerId, lookup_code: lookupCode })
    .onConflict((oc) => oc.column('lookup_code').doNothing())
    .returning(['id', 'number']).executeTakeFirst()
}

export type TicketPatch = Omit<Updateable<TicketsTable>, 'id' | 'number' | 'tenant_id' | 'lookup_code'>

/** Updates a ticket the caller has locked; `expectedState` guards against a concurrent transition. */
export async function updateTicket(trx: Tx, scope: TenantScope, { id, centerId, expectedState, patch }: {
  id: string; centerId: string; expectedState?: TicketState; patch: TicketPatch
}): Promise<boolean> {
  requireTenantScope(scope)
  let query = trx.updateTable('tickets').set({ ...patch, updated_at: new Date() }).where('id', '=', id).where('tenant_id', '=', centerId)
  if (expectedState) query = query.where('state', '=', expectedState)
  const result = await query.executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** Recent tickets from one phone (duplicate guard, daily limit): the (tenant, phone, created_at) index. */
export async function recentByPhone(trx: Tx, scope: TenantScope, { centerId, phone, since }: { centerId: string; phone: string; since: Date }) {
  requireTenantScope(scope)
  return trx.selectFrom('tickets').select(['id', 'number', 'lookup_code', 'title', 'body', 'terms', 'created_at'])
    .where('tenant_id', '=', centerId).where('citizen_phone', '=', phone).where('created_at', '>=', since)
    .orderBy('created_at', 'desc').limit(100).execute()
}

/** Serialises intake per phone number, so the duplicate guard and daily limit hold under concurrency. */
export async function lockPhone(trx: Tx, scope: TenantScope, { centerId, phone }: { centerId: string; phone: string }): Promise<void> {
  requireTenantScope(scope)
  await sql`select pg_advisory_xact_lock(hashtextextended(${`ticket-phone:${centerId}:${phone}`}, 0))`.execute(trx)
}

// ---- assignments --------------------------------------------------------------------------------

export async function currentAssignments(trx: Tx, scope: TenantScope, ticketId: string) {
  requireTenantScope(scope)
  return trx.selectFrom('ticket_assignments as a').innerJoin('tenants as d', 'd.id', 'a.department_id')
    .select(['a.id', 'a.ticket_id', 'a.department_id', 'd.name as department_name', 'a.role', 'a.assigned_at', 'a.signed_for_at', 'a.ended_at', 'a.end_reason', 'a.end_note'])
    .where('a.ticket_id', '=', ticketId).where('a.ended_at', 'is', null).orderBy('a.role', 'desc').orderBy('a.assigned_at').execute()
}

export type AssignmentRow = Awaited<ReturnType<typeof currentAssignments>>[number]

export async function allAssignments(trx: Tx, scope: TenantScope, ticketId: string): Promise<AssignmentRow[]> {
  requireTenantScope(scope)
  return trx.selectFrom('ticket_assignments as a').innerJoin('tenants as d', 'd.id', 'a.department_id')
    .select(['a.id', 'a.ticket_id', 'a.department_id', 'd.name as department_name', 'a.role', 'a.assigned_at', 'a.signed_for_at', 'a.ended_at', 'a.end_reason', 'a.end_note'])
    .where('a.ticket_id', '=', ticketId).orderBy('a.assigned_at').execute()
}

export async function insertAssignment(trx: Tx, scope: TenantScope, a: { centerId: string; ticketId: string; departmentId: string; role: 'lead' | 'co'; assignedBy: string | null; at: Date }): Promise<void> {
  requireTenantScope(scope)
  await trx.insertInto('ticket_assignments').values({
    tenant_id: a.centerId, ticket_id: a.ticketId, department_id: a.departmentId, role: a.role, assigned_by: a.assignedBy, assigned_at: a.at,
  }).execute()
}

export async function endAssignments(trx: Tx, scope: TenantScope, { ticketId, departmentIds, reason, note, at }: {
  ticketId: string; departmentIds?: readonly string[]; reason: 'returned' | 'reassigned'; note: string; at: Date
}): Promise<void> {
  requireTenantScope(scope)
  let query = trx.updateTable('ticket_assignments').set({ ended_at: at, end_reason: reason, end_note: note })
    .where('ticket_id', '=', ticketId).where('ended_at', 'is', null)
  if (departmentIds) query = query.where('department_id', 'in', [...departmentIds])
  await query.execute()
}

export async function signAssignment(trx: Tx, scope: TenantScope, { ticketId, departmentId, userId, at }: { ticketId: string; departmentId: string; userId: string; at: Date }): Promise<void> {
  requireTenantScope(scope)
  await trx.updateTable('ticket_assignments').set({ signed_for_at: at, signed_for_by: userId })
    .where('ticket_id', '=', ticketId).where('department_id', '=', departmentId).where('ended_at', 'is', null).where('signed_for_at', 'is', null)
    .execute()
}

// ---- timeline -----------------------------------------------------------------------------------

export interface TimelineEntry {
  centerId: string
  ticketId: string
  at: Date
  action: string
  fromState: string | null
  toState: string | null
  actorId: string | null
  actorName: string
  departmentId: string | null
  note: string
  isPublic: boolean
  details: Record<string, unknown>
}

export async function insertTimeline(trx: Tx, scope: TenantScope, e: TimelineEntry): Promise<void> {
  requireTenantScope(scope)
  await trx.insertInto('ticket_events').values({
    tenant_id: e.centerId, ticket_id: e.ticketId, at: e.at, action: e.action, from_state: e.fromState, to_state: e.toState,
    actor_id: e.actorId, actor_name: e.actorName, department_id: e.departmentId, note: e.note, is_public: e.isPublic,
    details: JSON.stringify(e.details),
  }).execute()
}

export async function listTimeline(trx: Tx, scope: TenantScope, { ticketId, isPublicOnly = false }: { ticketId: string; isPublicOnly?: boolean }) {
  requireTenantScope(scope)
  let query = trx.selectFrom('ticket_events as e').leftJoin('tenants as d', 'd.id', 'e.department_id')
    .select(['e.id', 'e.at', 'e.action', 'e.from_state', 'e.to_state', 'e.actor_id', 'e.actor_name', 'e.department_id', 'd.name as department_name', 'e.note', 'e.is_public', 'e.details'])
    .where('e.ticket_id', '=', ticketId)
  if (isPublicOnly) query = query.where('e.is_public', '=', true)
  return query.orderBy('e.id').execute()
}

export type TimelineRow = Awaited<ReturnType<typeof listTimeline>>[number]

// ---- the overdue scan ---------------------------------------------------------------------------

/**
 * Tickets whose next check is due, oldest first, locked; rows another worker holds are skipped.
 * The partial index tickets_next_check makes this a short index range scan however many tickets
 * are open (bench/tickets.bench.ts measures it at 1 million).
 */
export async function dueForCheck(trx: Tx, scope: SystemScope, { now, limit }: { now: Date; limit: number }): Promise<TicketRow[]> {
  requireScope(scope)
  return selectTickets(trx).where('t.next_check_at', '<=', now).orderBy('t.next_check_at').limit(limit).forUpdate().skipLocked().execute()
}

/** Open tickets (keyset by id) whose deadlines or automatic closing may depend on dates from `from` on. */
export async function openTicketsFrom(trx: Tx, scope: SystemScope, { from, afterId, limit }: { from: Date; afterId: string | null; limit: number }): Promise<TicketRow[]> {
  requireScope(scope)
  let query = selectTickets(trx)
    .where('t.state', 'in', ['submitted', 'accepted', 'returned', 'routed', 'signed_for', 'in_progress', 'reply_review', 'replied'])
    .where((eb) => eb.or([eb('t.final_due_at', '>=', from), eb('t.sign_for_due_at', '>=', from), eb('t.state', '=', 'replied')]))
  if (afterId) query = query.where('t.id', '>', afterId)
  return query.orderBy('t.id').limit(limit).forUpdate().execute()
}
