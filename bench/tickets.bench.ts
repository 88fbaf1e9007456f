/**
 * Citizens' messages benchmark (issue 5):
 * 1. submissions per second through the public endpoint (validation, duplicate guard, daily limit,
 *    deadlines from the calendar, routing suggestion, timeline, event, audit), the app listening on a
 *    port and concurrent HTTP clients in a worker thread; on the embedded database and on Postgres.
 *    Baseline beside it: the same load on GET /api/v1/calendar/workdays (HTTP stack + one small query).
 * 2. the overdue scan at 1 million open tickets on the Postgres server (rows made with generate_series
 *    there): EXPLAIN ANALYZE of the scan's query, one full scan run over the due tickets, and the
 *    baseline of finding overdue tickets from their deadline columns without the next_check_at index.
 *
 *   npm run bench:tickets
 *   BENCH_SECONDS=10 BENCH_CONCURRENCY=32 BENCH_ROWS=1000000 BENCH_DB=pglite,postgres npm run bench:tickets
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import { CompiledQuery, sql } from 'kysely'
import { buildApp } from '../server/src/app.js'
import { loadConfig } from '../server/src/config.js'
import { openPGlite, openPostgres, type Database } from '../server/src/db/database.js'
import { createServerDatabase } from '../server/test/server-database.js'
import { migrate } from '../server/src/db/migrate.js'
import { inScope, systemScope } from '../server/src/db/scope.js'
import { syncBuiltinRoles } from '../server/src/modules/identity/builtin-roles.js'
import { createDeadlinesService } from '../server/src/modules/tickets/tickets.deadlines.js'
import { selectTickets } from '../server/src/modules/tickets/tickets.store.js'
import { seedDemo } from '../server/src/seed/demo.js'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32)
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000)
const KINDS = (process.env.BENCH_DB ?? 'pglite,postgres').split(',')
const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

// The load generator: plain JS in its own thread, so the server keeps the main event loop.
const loadGenerator = `
const { workerData, parentPort } = require('node:worker_threads')
const http = require('node:http')
const { port, path, method, seconds, concurrency, seed } = workerData
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency })
let n = 0
function body() {
  const i = n++
  return JSON.stringify({ kind: 'complaint', category: 'road', title: '路面破损需要维修', name: '压测',
    text: '东湖路' + i + '号附近路面破损，车辆通行困难，请尽快维修。' + seed + '-' + i,
    address: '东湖路' + i + '号', phone: '13' + String(seed * 1000000 + i).padStart(9, '0').slice(-9), consent: true })
}
function once() {
  return new Promise((resolve) => {
    const payload = method === 'POST' ? body() : null
    const req = http.request({ host: '127.0.0.1', port, path, method, agent,
      headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {} }, (res) => {
      res.resume(); res.on('end', () => resolve(res.statusCode))
    })
    req.on('error', () => resolve(0))
    req.end(payload ?? undefined)
  })
}
;(async () => {
  const end = Date.now() + seconds * 1000
  const statuses = {}; const latencies = []
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (Date.now() < end) {
      const t0 = performance.now(); const s = await once(); latencies.push(performance.now() - t0)
      statuses[s] = (statuses[s] || 0) + 1
    }
  }))
  latencies.sort((a, b) => a - b)
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]
  parentPort.postMessage({ statuses, p50: q(0.5), p95: q(0.95), p99: q(0.99) })
  agent.destroy()
})()
`

interface Load { statuses: Record<string, number>; p50: number; p95: number; p99: number }

function load(port: number, { path: url, method, seconds }: { path: string; method: 'GET' | 'POST'; seconds: number }): Promise<Load> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(loadGenerator, { eval: true, workerData: { port, path: url, method, seconds, concurrency: CONCURRENCY, seed: crypto.randomInt(1, 999) } })
    worker.once('message', resolve)
    worker.once('error', reject)
  })
}

async function freshPostgres(): Promise<{ db: Database; drop: () => Promise<void> }> {
  const created = await createServerDatabase(PG_URL, { prefix: 'rongmei_bench' })
  const db = await openPostgres(created.url, { poolSize: 10 })
  return {
    db,
    async drop() {
      await db.close()
      await created.drop()
    },
  }
}

async function ready(db: Database) {
  await migrate(db)
  await syncBuiltinRoles(db)
  await seedDemo(db, { password: 'Bench-Demo-Pass-1' })
}

const fmt = (n: number, digits = 1) => n.toFixed(digits)

async function submissions(kind: string): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rongmei-bench-'))
  const { db, drop } = kind === 'pglite'
    ? { db: await openPGlite(dir), drop: async () => {} }
    : await freshPostgres()
  try {
    await ready(db)
    const config = loadConfig({ NODE_ENV: 'test', RONGMEI_DATA_DIR: dir, LOG_LEVEL: 'silent' }, { publicRateLimitPerMinute: 1e9, open311RateLimitPerMinute: 1e9 })
    const app = await buildApp({ config, db })
    await app.listen({ port: 0, host: '127.0.0.1' })
    const port = (app.server.address() as { port: number }).port
    const base = await load(port, { path: '/api/v1/calendar/workdays?from=2026-09-30&days=13', method: 'GET', seconds: Math.max(3, SECONDS / 3) })
    const baseRate = (base.statuses['200'] ?? 0) / Math.max(3, SECONDS / 3)
    const run = await load(port, { path: '/api/v1/public/district-a/tickets', method: 'POST', seconds: SECONDS })
    const ok = run.statuses['201'] ?? 0
    const failed = Object.entries(run.statuses).filter(([s]) => s !== '201')
    const stored = await inScope(db, systemScope, async (trx) => Number((await trx.selectFrom('tickets').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n))
    console.log(`\n[${kind}] public submissions, ${CONCURRENCY} concurrent clients, ${SECONDS} s, ${os.cpus().length} cores`)
    console.log(`  submissions: ${fmt(ok / SECONDS)} /s  (p50 ${fmt(run.p50)} ms, p95 ${fmt(run.p95)} ms, p99 ${fmt(run.p99)} ms; ${ok} stored = ${stored} rows${failed.length ? `; other statuses ${JSON.stringify(Object.fromEntries(failed))}` : ''})`)
    console.log(`  baseline GET /calendar/workdays: ${fmt(baseRate)} /s  (p50 ${fmt(base.p50)} ms)`)
    await app.close()
  } finally {
    await db.close().catch(() => {})
    await drop()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

async function explain(db: Database, compiled: CompiledQuery): Promise<{ ms: number; plan: string }> {
  return inScope(db, systemScope, async (trx) => {
    const result = await trx.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain (analyze, buffers) ${compiled.sql}`, [...compiled.parameters]))
    const plan = result.rows.map((r) => r['QUERY PLAN']).join('\n')
    return { ms: Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? Number.NaN), plan }
  })
}

async function overdueScan(): Promise<void> {
  const { db, drop } = await freshPostgres()
  try {
    await ready(db)
    const ids = await inScope(db, systemScope, async (trx) => ({
      centers: (await trx.selectFrom('tenants').select('id').where('kind', '=', 'center').execute()).map((r) => r.id),
      services: await trx.selectFrom('ticket_services').select(['id', 'tenant_id']).where('code', '=', 'road').execute(),
    }))
    const [a, b] = ids.centers
    const serviceOf = (center: string) => ids.services.find((s) => s.tenant_id === center)!.id
    const started = performance.now()
    // One in 1,000 tickets is due (its final deadline passed); the others wait for a future check.
    await db.runAsOwner((owner) => sql`
      insert into tickets (tenant_id, lookup_code, channel, kind, service_id, title, body, state, clock_anchor, sign_for_anchor,
        sign_for_days, first_response_days, final_days, sign_for_due_at, first_response_due_at, final_due_at, signed_for_at,
        next_check_at, created_at, citizen_phone)
      select case when g % 2 = 0 then ${a}::uuid else ${b}::uuid end, 'B' || lpad(g::text, 9, '0'), 'web', 'complaint',
        case when g % 2 = 0 then ${serviceOf(a)}::uuid else ${serviceOf(b)}::uuid end, '批量留言 ' || g, '批量生成的留言内容 ' || g, 'in_progress',
        (now() - (g % 30) * interval '1 day')::date, (now() - (g % 30) * interval '1 day')::date, 1, 2, 13,
        now() + interval '1 day', now() + interval '2 days',
        case when g % 1000 = 0 then now() - interval '2 hours' else now() + (g % 20 + 1) * interval '1 day' end, now() - interval '1 day',
        case when g % 1000 = 0 then now() - interval '5 minutes' else now() + ((g % 10000) + 1) * interval '1 minute' end,
        now() - (g % 30) * interval '1 day', '13' || lpad(g::text, 9, '0')
      from generate_series(1, ${ROWS}::int) g`.execute(owner))
    await db.runAsOwner((owner) => sql`analyze tickets`.execute(owner))
    const loaded = performance.now() - started
    const now = new Date()
    const scanQuery = selectTickets(db.kysely as never).where('t.next_check_at', '<=', now).orderBy('t.next_check_at').limit(200).forUpdate().skipLocked().compile()
    const scanPlan = await explain(db, scanQuery)
    const naive = db.kysely.selectFrom('tickets').select('id')
      .where('state', 'in', ['submitted', 'accepted', 'returned', 'routed', 'signed_for', 'in_progress'])
      .where((eb) => eb.or([eb('final_due_at', '<=', now), eb.and([eb('first_response_at', 'is', null), eb('first_response_due_at', '<=', now)])]))
      .orderBy('final_due_at').limit(200).compile()
    const naivePlan = await explain(db, naive)
    const inbox = selectTickets(db.kysely as never).where('t.tenant_id', 'in', [a]).where('t.state', 'in', ['submitted', 'accepted', 'returned'])
      .orderBy('t.created_at', 'desc').orderBy('t.id', 'desc').limit(51).compile()
    const inboxPlan = await explain(db, inbox)
    const t0 = performance.now()
    const result = await createDeadlinesService({ db }).scan({ now })
    const scanMs = performance.now() - t0
    const again = performance.now()
    const idle = await createDeadlinesService({ db }).scan({ now })
    const idleMs = performance.now() - again
    console.log(`\n[postgres] overdue scan at ${ROWS.toLocaleString()} open tickets (${(ROWS / 1000).toLocaleString()} due); rows generated in ${fmt(loaded / 1000)} s`)
    console.log(`  scan query (next 200 due, FOR UPDATE SKIP LOCKED): ${fmt(scanPlan.ms, 2)} ms   ${/Index Scan using \w+/.exec(scanPlan.plan)?.[0] ?? 'no index scan!'}`)
    console.log(`  full scan run: ${result.checked} tickets checked, ${result.alerts} alerts raised in ${fmt(scanMs)} ms (${fmt(scanMs / Math.max(1, result.checked), 2)} ms per due ticket); idle run ${fmt(idleMs)} ms (${idle.checked} checked)`)
    console.log(`  baseline, due tickets found from the deadline columns: ${fmt(naivePlan.ms, 2)} ms   ${/(Seq Scan|Index Scan|Bitmap Heap Scan)[^(]*/.exec(naivePlan.plan)?.[0]?.trim() ?? ''}`)
    console.log(`  dispatcher inbox (tenant, state, newest 51): ${fmt(inboxPlan.ms, 2)} ms   ${/Index Scan using \w+/.exec(inboxPlan.plan)?.[0] ?? /(Seq Scan|Bitmap Heap Scan)[^(]*/.exec(inboxPlan.plan)?.[0] ?? ''}`)
    if (process.env.BENCH_PLANS) console.log(`\n${scanPlan.plan}\n\n${naivePlan.plan}\n\n${inboxPlan.plan}`)
  } finally {
    await drop()
  }
}

for (const kind of KINDS) await submissions(kind)
if (KINDS.includes('postgres')) await overdueScan()
