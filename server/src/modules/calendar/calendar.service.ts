import type { Database } from '../../db/database.js'
import { inScope, systemScope, type Scope, type Tx } from '../../db/scope.js'
import { appendAudit, withContext, type AuditContext } from '../../kernel/audit.js'
import { AppError } from '../../kernel/errors.js'
import { emitEvent } from '../../kernel/events.js'
import { addDays, createWorkCalendar, isIsoDate, spanFor, type IsoDate, type WorkCalendar } from './calendar.js'
import * as store from './calendar.store.js'

/** The event every calendar change emits; open deadlines from `from` to `to` may move. */
export const CALENDAR_CHANGED = 'calendar.changed'

/** Longest span of working days the API computes (a year and a half of working days). */
export const MAX_WORKING_DAYS = 370

/**
 * The calendar for the dates from `from` to `to`, read in the caller's transaction, so a ticket's
 * deadlines and the calendar they were computed from belong to one snapshot.
 */
export async function loadCalendar(trx: Tx, scope: Scope, range: { from: IsoDate; to: IsoDate }): Promise<WorkCalendar> {
  const overrides = await store.listOverrides(trx, scope, range)
  return createWorkCalendar(overrides, range)
}

/** A calendar wide enough for any deadline counted from dates between `from` and `to`. */
export function calendarRangeFor(from: IsoDate, to: IsoDate, workingDays: number): { from: IsoDate; to: IsoDate } {
  return { from, to: addDays(to, spanFor(workingDays)) }
}

function dateField(field: string, value: string): IsoDate {
  if (!isIsoDate(value)) {
    throw new AppError('VALIDATION_FAILED', `${field}: must be a date YYYY-MM-DD`, { errors: [{ field, message: 'must be a date YYYY-MM-DD' }] })
  }
  return value
}

export interface CalendarActing {
  actorId: string
  audit: AuditContext
}

export interface DayInput {
  day: IsoDate
  isWorkday: boolean
  name: string
}

/** The working-day calendar: compute, list, and (for calendar.manage) edit its overrides. */
export function createCalendarService({ db }: { db: Database }) {
  // Calendar data is platform-wide: it is read and written in the system scope.
  const scope = systemScope

  /** The date `days` working days after `from` (see calendar.ts for the counting rule). */
  async function workdaysAfter({ from, days }: { from: string; days: number }): Promise<{ from: IsoDate; days: number; date: IsoDate }> {
    const start = dateField('from', from)
    const calendar = await inScope(db, scope, (trx) => loadCalendar(trx, scope, calendarRangeFor(start, start, days)))
    return { from: start, days, date: calendar.addWorkingDays(start, days) }
  }

  /** The overrides of one year, in date order. */
  async function listYear({ year }: { year: number }): Promise<store.CalendarDayRow[]> {
    return inScope(db, scope, (trx) => store.listOverrides(trx, scope, { from: `${year}-01-01`, to: `${year}-12-31` }))
  }

  async function changed(trx: Tx, acting: CalendarActing, { from, to, action, details }: { from: IsoDate; to: IsoDate; action: string; details: Record<string, unknown> }) {
    await emitEvent(trx, { type: CALENDAR_CHANGED, tenantId: null, payload: { from, to } })
    await appendAudit(trx, withContext(acting.audit, { action, targetType: 'calendar', targetId: from === to ? from : `${from}..${to}`, details }))
  }

  /** Marks one date a holiday or a make-up workday. */
  async function setDay(acting: CalendarActing, input: DayInput): Promise<store.CalendarDayRow> {
    const day = dateField('day', input.day)
    return inScope(db, scope, async (trx) => {
      const before = await store.findDay(trx, scope, day)
      await store.upsertDay(trx, scope, { day, isWorkday: input.isWorkday, name: input.name.trim(), updatedBy: acting.actorId })
      await changed(trx, acting, {
        from: day, to: day, action: 'calendar.day.set',
        details: { isWorkday: input.isWorkday, name: input.name.trim(), before: before ? { isWorkday: before.isWorkday, name: before.name } : null },
      })
      return (await store.findDay(trx, scope, day))!
    })
  }

  /** Removes the override of a date: it follows the weekend rule again. */
  async function removeDay(acting: CalendarActing, { day: value }: { day: string }): Promise<void> {
    const day = dateField('day', value)
    await inScope(db, scope, async (trx) => {
      const before = await store.findDay(trx, scope, day)
      if (!before) throw new AppError('NOT_FOUND', `no calendar entry on ${day}`)
      await store.deleteDay(trx, scope, day)
      await changed(trx, acting, { from: day, to: day, action: 'calendar.day.remove', details: { before: { isWorkday: before.isWorkday, name: before.name } } })
    })
  }

  /**
   * Replaces every override of a year at once: how an administrator enters the State Council's
   * notice for the coming year. Dates outside the year are refused.
   */
  async function replaceYear(acting: CalendarActing, { year, days }: { year: number; days: DayInput[] }): Promise<store.CalendarDayRow[]> {
    const seen = new Set<string>()
    days.forEach((d, i) => {
      const field = `days.${i}.day`
      dateField(field, d.day)
      if (!d.day.startsWith(`${year}-`) || seen.has(d.day)) {
        const message = seen.has(d.day) ? 'is listed twice' : `is not in ${year}`
        throw new AppError('VALIDATION_FAILED', `${field}: ${message}`, { errors: [{ field, message }] })
      }
      seen.add(d.day)
    })
    const from = `${year}-01-01`
    const to = `${year}-12-31`
    return inScope(db, scope, async (trx) => {
      const removed = await store.deleteRange(trx, scope, { from, to })
      for (const d of days) await store.upsertDay(trx, scope, { day: d.day, isWorkday: d.isWorkday, name: d.name.trim(), updatedBy: acting.actorId })
      await changed(trx, acting, { from, to, action: 'calendar.year.replace', details: { year, removed, days: days.length } })
      return store.listOverrides(trx, scope, { from, to })
    })
  }

  return { workdaysAfter, listYear, setDay, removeDay, replaceYear }
}

export type CalendarService = ReturnType<typeof createCalendarService>
