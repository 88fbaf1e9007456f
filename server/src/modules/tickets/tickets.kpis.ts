import { sql } from 'kysely'
import type { Database } from '../../db/database.js'
import { inScope } from '../../db/scope.js'
import { AppError } from '../../kernel/errors.js'
import { addDays, dayNumber, endOfShanghaiDay, shanghaiDate, type IsoDate } from '../calendar/calendar.js'
import * as catalogue from './catalogue.store.js'
import { viewOf, type TicketActing } from './tickets.core.js'
import { kindNames, stateNames, type TicketKind, type TicketState } from './tickets.model.js'

/**
 * KPIs of citizens' messages per lead department and period (definitions in docs/design/tickets.md,
 * "KPIs"). One SQL statement per view, read through the tickets_tenant_created index
 * (tenant_id, created_at): the period is a range of submission times within one center.
 */

/** The longest period one question may cover (keeps every statement bounded). */
export const MAX_PERIOD_DAYS = 366
/** The overdue list stops here; the count in the figures is still exact. */
export const MAX_OVERDUE_ROWS = 500

export interface KpiQuery {
  from: IsoDate
  to: IsoDate
  departmentId?: string
}

export interface KpiFigures {
  /** Tickets submitted in the period and taken on (not rejected, not merged). */
  total: number
  responded: number
  /** Tickets whose final deadline has passed or that have a reply: the ones on-time is judged on. */
  due: number
  onTime: number
  resolved: number
  rated: number
  satisfied: number
  replied: number
  overdue: number
  /** Ratios 0…1 rounded to 4 places, null when the denominator is 0. */
  responseRate: number | null
  onTimeRate: number | null
  resolutionRate: number | null
  satisfactionRate: number | null
  /** Mean working days from submission to the (latest) reply, 2 places; null with no reply. */
  averageHandlingDays: number | null
}

export interface KpiDepartmentRow extends KpiFigures {
  department: { id: string; name: string }
}

export interface KpiOverdueRow {
  id: string
  number: string
  title: string
  kind: TicketKind
  kindName: string
  state: TicketState
  stateName: string
  department: { id: string; name: string } | null
  createdAt: Date
  finalDueAt: Date
  repliedAt: Date | null
  /** Working days past the final deadline: to the reply, or to today while none came. */
  overdueWorkingDays: number
}

export interface KpiTrendPoint {
  /** First day of the bucket (a day, or a month for periods over 62 days). */
  period: IsoDate
  received: number
  replied: number
}

export interface KpiReport {
  from: IsoDate
  to: IsoDate
  generatedAt: Date
  bucket: 'day' | 'month'
  total: KpiFigures
  departments: KpiDepartmentRow[]
  trend: KpiTrendPoint[]
  overdue: KpiOverdueRow[]
  isOverdueTruncated: boolean
}

interface RawFigures {
  department_id: string | null
  is_total: boolean
  total: string | number
  responded: string | number
  due: string | number
  on_time: string | number
  resolved: string | number
  rated: string | number
  satisfied: string | number
  replied: string | number
  overdue: string | number
  handling_days_sum: string | number | null
}

const ratio = (n: number, d: number) => (d === 0 ? null : Math.round((n / d) * 10000) / 10000)

function figuresOf(r: RawFigures): KpiFigures {
  const n = (v: string | number | null) => Number(v ?? 0)
  const f = {
    total: n(r.total), responded: n(r.responded), due: n(r.due), onTime: n(r.on_time), resolved: n(r.resolved), rated: n(r.rated),
    satisfied: n(r.satisfied), replied: n(r.replied), overdue: n(r.overdue),
  }
  return {
    ...f,
    responseRate: ratio(f.responded, f.total), onTimeRate: ratio(f.onTime, f.due), resolutionRate: ratio(f.resolved, f.total),
    satisfactionRate: ratio(f.satisfied, f.rated),
    averageHandlingDays: f.replied === 0 ? null : Math.round((n(r.handling_days_sum) / f.replied) * 100) / 100,
  }
}

const emptyFigures = figuresOf({
  department_id: null, is_total: true, total: 0, responded: 0, due: 0, on_time: 0, resolved: 0, rated: 0, satisfied: 0, replied: 0, overdue: 0, handling_days_sum: null,
})

function invalid(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `${field}: ${message}`, { errors: [{ field, message }] })
}

