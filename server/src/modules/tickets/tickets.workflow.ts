import type { Database } from '../../db/database.js'
import { inScope, type Tx } from '../../db/scope.js'
import { AppError } from '../../kernel/errors.js'
import { shanghaiDate } from '../calendar/calendar.js'
import * as catalogue from './catalogue.store.js'
import {
  loadSettings, loadTicket, record, requireAssignment, requireOwningCenter, requireState, reschedule, stateInvalid, ticketNotFound,
  type TicketActing,
} from './tickets.core.js'
import { clockDaysFor, type TicketSettings, type TicketState } from './tickets.model.js'
import * as store from './tickets.store.js'

export interface Step {
  trx: Tx
  ticket: store.TicketRow
  settings: TicketSettings
  now: Date
}

/**
 * Runs one change of one ticket in one transaction: the ticket is locked, visible to the actor,
 * and the center's settings are at hand. Every change records itself (timeline, event, audit).
 */
export function stepper(db: Database, clock: () => Date) {
  return async function step<T>(acting: TicketActing, id: string, fn: (s: Step) => Promise<T>): Promise<T> {
    return inScope(db, acting.tenant.scope, async (trx) => {
      const ticket = await loadTicket(trx, acting, id)
      const settings = await loadSettings(trx, acting.tenant.scope, ticket.tenant_id)
      return fn({ trx, ticket, settings, now: clock() })
    })
  }
}

/** Writes a new state, refusing if someone else changed it since the ticket was read. */
export async function moveTo(s: Step, acting: TicketActing, to: TicketState, patch: store.TicketPatch = {}): Promise<void> {
  const isMoved = await store.updateTicket(s.trx, acting.tenant.scope, { id: s.ticket.id, centerId: s.ticket.tenant_id, expectedState: s.ticket.state, patch: { ...patch, state: to } })
  if (!isMoved) throw stateInvalid(s.ticket.state, 'the ticket changed meanwhile; reload it')
}

function daysPatch(settings: TicketSettings, ticket: store.TicketRow, isUrgent: boolean | undefined): store.TicketPatch {
  if (isUrgent === undefined || isUrgent === ticket.is_urgent) return {}
  const days = clockDaysFor(settings, { kind: ticket.kind, isUrgent })
  return { is_urgent: isUrgent, sign_for_days: days.signFor, first_response_days: days.firstResponse, final_days: days.final }
}

const DISPATCHABLE: readonly TicketState[] = ['submitted', 'accepted', 'returned']
const REROUTABLE: readonly TicketState[] = ['routed', 'signed_for', 'in_progress']
const MERGEABLE: readonly TicketState[] = ['submitted', 'accepted', 'returned', 'routed', 'signed_for', 'in_progress']

