import type { TicketState } from '../../db/schema.js'
import type { TenantScope, Tx } from '../../db/scope.js'
import type { TenantContext } from '../../kernel/access.js'
import { appendAudit, withContext, type AuditContext } from '../../kernel/audit.js'
import { AppError } from '../../kernel/errors.js'
import { emitEvent } from '../../kernel/events.js'
import { shanghaiDate, type WorkCalendar } from '../calendar/calendar.js'
import { loadCalendar } from '../calendar/calendar.service.js'
import * as catalogue from './catalogue.store.js'
import { checkKey, clockRange, computeDeadlines, nextCheckAt, planChecks } from './tickets.clocks.js'
import { mergeSettings, type TicketSettings } from './tickets.model.js'
import * as replies from './replies.store.js'
import * as store from './tickets.store.js'

/** Who acts on a ticket: a user in a center or a department, the public, or the system (scan). */
export interface TicketActing {
  actorId: string | null
  actorName: string
  tenant: Pick<TenantContext, 'id' | 'kind' | 'path' | 'scope'>
  audit: AuditContext
}

/** How the acting tenant sees tickets: a department sees its assignments, a center (or platform) its own. */
export function viewOf(tenant: TicketActing['tenant']): store.TicketView {
  if (tenant.kind === 'unit') return { kind: 'department', departmentId: tenant.id }
  return { kind: 'center', centerIds: tenant.kind === 'center' ? [tenant.id] : tenant.scope.tenantIds }
}

/** The center a tenant belongs to (itself for a center), or null for the platform. */
export function centerIdOf(tenant: Pick<TenantContext, 'id' | 'kind' | 'path'>): string | null {
  if (tenant.kind === 'center') return tenant.id
  if (tenant.kind === 'unit' && tenant.path.length >= 3) return tenant.path[1]
  return null
}

export function ticketNotFound(): AppError {
  return new AppError('TICKET_NOT_FOUND')
}

export function stateInvalid(state: TicketState, detail: string): AppError {
  return new AppError('TICKET_STATE_INVALID', detail, { extra: { state } })
}

/** Refuses unless the ticket is in one of `states`. */
export function requireState(ticket: { state: TicketState }, states: readonly TicketState[], detail: string): void {
  if (!states.includes(ticket.state)) throw stateInvalid(ticket.state, detail)
}

export async function loadTicket(trx: Tx, acting: TicketActing, id: string, { isForUpdate = true } = {}): Promise<store.TicketRow> {
  const row = await store.findTicket(trx, acting.tenant.scope, { id, view: viewOf(acting.tenant), isForUpdate })
  if (!row) throw ticketNotFound()
  return row
}

/** Dispatcher work happens in the ticket's own center, not from a department or another center. */
export function requireOwningCenter(acting: TicketActing, ticket: { tenant_id: string }, permission: string): void {
  if (acting.tenant.id !== ticket.tenant_id) {
    throw new AppError('FORBIDDEN', '请在留言所属的融媒体中心办理此操作', { extra: { permission } })
  }
}

/** The acting department's current assignment on the ticket (lead only when `isLeadRequired`). */
export async function requireAssignment(trx: Tx, acting: TicketActing, ticket: { id: string }, { isLeadRequired }: { isLeadRequired: boolean }): Promise<store.AssignmentRow> {
  const assignment = (await store.currentAssignments(trx, acting.tenant.scope, ticket.id)).find((a) => a.department_id === acting.tenant.id)
  if (!assignment) throw new AppError('FORBIDDEN', '只有承办部门可以办理此留言', { extra: { permission: 'ticket.handle' } })
  if (isLeadRequired && assignment.role !== 'lead') throw new AppError('FORBIDDEN', '只有主办部门可以办理此操作，协办部门请提交协办意见', { extra: { permission: 'ticket.handle' } })
  return assignment
}

export async function loadSettings(trx: Tx, scope: TenantScope, centerId: string): Promise<TicketSettings> {
  return mergeSettings(await catalogue.findSettings(trx, scope, centerId))
}

/** A calendar covering every clock of tickets anchored between `from` and `to`. */
export function clockCalendar(trx: Tx, scope: TenantScope, from: string, to: string): Promise<WorkCalendar> {
  return loadCalendar(trx, scope, clockRange(from, to))
}

export interface Transition {
  action: string
  from: TicketState | null
  to: TicketState | null
  note?: string
  isPublic?: boolean
  departmentId?: string | null
  details?: Record<string, unknown>
}

/**
 * Records what happened to a ticket, in the caller's transaction: a timeline entry, the domain
 * event `ticket.<action>` and the audit entry (last: it holds the audit chain's lock until commit).
 */
export async function record(trx: Tx, acting: TicketActing, ticket: { id: string; number: string; tenant_id: string }, t: Transition, at: Date, { isAudited = true } = {}): Promise<void> {
  const details = t.details ?? {}
  await store.insertTimeline(trx, acting.tenant.scope, {
    centerId: ticket.tenant_id, ticketId: ticket.id, at, action: t.action, fromState: t.from, toState: t.to, actorId: acting.actorId,
    actorName: acting.actorName, departmentId: t.departmentId ?? null, note: t.note ?? '', isPublic: t.isPublic ?? false, details,
  })
  // The outbox row belongs to the acting tenant (a department may write only its own rows);
  // the payload names the ticket's center for subscribers.
  await emitEvent(trx, {
    type: `ticket.${t.action}`, tenantId: acting.tenant.id,
    payload: { ticketId: ticket.id, number: ticket.number, centerId: ticket.tenant_id, from: t.from, to: t.to, departmentId: t.departmentId ?? null, ...details },
  })
  if (isAudited) {
    await appendAudit(trx, withContext(acting.audit, {
      action: `ticket.${t.action}`, targetType: 'ticket', targetId: ticket.id,
      details: { number: ticket.number, from: t.from, to: t.to, ...(t.note ? { note: t.note } : {}), ...details },
    }))
  }
}

/**
 * Recomputes a ticket's deadlines from its clock fields and plans the overdue scan's next look,
 * after any change of state, clocks or calendar.
 * @returns the deadlines written.
 */
export async function reschedule(trx: Tx, scope: TenantScope, ticketId: string, { settings, calendar }: { settings: TicketSettings; calendar?: WorkCalendar }) {
  const row = await store.selectTickets(trx).where('t.id', '=', ticketId).executeTakeFirstOrThrow()
  const dates = [row.clock_anchor, row.sign_for_anchor, ...(row.published_at ? [shanghaiDate(new Date(row.published_at))] : [])].sort()
  const cal = calendar ?? await clockCalendar(trx, scope, dates[0], dates[dates.length - 1])
  const deadlines = computeDeadlines(row, cal)
  const planned = planChecks({ ...row, sign_for_due_at: deadlines.signFor, first_response_due_at: deadlines.firstResponse, final_due_at: deadlines.final }, settings, cal)
  const done = new Set((await replies.alertsDone(trx, scope, [ticketId])).filter((a) => a.round === row.reopen_count).map(checkKey))
  await store.updateTicket(trx, scope, {
    id: ticketId, centerId: row.tenant_id,
    patch: { sign_for_due_at: deadlines.signFor, first_response_due_at: deadlines.firstResponse, final_due_at: deadlines.final, next_check_at: nextCheckAt(planned, done) },
  })
  return deadlines
}
