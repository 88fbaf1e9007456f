import type { TicketState } from '../../db/schema.js'
import { addDays, endOfShanghaiDay, shanghaiDate, spanFor, type IsoDate, type WorkCalendar } from '../calendar/calendar.js'
import { isHandling, MAX_CLOCK_DAYS, MAX_EXTENSION_DAYS, type TicketSettings } from './tickets.model.js'

/**
 * The three clocks of a ticket. Each deadline is the end (23:59:59, Asia/Shanghai) of the N-th
 * working day after its anchor date, the day of the anchor being day 0:
 * - sign-for: anchored at the latest routing (a re-routed ticket gives the new department its time);
 * - first response and final reply: anchored at submission (the promise made to the citizen), moved
 *   to the reopening date when an unsatisfied citizen sends the ticket back (回退重办);
 * - approved extensions add working days to the final clock only.
 */
export interface ClockFields {
  clock_anchor: IsoDate
  sign_for_anchor: IsoDate
  sign_for_days: number
  first_response_days: number
  final_days: number
  extension_days: number
}

export interface Deadlines {
  signFor: Date
  firstResponse: Date
  final: Date
}

export function computeDeadlines(c: ClockFields, calendar: WorkCalendar): Deadlines {
  return {
    signFor: endOfShanghaiDay(calendar.addWorkingDays(c.sign_for_anchor, c.sign_for_days)),
    firstResponse: endOfShanghaiDay(calendar.addWorkingDays(c.clock_anchor, c.first_response_days)),
    final: endOfShanghaiDay(calendar.addWorkingDays(c.clock_anchor, c.final_days + c.extension_days)),
  }
}

/** The calendar range every clock anchored between `from` and `to` fits in (escalation included). */
export function clockRange(from: IsoDate, to: IsoDate): { from: IsoDate; to: IsoDate } {
  return { from: addDays(from, -1), to: addDays(to, spanFor(MAX_CLOCK_DAYS + MAX_EXTENSION_DAYS + 30)) }
}

export type ClockName = 'sign_for' | 'first_response' | 'final' | 'rating'
export type AlertStage = 'reminder' | 'overdue' | 'escalated' | 'auto_close'

/** Something the overdue scan must do at `at`: raise an alert, or close an unrated ticket. */
export interface PlannedCheck {
  clock: ClockName
  stage: AlertStage
  at: Date
}

export interface CheckedTicket extends ClockFields {
  state: TicketState
  sign_for_due_at: Date
  first_response_due_at: Date
  final_due_at: Date
  signed_for_at: Date | null
  first_response_at: Date | null
  replied_at: Date | null
  published_at: Date | null
}

/**
 * Every check a ticket in its current state is due for, in the current round (a reopened
 * ticket starts a new round). Sign-for is chased only while waiting for it; the final clock is
 * reminded before, chased (催办) when it passes, and escalated after the configured delay; an
 * answered ticket nobody rates closes itself.
 */
export function planChecks(t: CheckedTicket, settings: TicketSettings, calendar: WorkCalendar): PlannedCheck[] {
  const checks: PlannedCheck[] = []
  if (t.state === 'routed' && !t.signed_for_at) checks.push({ clock: 'sign_for', stage: 'overdue', at: new Date(t.sign_for_due_at) })
  if (isHandling(t.state)) {
    if (!t.first_response_at) checks.push({ clock: 'first_response', stage: 'overdue', at: new Date(t.first_response_due_at) })
    if (!t.replied_at) {
      const due = new Date(t.final_due_at)
      checks.push({ clock: 'final', stage: 'reminder', at: new Date(due.getTime() - settings.reminderLeadHours * 3_600_000) })
      checks.push({ clock: 'final', stage: 'overdue', at: due })
      const escalation = calendar.addWorkingDays(shanghaiDate(due), settings.escalationDelayWorkingDays)
      checks.push({ clock: 'final', stage: 'escalated', at: endOfShanghaiDay(escalation) })
    }
  }
  if (t.state === 'replied' && t.published_at) {
    const closing = calendar.addWorkingDays(shanghaiDate(new Date(t.published_at)), settings.autoCloseWorkingDays)
    checks.push({ clock: 'rating', stage: 'auto_close', at: endOfShanghaiDay(closing) })
  }
  return checks
}

export const checkKey = (c: { clock: string; stage: string }) => `${c.clock}/${c.stage}`

/** When the scan must look at the ticket next: the earliest check not yet done (null: none left). */
export function nextCheckAt(checks: readonly PlannedCheck[], done: ReadonlySet<string>): Date | null {
  let next: Date | null = null
  for (const c of checks) if (!done.has(checkKey(c)) && (!next || c.at < next)) next = c.at
  return next
}

/** Which deadlines have passed unmet at `now` (for views and the supervision board). */
export function overdueClocks(t: CheckedTicket, now: Date): { signFor: boolean; firstResponse: boolean; final: boolean } {
  const handling = isHandling(t.state)
  return {
    signFor: t.state === 'routed' && !t.signed_for_at && new Date(t.sign_for_due_at) < now,
    firstResponse: handling && !t.first_response_at && new Date(t.first_response_due_at) < now,
    final: handling && !t.replied_at && new Date(t.final_due_at) < now,
  }
}
