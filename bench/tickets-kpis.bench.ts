/**
 * Ticket KPIs at scale (issue 5): one center with ~40 departments and BENCH_TICKETS tickets spread
 * over two years (made with generate_series in the database, not row by row), then the statements
 * the console's KPI page runs, timed through the real service (createKpiService().report) with the
 * scope a signed-in user has, so row-level security costs what it costs in production:
 *   - the department table for last month, and for the last 366 days (the longest period allowed),
 *   - one department's figures and overdue list, asked by the center and by the department itself,
 *   - the .xlsx export: the same statements as the JSON report, plus building the workbook.
 * Each view: the median of BENCH_RUNS runs, then EXPLAIN (ANALYZE, BUFFERS) of each of its SQL
 * statements (captured as Kysely compiles them) with the plan's key lines: scans, indexes, rows, sorts.
 *
 *   npm run bench:tickets-kpis                                  (PGlite, 1,000,000 tickets)
 *   BENCH_TICKETS=100000 BENCH_RUNS=3 npm run bench:tickets-kpis
 *   BENCH_DB=postgres npm run bench:tickets-kpis                (a throwaway database on TEST_DATABASE_URL's server)
 *   BENCH_PLANS=1 …                                             (print whole plans)
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { CompiledQuery, sql } from 'kysely'
import { openPGlite, openPostgres, type Database } from '../server/src/db/database.js'
import { createServerDatabase } from '../server/test/server-database.js'
import { statementRecorder } from './statements.js'
import { migrate } from '../server/src/db/migrate.js'
import { inScope, systemScope, tenantScope, type Scope } from '../server/src/db/scope.js'
import { syncBuiltinRoles } from '../server/src/modules/identity/builtin-roles.js'
import { addDays, shanghaiDate, type IsoDate } from '../server/src/modules/calendar/calendar.js'
import { kpiWorkbook } from '../server/src/modules/tickets/kpis.routes.js'
import type { TicketActing } from '../server/src/modules/tickets/tickets.core.js'
import { createKpiService, type KpiQuery, type KpiReport } from '../server/src/modules/tickets/tickets.kpis.js'
import { seedDemo } from '../server/src/seed/demo.js'

const TICKETS = Number(process.env.BENCH_TICKETS ?? 1_000_000)
const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const DEPARTMENTS = 40
const KIND = process.env.BENCH_DB ?? 'pglite'
const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const isPlans = Boolean(process.env.BENCH_PLANS)

const fmt = (n: number, digits = 1) => n.toFixed(digits)
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

async function open(): Promise<{ db: Database; drop: () => Promise<void> }> {
  if (KIND === 'pglite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rongmei-bench-kpis-'))
    const db = await openPGlite(dir)
    return { db, drop: async () => { await db.close().catch(() => {}); fs.rmSync(dir, { recursive: true, force: true }) } }
  }
  if (KIND !== 'postgres') throw new Error(`BENCH_DB must be pglite or postgres, not ${KIND}`)
  const created = await createServerDatabase(PG_URL, { prefix: 'rongmei_bench' })
  const db = await openPostgres(created.url, { poolSize: 4 })
  return {
    db,
    async drop() {
      await db.close().catch(() => {})
      await created.drop()
    },
  }
}

interface Fixture { centerId: string; centerPath: string[]; departments: string[] }

/** The demo tenants plus departments up to DEPARTMENTS under district-a, then the tickets. */
async function generate(db: Database): Promise<Fixture> {
  const base = await inScope(db, systemScope, async (trx) => {
    const center = await trx.selectFrom('tenants').select(['id', 'path']).where('slug', '=', 'district-a').executeTakeFirstOrThrow()
    const other = await trx.selectFrom('tenants').select('id').where('slug', '=', 'district-b').executeTakeFirstOrThrow()
    const services = await trx.selectFrom('ticket_services').select(['id', 'tenant_id']).where('code', '=', 'road').execute()
    const author = await trx.selectFrom('users').select('id').where('username', '=', 'district-a.handler').executeTakeFirstOrThrow()
    return { center, other, services, author }
  })
  const service = (tenant: string) => base.services.find((s) => s.tenant_id === tenant)!.id
  await db.runAsOwner(async (owner) => {
    const existing = Number((await sql<{ n: string }>`select count(*) as n from tenants where parent_id = ${base.center.id}`.execute(owner)).rows[0].n)
    await sql`
      insert into tenants (slug, name, kind, parent_id, path)
      select 'bench-dept-' || i, '压测部门' || lpad(i::text, 2, '0'), 'unit', ${base.center.id}::uuid, '{}'::uuid[]
      from generate_series(1, ${DEPARTMENTS - existing}::int) i`.execute(owner)
    await sql`update tenants set path = ${sql.val(base.center.path)}::uuid[] || id where parent_id = ${base.center.id} and path = '{}'`.execute(owner)
  })
  const departments = await inScope(db, systemScope, async (trx) =>
    (await trx.selectFrom('tenants').select('id').where('parent_id', '=', base.center.id).orderBy('slug').execute()).map((r) => r.id))

  const started = performance.now()
  const steps: string[] = []
  let mark = started
  const step = (name: string) => { const t = performance.now(); steps.push(`${name} ${fmt((t - mark) / 1000)} s`); mark = t }
  await db.runAsOwner(async (owner) => {
    // Bulk load the usual way: secondary indexes dropped, then built once from the rows, with the
    // very definitions the migrations gave them (constraint indexes stay).
    const indexes = (await sql<{ name: string; def: string }>`
      select indexname as name, indexdef as def from pg_indexes
      where schemaname = current_schema() and tablename in ('tickets', 'ticket_assignments', 'ticket_replies', 'ticket_ratings')
        and indexname not in (select conname from pg_constraint)`.execute(owner)).rows
    for (const i of indexes) await sql`drop index ${sql.id(i.name)}`.execute(owner)
    // One in 20 tickets belongs to the other center, so the tenant condition has rows to skip.
    // Departments get a skewed share (a few handle most messages): index floor(40 · u²).
    // Older tickets are mostly finished; a few stay open long past their deadline (the overdue ones);
    // the last month has every handling state. Replies come 0–20 days after submission against a
    // ~15-day deadline, so about a quarter are late.
    await sql`
      insert into tickets (tenant_id, lookup_code, channel, kind, service_id, title, body, state, lead_department_id,
        clock_anchor, sign_for_anchor, sign_for_days, first_response_days, final_days, sign_for_due_at, first_response_due_at,
        final_due_at, signed_for_at, first_response_at, replied_at, closed_at, created_at, updated_at, citizen_phone)
      select tenant_id, lookup_code, 'web', kind, service_id, '压测留言 ' || g, '批量生成的留言内容，反映道路、教育、医疗等问题。' || g, state,
        case when state in ('submitted', 'accepted', 'rejected') then null else dept end,
        created::date, created::date, 1, 3, 15, created + interval '1 day', created + interval '3 days', created + interval '15 days',
        case when state in ('submitted', 'accepted', 'rejected', 'merged', 'routed') then null else created + interval '6 hours' end,
        case when state in ('signed_for', 'submitted', 'accepted', 'rejected', 'merged', 'routed') then null else created + r2 * interval '2 days' end,
        case when state in ('reply_review', 'replied', 'closed') then created + r2 * interval '20 days' end,
        case when state = 'closed' then created + r2 * interval '20 days' + interval '3 days' end,
        created, created, '13' || lpad(g::text, 9, '0')
      from (
        select g, r2, created, lookup_code, tenant_id, service_id, dept,
          (array['consultation', 'help', 'complaint', 'suggestion', 'report', 'praise'])[1 + (g % 6)] as kind,
          case
            when r < 0.02 then 'rejected' when r < 0.03 then 'merged'
            when created < now() - interval '30 days' then
              case when r < 0.05 then 'in_progress' when r < 0.06 then 'signed_for' when r < 0.35 then 'replied' else 'closed' end
            else
              case when r < 0.10 then 'submitted' when r < 0.15 then 'accepted' when r < 0.25 then 'routed' when r < 0.40 then 'signed_for'
                   when r < 0.55 then 'in_progress' when r < 0.62 then 'reply_review' when r < 0.80 then 'replied' else 'closed' end
          end as state
        from (
          select g, random() as r, random() as r2, now() - random() * interval '730 days' as created, 'K' || lpad(g::text, 10, '0') as lookup_code,
            case when g % 20 = 0 then ${base.other.id}::uuid else ${base.center.id}::uuid end as tenant_id,
            case when g % 20 = 0 then ${service(base.other.id)}::uuid else ${service(base.center.id)}::uuid end as service_id,
            case when g % 20 = 0 then null else (${sql.val(departments)}::uuid[])[1 + floor(${DEPARTMENTS} * power(random(), 2))::int] end as dept
          from generate_series(1, ${TICKETS}::int) g
        ) x
      ) y`.execute(owner)
    step('tickets')
    // Departments see a ticket through their current (lead) assignment: row-level security reads it.
    await sql`
      insert into ticket_assignments (tenant_id, ticket_id, department_id, role, assigned_at, signed_for_at)
      select tenant_id, id, lead_department_id, 'lead', created_at + interval '2 hours', signed_for_at
      from tickets where lead_department_id is not null`.execute(owner)
    step('assignments')
    // Two in three closed tickets were rated (a reply row each: a rating belongs to a reply).
    await sql`
      insert into ticket_replies (tenant_id, ticket_id, department_id, round, body, public_body, state, author_id, author_name, created_at, published_at)
      select tenant_id, id, lead_department_id, 1, '您好，已处理。', '您好，已处理。', 'published', ${base.author.id}::uuid, '压测', replied_at, replied_at
      from tickets where state = 'closed' and lead_department_id is not null and number % 3 <> 0`.execute(owner)
    await sql`
      insert into ticket_ratings (tenant_id, ticket_id, reply_id, rating, created_at)
      select r.tenant_id, r.ticket_id, r.id, (array['satisfied', 'satisfied', 'basically', 'unsatisfied'])[1 + floor(random() * 4)::int], r.created_at + interval '1 day'
      from ticket_replies r`.execute(owner)
    step('replies and ratings')
    for (const i of indexes) await sql.raw(i.def).execute(owner)
    step('indexes')
    // As autovacuum would have left them: statistics and visibility maps up to date.
    await sql`vacuum analyze tickets, ticket_assignments, ticket_replies, ticket_ratings, tenants`.execute(owner)
    step('vacuum')
  })
  const counts = await inScope(db, systemScope, async (trx) => (await sql<{ tickets: string; ratings: string; assignments: string; open_late: string }>`
    select (select count(*) from tickets) as tickets, (select count(*) from ticket_ratings) as ratings,
           (select count(*) from ticket_assignments) as assignments,
           (select count(*) from tickets where replied_at is null and final_due_at < now() and state in ('routed', 'signed_for', 'in_progress')) as open_late`.execute(trx)).rows[0])
  console.log(`[${db.kind}] ${Number(counts.tickets).toLocaleString()} tickets over 2 years (${departments.length} departments in the center, 5% in another center), `
    + `${Number(counts.assignments).toLocaleString()} assignments, ${Number(counts.ratings).toLocaleString()} ratings, ${Number(counts.open_late).toLocaleString()} open past their deadline; `
    + `generated in ${fmt((performance.now() - started) / 1000)} s (${steps.join(', ')})`)
  return { centerId: base.center.id, centerPath: base.center.path, departments }
}

