import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inScope, systemScope } from '../../db/scope.js'
import { buildTestApp, signIn, type Client, type TestApp } from '../../../test/harness.js'
import {
  addDays, createWorkCalendar, dayNumber, endOfShanghaiDay, fromDayNumber, shanghaiDate, toShanghaiIso, weekday, type CalendarOverride, type WorkCalendar,
} from './calendar.js'
import { listOverrides } from './calendar.store.js'

const RANGE = { from: '2025-12-01', to: '2027-12-31' }

describe('working-day arithmetic', () => {
  it('knows weekdays and Shanghai dates', () => {
    expect(weekday('2026-10-10')).toBe(6)
    expect(weekday('2026-01-04')).toBe(0)
    expect(shanghaiDate(new Date('2026-09-30T16:30:00Z'))).toBe('2026-10-01')
    expect(toShanghaiIso(endOfShanghaiDay('2026-10-09'))).toBe('2026-10-09T23:59:59+08:00')
    expect(fromDayNumber(dayNumber('2026-02-28'))).toBe('2026-02-28')
    expect(() => dayNumber('2026-02-30')).toThrow(/not a date/)
  })

  it('counts from the day after: day 0 is the start, holidays are skipped, 调休 Saturdays count', () => {
    const calendar = createWorkCalendar([
      { day: '2026-10-01', isWorkday: false, name: '国庆节' }, { day: '2026-10-02', isWorkday: false, name: '国庆节' },
      { day: '2026-10-05', isWorkday: false, name: '国庆节' }, { day: '2026-10-06', isWorkday: false, name: '国庆节' },
      { day: '2026-10-07', isWorkday: false, name: '国庆节' }, { day: '2026-10-10', isWorkday: true, name: '国庆节调休上班' },
    ], RANGE)
    expect(calendar.addWorkingDays('2026-09-30', 1)).toBe('2026-10-08')
    expect(calendar.addWorkingDays('2026-09-30', 3)).toBe('2026-10-10')
    expect(calendar.addWorkingDays('2026-10-03', 0)).toBe('2026-10-08')
    expect(calendar.addWorkingDays('2026-09-29', 0)).toBe('2026-09-29')
    expect(calendar.workingDaysBetween('2026-09-30', '2026-10-10')).toBe(3)
    expect(calendar.workingDaysBetween('2026-10-10', '2026-09-30')).toBe(-3)
    expect(calendar.nameOf('2026-10-10')).toBe('国庆节调休上班')
    expect(() => calendar.addWorkingDays('2027-12-30', 5)).toThrow(/outside the loaded calendar/)
  })
})

/** Random override sets: holidays on any day, make-up workdays on weekends. */
const overridesArb = fc.uniqueArray(
  fc.record({ offset: fc.integer({ min: 0, max: 700 }), isWorkday: fc.boolean() }),
  { selector: (o) => o.offset, maxLength: 80 },
).map((rows) => rows.map(({ offset, isWorkday }): CalendarOverride => ({ day: addDays('2026-01-01', offset), isWorkday, name: isWorkday ? '调休上班' : '假日' })))

function checkLaws(calendar: WorkCalendar, from: string, n: number): void {
  const date = calendar.addWorkingDays(from, n)
  expect(calendar.isWorkday(date)).toBe(true)
  if (n >= 1) {
    expect(date > from).toBe(true)
    expect(calendar.workingDaysBetween(from, date)).toBe(n)
    // Nothing but days off between the (n−1)-th working day and the n-th.
    const previous = n === 1 ? from : calendar.addWorkingDays(from, n - 1)
    for (let d = addDays(previous, 1); d < date; d = addDays(d, 1)) expect(calendar.isWorkday(d)).toBe(false)
  } else {
    // Same day: nothing but days off lie between the start and the result.
    for (let d = from; d < date; d = addDays(d, 1)) expect(calendar.isWorkday(d)).toBe(false)
  }
  // Monotonic in n: strictly from day 1 on; "same day" from a day off is that first working day, day 1.
  const next = calendar.addWorkingDays(from, n + 1)
  expect(n === 0 && !calendar.isWorkday(from) ? next === date : next > date).toBe(true)
}

describe('calendar properties', () => {
  it('random calendars: the result is a workday, exactly n workdays away, and grows with n', () => {
    fc.assert(fc.property(overridesArb, fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 60 }), (overrides, offset, n) => {
      const calendar = createWorkCalendar(overrides, RANGE)
      const from = addDays('2026-01-01', offset)
      checkLaws(calendar, from, n)
      const holidays = new Set(overrides.filter((o) => !o.isWorkday).map((o) => o.day))
      expect(holidays.has(calendar.addWorkingDays(from, n))).toBe(false)
    }), { numRuns: 300 })
  })

  it('random calendars: workingDaysBetween is additive over any midpoint', () => {
    fc.assert(fc.property(overridesArb, fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 120 }), fc.integer({ min: 0, max: 120 }), (overrides, offset, a, b) => {
      const calendar = createWorkCalendar(overrides, RANGE)
      const x = addDays('2026-01-01', offset)
      const y = addDays(x, a)
      const z = addDays(y, b)
      expect(calendar.workingDaysBetween(x, z)).toBe(calendar.workingDaysBetween(x, y) + calendar.workingDaysBetween(y, z))
    }), { numRuns: 200 })
  })
})