/** Checks a period and returns it with the instants it covers (whole days in Asia/Shanghai). */
export function periodOf(query: KpiQuery): { from: IsoDate; to: IsoDate; start: Date; end: Date } {
  if (dayNumber(query.to) < dayNumber(query.from)) throw invalid('to', '结束日期不能早于开始日期')
  if (dayNumber(query.to) - dayNumber(query.from) + 1 > MAX_PERIOD_DAYS) throw invalid('to', `统计区间最长 ${MAX_PERIOD_DAYS} 天`)
  // start = the first second of `from` in Shanghai; end = the last second of `to`, exclusive bound + 1 s.
  const start = new Date(endOfShanghaiDay(addDays(query.from, -1)).getTime() + 1000)
  const end = new Date(endOfShanghaiDay(query.to).getTime() + 1000)
  return { from: query.from, to: query.to, start, end }
}

export function createKpiService({ db, clock = () => new Date() }: { db: Database; clock?: () => Date }) {
  async function report(acting: TicketActing, query: KpiQuery): Promise<KpiReport> {
    const period = periodOf(query)
    const view = viewOf(acting.tenant)
    // A department sees its own figures only, whatever it asks for.
    const departmentId = view.kind === 'department' ? view.departmentId : query.departmentId ?? null
    const centerIds = view.kind === 'center' ? view.centerIds : []
    const now = clock()
    const today = shanghaiDate(now)
    // Working-day ordinals reach from the period's start to today (replies may come after the period).
    const lastDay = dayNumber(today) > dayNumber(period.to) ? today : period.to
    const bucket: KpiReport['bucket'] = dayNumber(period.to) - dayNumber(period.from) > 62 ? 'month' : 'day'
    const scope = acting.tenant.scope

    // The center's own tickets, or for a department the ones it leads; a department's tickets belong
    // to a center above it, so its path bounds the tenant and the (tenant, lead department, created)
    // index answers both the department filter and a department's own view.
    const tenantIds = view.kind === 'center' ? centerIds : acting.tenant.path.filter((id) => id !== acting.tenant.id)
    const span = dayNumber(lastDay) - dayNumber(period.from)

    return inScope(db, scope, async (trx) => {
      const base = sql`
        base as (
          select t.id, t.number, t.title, t.kind, t.state, t.lead_department_id, t.created_at, t.first_response_at, t.replied_at,
                 t.final_due_at, (t.created_at at time zone 'Asia/Shanghai')::date as created_day
          from tickets t
          where t.created_at >= ${period.start} and t.created_at < ${period.end}
            and t.state not in ('rejected', 'merged')
            and t.tenant_id = any(${sql.val(tenantIds)}::uuid[])
            and ${departmentId ? sql`t.lead_department_id = ${departmentId}::uuid` : sql`true`}
        )`
      // Working-day ordinals, one row per day. An integer series, not a date one: the planner then
      // knows it has span + 1 rows (a date series is guessed at 1,000, which turned the joins below
      // into sorts of every ticket and pushed the estimated cost into JIT compilation).
      const days = sql`
        days as (
          select d.day, sum(case when coalesce(c.is_workday, extract(isodow from d.day) < 6) then 1 else 0 end) over (order by d.day) as ord
          from (select ${period.from}::date + i as day from generate_series(0, ${span}::int) i) d
          left join calendar_days c on c.day = d.day
        )`
      const isOverdue = sql`((b.replied_at is null and b.final_due_at < ${now} and b.state in ('submitted', 'accepted', 'returned', 'routed', 'signed_for', 'in_progress'))
                   or b.replied_at > b.final_due_at)`

      // The only view that needs ratings and handling days. The latest rating is the one no later
      // rating follows: a join the planner may answer with index probes for a month or with one
      // hash over the center's ratings for a year (a LATERAL … LIMIT 1 allowed only the probes).
      // A rating belongs to the ticket's center, which lets the tenant condition skip other centers.
      const figures = await sql<RawFigures>`
        with ${base}, ${days},
        facts as (
          select b.lead_department_id, b.state, b.first_response_at, b.replied_at,
                 (b.replied_at is not null or b.final_due_at < ${now}) as is_due,
                 (b.replied_at is not null and b.replied_at <= b.final_due_at) as is_on_time,
                 ${isOverdue} as is_overdue,
                 r.rating,
                 (dr.ord - dc.ord) as handling_days
          from base b
          left join ticket_ratings r on r.ticket_id = b.id and r.tenant_id = any(${sql.val(tenantIds)}::uuid[])
            and not exists (
              select 1 from ticket_ratings n
              where n.ticket_id = r.ticket_id and n.tenant_id = any(${sql.val(tenantIds)}::uuid[]) and (n.created_at, n.id) > (r.created_at, r.id))
          left join days dc on dc.day = b.created_day
          left join days dr on dr.day = (b.replied_at at time zone 'Asia/Shanghai')::date
        )
        select lead_department_id as department_id, grouping(lead_department_id) = 1 as is_total,
               count(*) as total,
               count(*) filter (where first_response_at is not null) as responded,
               count(*) filter (where is_due) as due,
               count(*) filter (where is_on_time) as on_time,
               count(*) filter (where state in ('replied', 'closed')) as resolved,
               count(rating) as rated,
               count(*) filter (where rating in ('satisfied', 'basically')) as satisfied,
               count(*) filter (where replied_at is not null) as replied,
               count(*) filter (where is_overdue) as overdue,
               sum(handling_days) filter (where replied_at is not null) as handling_days_sum
        from facts
        group by grouping sets ((lead_department_id), ())
      `.execute(trx)

      // Counted per day first (at most 366 groups), then per bucket: no sort of every ticket.
      const trend = await sql<{ period: string; received: string | number; replied: string | number }>`
        with ${base},
        per_day as (
          select b.created_day, count(*) as received, count(*) filter (where b.replied_at is not null) as replied
          from base b group by b.created_day
        )
        select to_char(date_trunc(${bucket}, created_day), 'YYYY-MM-DD') as period, sum(received) as received, sum(replied) as replied
        from per_day group by 1 order by 1
      `.execute(trx)

      // The first rows by deadline are picked from the tickets alone; working days only for those.
      const overdue = await sql<{
        id: string; number: string; title: string; kind: TicketKind; state: TicketState; lead_department_id: string | null
        created_at: Date; final_due_at: Date; replied_at: Date | null; overdue_days: string | number
      }>`
        with ${base}, ${days},
        late as (
          select b.* from base b where ${isOverdue}
          order by b.final_due_at, b.id
          limit ${MAX_OVERDUE_ROWS + 1}
        )
        select f.id, f.number, f.title, f.kind, f.state, f.lead_department_id, f.created_at, f.final_due_at, f.replied_at,
               greatest(0, coalesce(dr.ord, (select dt.ord from days dt where dt.day = ${today}::date)) - dd.ord) as overdue_days
        from late f
        left join days dd on dd.day = (f.final_due_at at time zone 'Asia/Shanghai')::date
        left join days dr on dr.day = (f.replied_at at time zone 'Asia/Shanghai')::date
        order by f.final_due_at, f.id
      `.execute(trx)

      const departmentIds = figures.rows.map((r) => r.department_id).concat(overdue.rows.map((r) => r.lead_department_id)).filter((x): x is string => Boolean(x))
      const names = await catalogue.tenantNames(trx, scope, departmentIds)
      const ref = (id: string | null) => (id ? { id, name: names.get(id) ?? '' } : null)
      const totalRow = figures.rows.find((r) => r.is_total)
      const departments = figures.rows.filter((r) => !r.is_total && r.department_id)
        .map((r) => ({ department: ref(r.department_id)!, ...figuresOf(r) }))
        .sort((a, b) => b.total - a.total || a.department.name.localeCompare(b.department.name, 'zh-CN'))

      return {
        from: period.from, to: period.to, generatedAt: now, bucket,
        total: totalRow ? figuresOf(totalRow) : emptyFigures,
        departments,
        trend: trend.rows.map((r) => ({ period: r.period, received: Number(r.received), replied: Number(r.replied) })),
        overdue: overdue.rows.slice(0, MAX_OVERDUE_ROWS).map((r) => ({
          id: r.id, number: r.number, title: r.title, kind: r.kind, kindName: kindNames[r.kind], state: r.state, stateName: stateNames[r.state],
          department: ref(r.lead_department_id), createdAt: new Date(r.created_at), finalDueAt: new Date(r.final_due_at),
          repliedAt: r.replied_at ? new Date(r.replied_at) : null, overdueWorkingDays: Number(r.overdue_days ?? 0),
        })),
        isOverdueTruncated: overdue.rows.length > MAX_OVERDUE_ROWS,
      }
    })
  }

  return { report }
}