interface Plan { sql: string; ms: number; keyLines: string[]; plan: string }

async function explain(db: Database, scope: Scope, compiled: CompiledQuery): Promise<Plan> {
  return inScope(db, scope, async (trx) => {
    const result = await trx.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain (analyze, buffers) ${compiled.sql}`, [...compiled.parameters]))
    const plan = result.rows.map((r) => r['QUERY PLAN']).join('\n')
    // Where the rows come from and how many: scans of the ticket tables, their index conditions,
    // rows thrown away after reading, aggregates and sorts (the small calendar CTE left out).
    const keyLines = plan.split('\n')
      .filter((l) => /Scan on (tickets|ticket_)|Scan using|Index Cond|Rows Removed by Filter|Aggregate|Sort Method|^\s*(->\s*)?Sort /.test(l))
      .filter((l) => !/calendar_days|Memory: \d\dkB/.test(l))
      .map((l) => l.replace(/\(cost=[^)]*\) /, '').replace(/\s+$/, ''))
      .map((l) => (l.length > 200 ? `${l.slice(0, 197)}…` : l))
    return { sql: compiled.sql, ms: Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? Number.NaN), keyLines, plan }
  })
}

interface Scenario { name: string; acting: TicketActing; query: KpiQuery; isExport?: boolean }
interface Result { name: string; ms: number; rows: number; statements: Plan[]; workbookMs?: number }

async function measure(db: Database, s: Scenario): Promise<Result> {
  const rec = statementRecorder()
  const kpis = createKpiService({ db: { ...db, kysely: db.kysely.withPlugin(rec.plugin) } })
  const times: number[] = []
  let report!: KpiReport
  for (let i = 0; i < RUNS; i++) {
    rec.nodes.length = 0
    const t0 = performance.now()
    report = await kpis.report(s.acting, s.query)
    times.push(performance.now() - t0)
  }
  let workbookMs: number | undefined
  if (s.isExport) {
    const t0 = performance.now()
    await kpiWorkbook(report)
    workbookMs = performance.now() - t0
  }
  // The KPI statements only: the scope's set_config and the department names lookup are not interesting.
  const statements: Plan[] = []
  for (const compiled of rec.compiled(db.kysely)) {
    if (!/^\s*with\b/i.test(compiled.sql)) continue
    statements.push(await explain(db, s.acting.tenant.scope, compiled))
  }
  return { name: s.name, ms: median(times), rows: report.total.total, statements, workbookMs }
}

function statementName(sqlText: string): string {
  if (/grouping sets/.test(sqlText)) return 'figures'
  if (/date_trunc/.test(sqlText)) return 'trend'
  if (/\blate as\b|is_overdue\s+order by/.test(sqlText)) return 'overdue list'
  return 'statement'
}

async function main(): Promise<void> {
  const { db, drop } = await open()
  try {
    await migrate(db)
    await syncBuiltinRoles(db)
    await seedDemo(db, { password: 'Bench-Demo-Pass-1' })
    const fx = await generate(db)
    const busiest = fx.departments[0]
    const today = shanghaiDate(new Date())
    const firstOfMonth = `${today.slice(0, 8)}01` as IsoDate
    const lastMonth: KpiQuery = { from: `${addDays(firstOfMonth, -1).slice(0, 8)}01` as IsoDate, to: addDays(firstOfMonth, -1) }
    const lastYear: KpiQuery = { from: addDays(today, -365), to: today }
    const actingAs = (id: string, kind: 'center' | 'unit', p: string[]): TicketActing => ({
      actorId: null, actorName: '压测', audit: { actorId: null, actorName: '压测', tenantId: id, ip: null, requestId: null },
      tenant: { id, kind, path: p, scope: tenantScope(id) },
    })
    const center = actingAs(fx.centerId, 'center', fx.centerPath)
    const department = actingAs(busiest, 'unit', [...fx.centerPath, busiest])
    const scenarios: Scenario[] = [
      { name: 'center, last month', acting: center, query: lastMonth },
      { name: 'center, 366 days', acting: center, query: lastYear },
      { name: 'center → one department, 366 days', acting: center, query: { ...lastYear, departmentId: busiest } },
      { name: 'department user, 366 days', acting: department, query: lastYear },
      { name: 'department user, last month', acting: department, query: lastMonth },
      { name: '.xlsx export, center, 366 days', acting: center, query: lastYear, isExport: true },
    ]
    const results: Result[] = []
    for (const s of scenarios) {
      const r = await measure(db, s)
      results.push(r)
      console.log(`\n${r.name} (${s.query.from} … ${s.query.to}): median ${fmt(r.ms)} ms of ${RUNS} runs, ${r.rows.toLocaleString()} tickets counted`
        + (r.workbookMs !== undefined ? `; workbook built in ${fmt(r.workbookMs)} ms (same SQL as the JSON report)` : ''))
      if (s.isExport) continue
      for (const st of r.statements) {
        console.log(`  ${statementName(st.sql)}: ${fmt(st.ms, 1)} ms (EXPLAIN ANALYZE)`)
        for (const l of (isPlans ? st.plan.split('\n') : st.keyLines)) console.log(`    ${l}`)
      }
    }
    console.log(`\n[${db.kind}] ticket KPIs at ${TICKETS.toLocaleString()} tickets, ${os.cpus().length} cores, median of ${RUNS} runs`)
    console.log(`  ${'view'.padEnd(36)} ${'report ms'.padStart(10)}  ${'figures'.padStart(9)} ${'trend'.padStart(9)} ${'overdue'.padStart(9)}  tickets`)
    for (const r of results) {
      const by = (n: string) => r.statements.find((s) => statementName(s.sql) === n)?.ms
      const cell = (v: number | undefined) => (v === undefined ? '' : fmt(v)).padStart(9)
      console.log(`  ${r.name.padEnd(36)} ${fmt(r.ms).padStart(10)}  ${cell(by('figures'))} ${cell(by('trend'))} ${cell(by('overdue list'))}  ${r.rows.toLocaleString()}`)
    }
  } finally {
    await drop()
  }
}

await main()
