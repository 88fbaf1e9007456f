import type { Database } from '../../db/database.js'
import { inScope, systemScope, tenantScope, type Tx } from '../../db/scope.js'
import { AppError } from '../../kernel/errors.js'
import { endOfShanghaiDay, shanghaiDate, toShanghaiIso, type WorkCalendar } from '../calendar/calendar.js'
import * as catalogue from './catalogue.store.js'
import { checkKey, computeDeadlines, nextCheckAt, planChecks, type PlannedCheck } from './tickets.clocks.js'
import { clockCalendar, record, requireAssignment, requireOwningCenter, requireState, reschedule, stateInvalid, type TicketActing } from './tickets.core.js'
import { handlingStates, mergeSettings, MAX_EXTENSION_DAYS, type TicketSettings } from './tickets.model.js'
import { createRepliesService } from './tickets.replies.js'
import * as replies from './replies.store.js'
import * as store from './tickets.store.js'
import { stepper, type Step } from './tickets.workflow.js'

const clockNames: Record<string, string> = { sign_for: '签收', first_response: '首次响应', final: '答复' }

/** What the scan did in one run. */
export interface ScanResult {
  checked: number
  alerts: number
  closed: number
}

/** The system acting on a ticket of `centerId` (the overdue scan, calendar recomputation). */
function systemActing(centerId: string): TicketActing {
  return {
    actorId: null, actorName: '系统', tenant: { id: centerId, kind: 'center', path: [], scope: tenantScope(centerId) },
    audit: { actorId: null, actorName: 'system', tenantId: centerId, ip: null, requestId: null },
  }
}

async function batchContext(trx: Tx, rows: readonly store.TicketRow[], now: Date) {
  const settings = new Map<string, TicketSettings>()
  const stored = await catalogue.settingsOf(trx, systemScope, [...new Set(rows.map((r) => r.tenant_id))])
  for (const r of rows) settings.set(r.tenant_id, mergeSettings(stored.get(r.tenant_id)))
  const dates = rows.flatMap((r) => [r.clock_anchor, r.sign_for_anchor, ...(r.published_at ? [shanghaiDate(new Date(r.published_at))] : [])]).concat(shanghaiDate(now)).sort()
  const calendar = await clockCalendar(trx, tenantScope(rows[0].tenant_id), dates[0], dates[dates.length - 1])
  return { settings, calendar }
}

/**
 * Extensions (延期), 催办, the periodic overdue scan and the recomputation of open deadlines when
 * the calendar changes.
 */