/** The dispatcher's and the departments' work on a ticket up to the reply. */
export function createWorkflowService({ db, clock = () => new Date() }: { db: Database; clock?: () => Date }) {
  const step = stepper(db, clock)

  /** Moderation passed: the ticket waits for routing. Urgency and publicity may be set here. */
  async function accept(acting: TicketActing, id: string, input: { note?: string; isUrgent?: boolean; isPublic?: boolean }) {
    return step(acting, id, async (s) => {
      requireOwningCenter(acting, s.ticket, 'ticket.dispatch')
      requireState(s.ticket, ['submitted'], '只能受理待审核的留言')
      await moveTo(s, acting, 'accepted', { ...daysPatch(s.settings, s.ticket, input.isUrgent), ...(input.isPublic !== undefined && s.ticket.kind !== 'report' ? { is_public: input.isPublic } : {}) })
      await reschedule(s.trx, acting.tenant.scope, id, { settings: s.settings })
      await record(s.trx, acting, s.ticket, { action: 'accepted', from: s.ticket.state, to: 'accepted', note: input.note, isPublic: true, details: { isUrgent: input.isUrgent ?? s.ticket.is_urgent } }, s.now)
    })
  }

  /** Moderation refused (不予受理), with the reason the citizen sees. */
  async function reject(acting: TicketActing, id: string, { reason }: { reason: string }) {
    return step(acting, id, async (s) => {
      requireOwningCenter(acting, s.ticket, 'ticket.dispatch')
      requireState(s.ticket, DISPATCHABLE, '只能对尚未转办的留言作不予受理处理')
      await moveTo(s, acting, 'rejected', { state_note: reason, closed_at: s.now, next_check_at: null })
      await record(s.trx, acting, s.ticket, { action: 'rejected', from: s.ticket.state, to: 'rejected', note: reason, isPublic: true }, s.now)
    })
  }

  /**
   * Routes a ticket to a lead department with optional co-departments (转办), or routes it anew
   * (改派) while a department holds it. The new lead department's sign-for clock starts today.
   */
  async function route(acting: TicketActing, id: string, input: { leadDepartmentId: string; coDepartmentIds?: string[]; note?: string; isUrgent?: boolean }) {
    return step(acting, id, async (s) => {
      requireOwningCenter(acting, s.ticket, 'ticket.dispatch')
      requireState(s.ticket, [...DISPATCHABLE, ...REROUTABLE], '已答复、已办结或已并单的留言不能转办')
      const co = [...new Set(input.coDepartmentIds ?? [])].filter((d) => d !== input.leadDepartmentId)
      const found = await catalogue.departmentsOf(s.trx, acting.tenant.scope, { centerId: s.ticket.tenant_id, ids: [input.leadDepartmentId, ...co] })
      const names = new Map(found.map((d) => [d.id, d.name]))
      if (!names.has(input.leadDepartmentId)) throw new AppError('VALIDATION_FAILED', 'leadDepartmentId: not a department of this center', { errors: [{ field: 'leadDepartmentId', message: 'is not a department of this center' }] })
      const unknown = co.findIndex((d) => !names.has(d))
      if (unknown >= 0) throw new AppError('VALIDATION_FAILED', `coDepartmentIds.${unknown}: not a department of this center`, { errors: [{ field: `coDepartmentIds.${unknown}`, message: 'is not a department of this center' }] })
      const isReroute = REROUTABLE.includes(s.ticket.state)
      if (s.ticket.state === 'submitted') {
        await record(s.trx, acting, s.ticket, { action: 'accepted', from: 'submitted', to: 'accepted', isPublic: true }, s.now)
      }
      await store.endAssignments(s.trx, acting.tenant.scope, { ticketId: id, reason: 'reassigned', note: input.note ?? '', at: s.now })
      await store.insertAssignment(s.trx, acting.tenant.scope, { centerId: s.ticket.tenant_id, ticketId: id, departmentId: input.leadDepartmentId, role: 'lead', assignedBy: acting.actorId, at: s.now })
      for (const d of co) await store.insertAssignment(s.trx, acting.tenant.scope, { centerId: s.ticket.tenant_id, ticketId: id, departmentId: d, role: 'co', assignedBy: acting.actorId, at: s.now })
      const from: TicketState = s.ticket.state === 'submitted' ? 'accepted' : s.ticket.state
      await moveTo(s, acting, 'routed', {
        ...daysPatch(s.settings, s.ticket, input.isUrgent), lead_department_id: input.leadDepartmentId, sign_for_anchor: shanghaiDate(s.now),
        signed_for_at: null, state_note: '',
      })
      await reschedule(s.trx, acting.tenant.scope, id, { settings: s.settings })
      await record(s.trx, acting, s.ticket, {
        action: isReroute ? 'rerouted' : 'routed', from, to: 'routed', note: input.note, isPublic: true, departmentId: input.leadDepartmentId,
        details: {
          leadDepartmentId: input.leadDepartmentId, leadDepartmentName: names.get(input.leadDepartmentId), coDepartmentIds: co,
          suggestedDepartmentId: s.ticket.suggested_department_id, isSuggestionFollowed: s.ticket.suggested_department_id === input.leadDepartmentId,
        },
      }, s.now)
    })
  }

  /** A department signs for the ticket (签收); the lead department's signature starts the handling. */
  async function signFor(acting: TicketActing, id: string) {
    return step(acting, id, async (s) => {
      const assignment = await requireAssignment(s.trx, acting, s.ticket, { isLeadRequired: false })
      if (assignment.signed_for_at) throw stateInvalid(s.ticket.state, '本部门已签收')
      await store.signAssignment(s.trx, acting.tenant.scope, { ticketId: id, departmentId: acting.tenant.id, userId: acting.actorId!, at: s.now })
      const isLead = assignment.role === 'lead'
      if (isLead) {
        requireState(s.ticket, ['routed'], '只能签收待签收的留言')
        await moveTo(s, acting, 'signed_for', { signed_for_at: s.now })
        await reschedule(s.trx, acting.tenant.scope, id, { settings: s.settings })
      }
      await record(s.trx, acting, s.ticket, { action: 'signed_for', from: s.ticket.state, to: isLead ? 'signed_for' : s.ticket.state, isPublic: isLead, departmentId: acting.tenant.id, details: { role: assignment.role } }, s.now)
    })
  }

  /** The lead department returns the ticket as not its responsibility (退单); the dispatcher routes it anew. */
  async function returnTicket(acting: TicketActing, id: string, { reason }: { reason: string }) {
    return step(acting, id, async (s) => {
      await requireAssignment(s.trx, acting, s.ticket, { isLeadRequired: true })
      requireState(s.ticket, REROUTABLE, '已答复的留言不能退回')
      await moveTo(s, acting, 'returned', { lead_department_id: null, signed_for_at: null, state_note: reason })
      await reschedule(s.trx, acting.tenant.scope, id, { settings: s.settings })
      await record(s.trx, acting, s.ticket, { action: 'returned', from: s.ticket.state, to: 'returned', note: reason, departmentId: acting.tenant.id }, s.now)
      // Last: once its assignment ends, the department no longer sees the ticket (RLS included).
      await store.endAssignments(s.trx, acting.tenant.scope, { ticketId: id, departmentIds: [acting.tenant.id], reason: 'returned', note: reason, at: s.now })
      await store.endAssignments(s.trx, acting.tenant.scope, { ticketId: id, reason: 'reassigned', note: reason, at: s.now })
    })
  }

  /**
   * A progress note: from the lead department it is the first response and puts the ticket in
   * progress; from a co-department it is its opinion (协办意见) for the lead.
   */
  async function progress(acting: TicketActing, id: string, { note, isPublic = false }: { note: string; isPublic?: boolean }) {
    return step(acting, id, async (s) => {
      const assignment = await requireAssignment(s.trx, acting, s.ticket, { isLeadRequired: false })
      if (!assignment.signed_for_at) throw stateInvalid(s.ticket.state, '请先签收')
      if (assignment.role === 'co') {
        requireState(s.ticket, ['routed', 'signed_for', 'in_progress'], '留言已答复，不能再提交协办意见')
        await record(s.trx, acting, s.ticket, { action: 'co_opinion', from: s.ticket.state, to: s.ticket.state, note, departmentId: acting.tenant.id }, s.now)
        return
      }
      requireState(s.ticket, ['signed_for', 'in_progress'], '只能在签收后、答复前记录办理进展')
      await moveTo(s, acting, 'in_progress', { first_response_at: s.ticket.first_response_at ?? s.now })
      await reschedule(s.trx, acting.tenant.scope, id, { settings: s.settings })
      await record(s.trx, acting, s.ticket, {
        action: 'progress', from: s.ticket.state, to: 'in_progress', note, isPublic: isPublic || s.ticket.state !== 'in_progress',
        departmentId: acting.tenant.id, details: { isNotePublic: isPublic },
      }, s.now)
    })
  }

  /** Urgency and publicity, set by the dispatcher; urgency switches the clocks to same-day. */
  async function updateFlags(acting: TicketActing, id: string, input: { isUrgent?: boolean; isPublic?: boolean }) {
    return step(acting, id, async (s) => {
      requireOwningCenter(acting, s.ticket, 'ticket.dispatch')
      if (input.isPublic && s.ticket.kind === 'report') throw new AppError('VALIDATION_FAILED', 'isPublic: 举报类留言不公开', { errors: [{ field: 'isPublic', message: 'reports are never public' }] })
      await store.updateTicket(s.trx, acting.tenant.scope, { id, centerId: s.ticket.tenant_id, patch: { ...daysPatch(s.settings, s.ticket, input.isUrgent), ...(input.isPublic !== undefined ? { is_public: input.isPublic } : {}) } })
      await reschedule(s.trx, acting.tenant.scope, id, { settings: s.settings })
      await record(s.trx, acting, s.ticket, { action: 'updated', from: s.ticket.state, to: s.ticket.state, details: input }, s.now)
    })
  }

  /** Merges a ticket into another open one of the same center (并单); the citizen follows the other. */
  async function merge(acting: TicketActing, id: string, { intoId, note }: { intoId: string; note?: string }) {
    if (intoId === id) throw new AppError('VALIDATION_FAILED', 'intoId: cannot merge a ticket into itself', { errors: [{ field: 'intoId', message: 'is the ticket itself' }] })
    return step(acting, id, async (s) => {
      requireOwningCenter(acting, s.ticket, 'ticket.dispatch')
      requireState(s.ticket, MERGEABLE, '已答复或已办结的留言不能并单')
      const target = await store.findTicket(s.trx, acting.tenant.scope, { id: intoId, view: { kind: 'center', centerIds: [s.ticket.tenant_id] }, isForUpdate: true })
      if (!target) throw ticketNotFound()
      if (['merged', 'rejected', 'closed'].includes(target.state)) throw stateInvalid(target.state, '不能并入已办结、不予受理或已并单的留言')
      await store.endAssignments(s.trx, acting.tenant.scope, { ticketId: id, reason: 'reassigned', note: `merged into ${target.number}`, at: s.now })
      await moveTo(s, acting, 'merged', { merged_into_id: target.id, state_note: note ?? '', closed_at: s.now, next_check_at: null })
      await record(s.trx, acting, target, { action: 'merge_received', from: target.state, to: target.state, details: { mergedTicketId: id, mergedNumber: s.ticket.number } }, s.now, { isAudited: false })
      await record(s.trx, acting, s.ticket, { action: 'merged', from: s.ticket.state, to: 'merged', note, isPublic: true, details: { intoTicketId: target.id, intoNumber: target.number } }, s.now)
    })
  }

  return { accept, reject, route, signFor, returnTicket, progress, updateFlags, merge }
}

export type WorkflowService = ReturnType<typeof createWorkflowService>