describe('the shipped 2026 calendar', () => {
  let t: TestApp
  let calendar: WorkCalendar
  let rows: CalendarOverride[]
  let admin: Client

  beforeAll(async () => {
    t = await buildTestApp()
    rows = await inScope(t.db, systemScope, (trx) => listOverrides(trx, systemScope, RANGE))
    calendar = createWorkCalendar(rows, RANGE)
    admin = await signIn(t.app, 'admin')
  })
  afterAll(async () => { await t.close() })

  it('has the State Council days of 2026: holidays on weekdays, make-up workdays on weekends', () => {
    const of2026 = rows.filter((r) => r.day.startsWith('2026-'))
    expect(of2026.filter((r) => !r.isWorkday).map((r) => r.day)).toContain('2026-10-01')
    for (const r of of2026.filter((x) => x.isWorkday)) expect([0, 6]).toContain(weekday(r.day))
    expect(of2026.filter((r) => r.isWorkday).map((r) => r.day).sort()).toEqual(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'])
    // Each holiday block takes the statutory days plus the weekend days the make-up Saturdays and Sundays pay for.
    const weekdaysOff = of2026.filter((r) => !r.isWorkday && ![0, 6].includes(weekday(r.day))).length
    expect(weekdaysOff - of2026.filter((r) => r.isWorkday).length).toBe(13)
  })

  it('holds the laws for random starts and lengths across 2026', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 364 }), fc.integer({ min: 0, max: 40 }), (offset, n) => {
      const from = addDays('2026-01-01', offset)
      checkLaws(calendar, from, n)
      expect(rows.some((r) => r.day === calendar.addWorkingDays(from, n) && !r.isWorkday)).toBe(false)
    }), { numRuns: 500 })
  })

  it('GET /calendar/workdays answers the date N working days after from (contract), for anyone', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/calendar/workdays?from=2026-09-30&days=3' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ from: '2026-09-30', days: 3, date: '2026-10-10' })
    const spring = await t.app.inject({ method: 'GET', url: '/api/v1/calendar/workdays?from=2026-02-13&days=1' })
    expect(spring.json().date).toBe('2026-02-14')
    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/calendar/workdays?from=2026-02-30&days=1' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().errors[0].field).toBe('from')
    const missing = await t.app.inject({ method: 'GET', url: '/api/v1/calendar/workdays?from=2026-02-01' })
    expect(missing.statusCode).toBe(400)
    expect(missing.json().errors[0].field).toBe('querystring.days')
  })

  it('lets calendar.manage edit days and years, audited and evented; others get 403', async () => {
    const dispatcher = await signIn(t.app, 'district-a.dispatcher')
    expect((await dispatcher.put('/api/v1/calendar/days/2027-01-01', { isWorkday: false, name: '元旦' })).statusCode).toBe(403)
    expect((await dispatcher.get('/api/v1/calendar/days?year=2026')).json().items.length).toBe(rows.filter((r) => r.day.startsWith('2026')).length)

    const set = await admin.put('/api/v1/calendar/days/2027-01-01', { isWorkday: false, name: '元旦' })
    expect(set.statusCode).toBe(200)
    expect(set.json()).toMatchObject({ day: '2027-01-01', isWorkday: false, name: '元旦' })
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/calendar/workdays?from=2026-12-31&days=1' })).json().date).toBe('2027-01-04')

    const year = await admin.put('/api/v1/calendar/years/2027', { days: [{ day: '2027-01-01', isWorkday: false, name: '元旦' }, { day: '2027-01-02', isWorkday: false, name: '元旦' }] })
    expect(year.statusCode).toBe(200)
    expect(year.json().items.map((d: { day: string }) => d.day)).toEqual(['2027-01-01', '2027-01-02'])
    const outside = await admin.put('/api/v1/calendar/years/2027', { days: [{ day: '2028-01-01', isWorkday: false, name: '元旦' }] })
    expect(outside.statusCode).toBe(400)
    expect(outside.json().errors[0].field).toBe('days.0.day')

    expect((await admin.delete('/api/v1/calendar/days/2027-01-02')).statusCode).toBe(204)
    expect((await admin.delete('/api/v1/calendar/days/2027-01-02')).statusCode).toBe(404)
    const { audit, events } = await inScope(t.db, systemScope, async (trx) => ({
      audit: (await trx.selectFrom('audit_log').select('action').where('action', 'like', 'calendar.%').execute()).map((r) => r.action),
      events: await trx.selectFrom('outbox_events').select(['type', 'payload']).where('type', '=', 'calendar.changed').execute(),
    }))
    expect(audit).toEqual(['calendar.day.set', 'calendar.year.replace', 'calendar.day.remove'])
    expect(events.map((e) => e.payload)).toEqual([{ from: '2027-01-01', to: '2027-01-01' }, { from: '2027-01-01', to: '2027-12-31' }, { from: '2027-01-02', to: '2027-01-02' }])
  })
})
