/**
 * Working days in mainland China: Monday to Friday, except the official holidays, plus the
 * make-up workdays (调休) on weekends, both kept as data (calendar_days). Dates are 'YYYY-MM-DD'
 * strings in Asia/Shanghai (UTC+8 all year, no daylight saving), handled as day numbers since
 * 1970-01-01 so no local time zone of the server can shift them.
 *
 * Counting rule (the usual one for statutory time limits): the day of submission is day 0 and
 * the next working day is day 1. `addWorkingDays(d, n)` for n ≥ 1 is the n-th working day after
 * `d`; for n = 0 ("same day", urgent) it is `d` itself when `d` is a working day, else the next one.
 */

export type IsoDate = string

const DAY_MS = 86_400_000
const SHANGHAI_OFFSET_MS = 8 * 3_600_000
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** True for a real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value)
  if (!m) return false
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3])
}

/** Days since 1970-01-01 of a YYYY-MM-DD date. */
export function dayNumber(date: IsoDate): number {
  if (!isIsoDate(date)) throw new Error(`not a date: ${date}`)
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS
}

export function fromDayNumber(n: number): IsoDate {
  return new Date(n * DAY_MS).toISOString().slice(0, 10)
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromDayNumber(dayNumber(date) + days)
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekday(date: IsoDate): number {
  return (((dayNumber(date) + 4) % 7) + 7) % 7
}

/** The Asia/Shanghai calendar date of an instant. */
export function shanghaiDate(instant: Date): IsoDate {
  return new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10)
}

/** The last second of a date in Asia/Shanghai (deadlines run to the end of their day). */
export function endOfShanghaiDay(date: IsoDate): Date {
  return new Date((dayNumber(date) + 1) * DAY_MS - SHANGHAI_OFFSET_MS - 1000)
}

/** ISO 8601 in Asia/Shanghai with its offset, e.g. 2026-10-09T23:59:59+08:00. */
export function toShanghaiIso(instant: Date): string {
  return `${new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19)}+08:00`
}

/** A working-day calendar over a known range of dates (outside it a question is an error). */
export interface WorkCalendar {
  readonly from: IsoDate
  readonly to: IsoDate
  isWorkday(date: IsoDate): boolean
  /** The name of the override on `date` (e.g. 国庆节, 国庆节调休上班), or null on an ordinary day. */
  nameOf(date: IsoDate): string | null
  addWorkingDays(from: IsoDate, n: number): IsoDate
  /** Working days d with from < d ≤ to (negative when to < from). */
  workingDaysBetween(from: IsoDate, to: IsoDate): number
}

export interface CalendarOverride {
  day: IsoDate
  isWorkday: boolean
  name: string
}

/**
 * Builds a calendar for the dates from `from` to `to` from the overrides in that range.
 * @example createWorkCalendar(rows, { from: '2026-01-01', to: '2027-12-31' }).addWorkingDays('2026-09-30', 3) // '2026-10-10'
 */
export function createWorkCalendar(overrides: Iterable<CalendarOverride>, range: { from: IsoDate; to: IsoDate }): WorkCalendar {
  const first = dayNumber(range.from)
  const last = dayNumber(range.to)
  const byDay = new Map<number, CalendarOverride>()
  for (const o of overrides) byDay.set(dayNumber(o.day), o)

  const check = (n: number) => {
    if (n < first || n > last) throw new Error(`date ${fromDayNumber(n)} lies outside the loaded calendar ${range.from}…${range.to}`)
  }
  const isWorkdayNumber = (n: number) => {
    check(n)
    const o = byDay.get(n)
    if (o) return o.isWorkday
    const wd = (((n + 4) % 7) + 7) % 7
    return wd !== 0 && wd !== 6
  }

  return {
    from: range.from,
    to: range.to,
    isWorkday: (date) => isWorkdayNumber(dayNumber(date)),
    nameOf: (date) => byDay.get(dayNumber(date))?.name ?? null,
    addWorkingDays(from, n) {
      if (!Number.isInteger(n) || n < 0) throw new Error(`working days must be a whole number ≥ 0, not ${n}`)
      let d = dayNumber(from)
      if (n === 0) {
        while (!isWorkdayNumber(d)) d++
        return fromDayNumber(d)
      }
      let left = n
      while (left > 0) {
        d++
        if (isWorkdayNumber(d)) left--
      }
      return fromDayNumber(d)
    },
    workingDaysBetween(from, to) {
      const a = dayNumber(from)
      const b = dayNumber(to)
      const [lo, hi, sign] = a <= b ? [a, b, 1] : [b, a, -1]
      let count = 0
      for (let d = lo + 1; d <= hi; d++) if (isWorkdayNumber(d)) count++
      return sign * count
    },
  }
}

/**
 * Calendar days to load after `from` so that `n` working days surely fit: even the longest run
 * of days off (a 9-day Spring Festival between weekends) leaves more than 1 working day in 3.
 */
export function spanFor(n: number): number {
  return n * 3 + 60
}