export function createDeadlinesService({ db, clock = () => new Date() }: { db: Database; clock?: () => Date }) {
  const step = stepper(db, clock)
  const repliesService = createRepliesService({ db, clock })

  /** The lead department asks for more working days on the final clock, before its deadline. */
  async function requestExtension(acting: TicketActing & { actorId: string }, id: string, { days, reason }: { days: number; reason: string }) {
    return step(acting, id, async (s) => {
      await requireAssignment(s.trx, acting, s.ticket, { isLeadRequired: true })
      requireState(s.ticket, ['signed_for', 'in_progress'], '只能在签收后、答复前申请延期')
      if (s.now > new Date(s.ticket.final_due_at)) throw new AppError('TICKET_DEADLINE_PASSED', '答复期限已过，不能再申请延期')
      if (s.ticket.extension_days + days > MAX_EXTENSION_DAYS) {
        throw new AppError('VALIDATION_FAILED', `days: at most ${MAX_EXTENSION_DAYS} working days of extension in all`, { errors: [{ field: 'days', message: `exceeds ${MAX_EXTENSION_DAYS} working days in all` }] })
      }
      const extensionId = await replies.insertExtension(s.trx, acting.tenant.scope, { centerId: s.ticket.tenant_id, ticketId: id, departmentId: acting.tenant.id, days, reason, requestedBy: acting.actorId, at: s.now })
      if (!extensionId) throw new AppError('CONFLICT', '已有待审批的延期申请')
      await record(s.trx, acting, s.ticket, { action: 'extension_requested', from: s.ticket.state, to: s.ticket.state, note: reason, departmentId: acting.tenant.id, details: { extensionId, days } }, s.now)
      return extensionId
    })
  }

  /** The dispatcher approves (before the deadline passes) or denies an extension request. */
  async function decideExtension(acting: TicketActing & { actorId: string }, id: string, extensionId: string, { decision, note = '' }: { decision: 'approve' | 'deny'; note?: string }) {
    return step(acting, id, async (s) => {
      requireOwningCenter(acting, s.ticket, 'ticket.dispatch')
      const extension = await replies.findExtension(s.trx, acting.tenant.scope, { ticketId: id, id: extensionId })
      if (!extension) throw new AppError('NOT_FOUND', 'no such extension request')
      if (extension.state !== 'pending') throw stateInvalid(s.ticket.state, '这项延期申请已处理')
      if (decision === 'approve') {
        requireState(s.ticket, handlingStates, '留言已答复，不需要延期')
        if (s.now > new Date(s.ticket.final_due_at)) throw new AppError('TICKET_DEADLINE_PASSED', '答复期限已过，延期须在期限届满前批准')
      }
      await replies.decideExtension(s.trx, acting.tenant.scope, { id: extensionId, state: decision === 'approve' ? 'approved' : 'denied', decidedBy: acting.actorId, note, at: s.now })
      let finalDue: string | null = null
      if (decision === 'approve') {
        await store.updateTicket(s.trx, acting.tenant.scope, { id, centerId: s.ticket.tenant_id, patch: { extension_days: s.ticket.extension_days + extension.days } })
        finalDue = toShanghaiIso((await reschedule(s.trx, acting.tenant.scope, id, { settings: s.settings })).final)
      }
      await record(s.trx, acting, s.ticket, {
        action: decision === 'approve' ? 'extension_approved' : 'extension_denied', from: s.ticket.state, to: s.ticket.state, note,
        isPublic: decision === 'approve', departmentId: extension.department_id, details: { extensionId, days: extension.days, finalDue },
      }, s.now)
    })
  }

  /** A dispatcher's or supervisor's 催办 on a ticket still being handled. */
  async function urge(acting: TicketActing, id: string, { note }: { note: string }) {
    return step(acting, id, async (s) => {
      requireOwningCenter(acting, s.ticket, 'ticket.dispatch')
      requireState(s.ticket, handlingStates, '只能催办正在办理的留言')
      await record(s.trx, acting, s.ticket, { action: 'urged', from: s.ticket.state, to: s.ticket.state, note, departmentId: s.ticket.lead_department_id }, s.now)
    })
  }

  async function raise(s: Step, check: PlannedCheck) {
    const acting = systemActing(s.ticket.tenant_id)
    const isNew = await replies.insertAlert(s.trx, acting.tenant.scope, { centerId: s.ticket.tenant_id, ticketId: s.ticket.id, round: s.ticket.reopen_count, clock: check.clock, stage: check.stage, at: s.now })
    if (!isNew) return false
    if (check.stage === 'auto_close') {
      await repliesService.close(s, acting, '答复发布后留言人未评价，系统自动办结', 'auto_closed')
      return true
    }
    const name = clockNames[check.clock]
    const note = check.stage === 'reminder' ? `${name}期限将至（${toShanghaiIso(new Date(s.ticket.final_due_at))}）`
      : check.stage === 'overdue' ? `${name}已超期，系统催办` : `${name}超期未办，已上报部门负责人和融媒体中心`
    await record(s.trx, acting, s.ticket, {
      action: check.stage, from: s.ticket.state, to: s.ticket.state, note, departmentId: s.ticket.lead_department_id,
      details: { clock: check.clock, dueAt: toShanghaiIso(check.at) },
    }, s.now, { isAudited: false })
    return true
  }

  /**
   * One run of the overdue scan (the worker calls it every minute): takes due tickets in batches
   * (SKIP LOCKED, so several workers share the work), raises each due reminder, 催办 and
   * escalation once, closes answered tickets nobody rated, and plans each ticket's next look.
   */
  async function scan({ now = clock(), batchSize = 200, maxBatches = 50 }: { now?: Date; batchSize?: number; maxBatches?: number } = {}): Promise<ScanResult> {
    const result: ScanResult = { checked: 0, alerts: 0, closed: 0 }
    for (let batch = 0; batch < maxBatches; batch++) {
      const count = await inScope(db, systemScope, async (trx) => {
        const rows = await store.dueForCheck(trx, systemScope, { now, limit: batchSize })
        if (rows.length === 0) return 0
        const { settings, calendar } = await batchContext(trx, rows, now)
        const done = await replies.alertsDone(trx, systemScope, rows.map((r) => r.id))
        for (const ticket of rows) {
          const s: Step = { trx, ticket, settings: settings.get(ticket.tenant_id)!, now }
          const keys = new Set(done.filter((d) => d.ticket_id === ticket.id && d.round === ticket.reopen_count).map(checkKey))
          const checks = planChecks(ticket, s.settings, calendar)
          let isClosed = false
          for (const check of checks.filter((c) => c.at <= now && !keys.has(checkKey(c))).sort((a, b) => a.at.getTime() - b.at.getTime())) {
            if (await raise(s, check)) result.alerts++
            keys.add(checkKey(check))
            if (check.stage === 'auto_close') { isClosed = true; result.closed++ }
          }
          if (!isClosed) {
            await store.updateTicket(trx, tenantScope(ticket.tenant_id), { id: ticket.id, centerId: ticket.tenant_id, patch: { next_check_at: nextCheckAt(checks, keys) } })
          }
        }
        return rows.length
      })
      result.checked += count
      if (count < batchSize) break
    }
    return result
  }

  /**
   * After a calendar change (event `calendar.changed`), recomputes the deadlines of open tickets
   * that the changed dates can move, in batches; a ticket whose deadlines moved gets a timeline
   * entry and a fresh plan for the scan.
   * @returns how many tickets' deadlines changed.
   */
  async function recomputeOpenDeadlines({ from, batchSize = 500 }: { from: string; batchSize?: number }): Promise<number> {
    const fromInstant = endOfShanghaiDay(from)
    let afterId: string | null = null
    let changed = 0
    for (;;) {
      const batch: store.TicketRow[] = await inScope(db, systemScope, async (trx) => {
        const rows = await store.openTicketsFrom(trx, systemScope, { from: new Date(fromInstant.getTime() - 86_400_000), afterId, limit: batchSize })
        if (rows.length === 0) return rows
        const { settings, calendar } = await batchContext(trx, rows, clock())
        for (const ticket of rows) changed += Number(await recomputeOne(trx, ticket, settings.get(ticket.tenant_id)!, calendar))
        return rows
      })
      if (batch.length < batchSize) break
      afterId = batch[batch.length - 1].id
    }
    return changed
  }

  async function recomputeOne(trx: Tx, ticket: store.TicketRow, settings: TicketSettings, calendar: WorkCalendar): Promise<boolean> {
    const before = { signFor: new Date(ticket.sign_for_due_at), firstResponse: new Date(ticket.first_response_due_at), final: new Date(ticket.final_due_at) }
    const after = computeDeadlines(ticket, calendar)
    const acting = systemActing(ticket.tenant_id)
    await reschedule(trx, acting.tenant.scope, ticket.id, { settings, calendar })
    const moved = (Object.keys(after) as Array<keyof typeof after>).filter((k) => after[k].getTime() !== before[k].getTime())
    if (moved.length === 0) return false
    await record(trx, acting, ticket, {
      action: 'deadlines_recomputed', from: ticket.state, to: ticket.state, note: '工作日历调整，办理期限已重新计算',
      isPublic: moved.includes('final'), details: Object.fromEntries(moved.map((k) => [k, { from: toShanghaiIso(before[k]), to: toShanghaiIso(after[k]) }])),
    }, clock(), { isAudited: false })
    return true
  }

  return { requestExtension, decideExtension, urge, scan, recomputeOpenDeadlines }
}

export type DeadlinesService = ReturnType<typeof createDeadlinesService>
