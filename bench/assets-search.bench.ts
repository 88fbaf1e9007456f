/**
 * Media library search under row-level security (DESIGN.md, "Data and safety": the measured trap).
 *
 * Loads ≥ 200,000 asset rows spread over the demo tenants, with search vectors drawn from a
 * skewed vocabulary (a few very common words, a long tail of rare ones), then times the library's
 * search query with EXPLAIN ANALYZE:
 *   - unscoped: as the database owner (a superuser: RLS bypassed), tenant as a plain parameter;
 *   - scoped:   as the app role inside `inScope` (RLS policy on) with the same tenant parameter,
 *               i.e. exactly what `assets.store.listAssets` runs.
 * Target: scoped ≤ 1.2 × unscoped (median of repeated runs). With BENCH_COMPARE=1 it also times
 * the same queries on the index migration 0005 had (GIN on `search` alone), to show the trap.
 *
 *   npm run bench:assets-search                            (embedded PGlite)
 *   BENCH_DATABASE_URL=postgres://… npm run bench:assets-search   (a fresh database on that server)
 *   BENCH_ROWS=1000000 BENCH_COMPARE=1 npm run bench:assets-search
 */
import crypto from 'node:crypto'
import { sql } from 'kysely'
import { openPGlite, openPostgres, type Database } from '../server/src/db/database.js'
import { createServerDatabase } from '../server/test/server-database.js'
import { migrate } from '../server/src/db/migrate.js'
import { inScope, systemScope, tenantScope } from '../server/src/db/scope.js'
import { syncBuiltinRoles } from '../server/src/modules/identity/builtin-roles.js'
import { seedDemo } from '../server/src/seed/demo.js'

const ROWS = Number(process.env.BENCH_ROWS ?? 200_000)
const RUNS = Number(process.env.BENCH_RUNS ?? 15)
const IS_COMPARED = process.env.BENCH_COMPARE === '1'
const SERVER_URL = process.env.BENCH_DATABASE_URL

/** Figures of the first run on the reference machine (2 cores), medians in ms, for comparison. */
const BASELINE = { pglite: { ratio: 1.0 }, postgres: { ratio: 1.0 } }

// A newsroom vocabulary: drawn with a power law, so 春节 or 会议 are everywhere and 白鹭 is rare.
const words = ('会议 春节 乡村 振兴 农业 春耕 学校 医院 交通 道路 桥梁 河道 防汛 消防 党建 志愿者 社区 养老 医保 就业 招聘 '
  + '文化 旅游 古镇 非遗 龙舟 灯会 庙会 体育 马拉松 足球 篮球 环保 垃圾 分类 植树 湿地 白鹭 候鸟 茶叶 稻田 果园 渔业 '
  + '工厂 园区 企业 税收 政务 服务 大厅 窗口 审批 执法 安全 生产 食品 药品 疫苗 天气 暴雨 台风 雪景 日出 夜景 航拍 '
  + '人物 劳模 教师 医生 警察 村干部 老人 儿童 学生 运动员 记者 主持人 领导 调研 座谈 签约 开工 竣工 通车 剪彩').split(' ')

const ms = (value: number) => `${value.toFixed(2)} ms`
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

async function openFresh(): Promise<{ db: Database; label: 'pglite' | 'postgres'; drop: () => Promise<void> }> {
  if (!SERVER_URL) {
    const db = await openPGlite('memory://')
    return { db, label: 'pglite', drop: () => db.close() }
  }
  const created = await createServerDatabase(SERVER_URL, { prefix: 'rongmei_bench' })
  const db = await openPostgres(created.url, { poolSize: 2 })
  return {
    db, label: 'postgres',
    async drop() {
      await db.close()
      await created.drop()
    },
  }
}

/** Inserts the rows in batches with generate_series: one blob, every tenant, skewed words. */
async function load(db: Database, tenantIds: string[], uploaderId: string): Promise<void> {
  const sha = 'a'.repeat(64)
  const vocabulary = `{${words.join(',')}}`
  await db.runAsOwner(async (owner) => {
    await sql`insert into asset_blobs (sha256, size, mime_type, storage_key) values (${sha}, 1, 'image/jpeg', 'bench') on conflict do nothing`.execute(owner)
    const batch = 20_000
    for (let start = 0; start < ROWS; start += batch) {
      const count = Math.min(batch, ROWS - start)
      // Word i is drawn as floor(n × r³): index 0 in ~45% of the draws, the tail in well under 1%.
      await sql`
        insert into assets (tenant_id, kind, sha256, mime_type, size, title, search, uploaded_by, created_at)
        select (${`{${tenantIds.join(',')}}`}::uuid[])[1 + (g % ${tenantIds.length})], 'image', ${sha}, 'image/jpeg', 1, 'bench ' || g,
          -- \`g > 0\` ties the subquery to the row, so every row draws its own words.
          to_tsvector('simple', (select string_agg(x.v[1 + floor(${words.length} * power(random(), 3))::int], ' ')
            from generate_series(1, 8) w, (select ${vocabulary}::text[] as v) x where g > 0)),
          ${uploaderId}::uuid, now() - make_interval(secs => g)
        from generate_series(${start + 1}::int, ${start + count}::int) g`.execute(owner)
    }
    await sql`analyze assets`.execute(owner)
  })
}

/** The library's search (assets.store.listAssets with `q`), as raw SQL for EXPLAIN. */
const searchSql = (tenantId: string, query: string) => sql<{ 'QUERY PLAN': unknown }>`
  explain (analyze, format json)
  select id, ts_rank(search, to_tsquery('simple', ${query}))::float8 as rank from assets
  where tenant_id = ${tenantId} and deleted_at is null and search @@ to_tsquery('simple', ${query})
  order by rank desc, id desc limit 51`

function executionMs(rows: Array<Record<string, unknown>>): { time: number; plan: string } {
  const raw = rows[0]['QUERY PLAN']
  const doc = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<{ 'Execution Time': number; Plan: Record<string, unknown> }>
  const names: string[] = []
  const walk = (node: Record<string, unknown>) => {
    if (node['Index Name']) names.push(`${node['Node Type']} on ${node['Index Name']}`)
    else if (String(node['Node Type']).includes('Scan')) names.push(String(node['Node Type']))
    for (const child of (node.Plans as Array<Record<string, unknown>> | undefined) ?? []) walk(child)
  }
  walk(doc[0].Plan)
  return { time: doc[0]['Execution Time'], plan: names.join(', ') }
}

async function time(db: Database, tenantId: string, query: string, mode: 'unscoped' | 'scoped') {
  const times: number[] = []
  let plan = ''
  for (let i = 0; i < RUNS + 2; i++) {
    const rows = mode === 'unscoped'
      ? await db.runAsOwner(async (owner) => (await searchSql(tenantId, query).execute(owner)).rows)
      : await inScope(db, tenantScope(tenantId), async (trx) => (await searchSql(tenantId, query).execute(trx)).rows)
    const result = executionMs(rows as Array<Record<string, unknown>>)
    plan = result.plan
    if (i >= 2) times.push(result.time) // the first two warm the cache
  }
  return { median: median(times), plan }
}

const queries: Array<[string, string]> = [
  ['rare word (白鹭)', '白鹭'],
  ['middle word (马拉松)', '马拉松'],
  ['very common word (会议)', '会议'],
  ['two words OR (春耕 | 稻田)', '春耕 | 稻田'],
]

async function measure(db: Database, tenantId: string, title: string): Promise<number[]> {
  console.log(`\n   ${title}`)
  console.log(`   ${'query'.padEnd(28)} ${'unscoped'.padStart(11)} ${'scoped'.padStart(11)}  ratio  plan (scoped | unscoped when different)`)
  const ratios: number[] = []
  for (const [label, query] of queries) {
    const unscoped = await time(db, tenantId, query, 'unscoped')
    const scoped = await time(db, tenantId, query, 'scoped')
    const ratio = scoped.median / unscoped.median
    ratios.push(ratio)
    const plans = scoped.plan === unscoped.plan ? scoped.plan : `${scoped.plan} | ${unscoped.plan}`
    console.log(`   ${label.padEnd(28)} ${ms(unscoped.median).padStart(11)} ${ms(scoped.median).padStart(11)}  ${ratio.toFixed(2)}×  ${plans}`)
  }
  return ratios
}

async function main(): Promise<void> {
  const { db, label, drop } = await openFresh()
  try {
    await migrate(db)
    await syncBuiltinRoles(db)
    await seedDemo(db, { password: crypto.randomBytes(12).toString('hex') })
    const ctx = await db.runAsOwner(async (owner) => {
      const tenants = (await sql<{ id: string; slug: string }>`select id, slug from tenants order by slug`.execute(owner)).rows
      const user = (await sql<{ id: string }>`select id from users order by created_at limit 1`.execute(owner)).rows[0]
      const superuser = (await sql<{ rolsuper: boolean }>`select rolsuper from pg_roles where rolname = current_user`.execute(owner)).rows[0]
      const version = (await sql<{ v: string }>`select current_setting('server_version') as v`.execute(owner)).rows[0].v
      const leak = (await sql<{ proleakproof: boolean }>`select proleakproof from pg_proc where proname = 'ts_match_vq'`.execute(owner)).rows[0]
      return { tenants, userId: user.id, isSuperuser: superuser?.rolsuper === true, version, isLeakproof: leak?.proleakproof === true }
    })
    console.log(`Media library search with row-level security — ${label} (PostgreSQL ${ctx.version}), ${ROWS.toLocaleString('en')} assets over ${ctx.tenants.length} tenants, median of ${RUNS} runs`)
    console.log(`   ts_match_vq leakproof: ${ctx.isLeakproof} (migration 0008 sets it when migrating as a superuser)`)
    if (!ctx.isSuperuser) console.log('   note: the owner is not a superuser, so "unscoped" runs under RLS too (FORCE ROW LEVEL SECURITY)')
    const started = Date.now()
    await load(db, ctx.tenants.map((t) => t.id), ctx.userId)
    const target = ctx.tenants.find((t) => t.slug === 'district-a') ?? ctx.tenants[0]
    const count = await inScope(db, systemScope, async (trx) => (await sql<{ n: string }>`select count(*) as n from assets where tenant_id = ${target.id}`.execute(trx)).rows[0].n)
    console.log(`   loaded in ${((Date.now() - started) / 1000).toFixed(1)} s; tenant ${target.slug} holds ${Number(count).toLocaleString('en')} of them`)

    const ratios = await measure(db, target.id, 'with migration 0008: btree_gin (tenant_id, search) where deleted_at is null')
    const worst = Math.max(...ratios)
    console.log(`   worst scoped/unscoped ratio ${worst.toFixed(2)}× (target ≤ 1.20×: ${worst <= 1.2 ? 'met' : 'NOT met'}); baseline ${BASELINE[label].ratio.toFixed(2)}×`)

    if (IS_COMPARED) {
      await db.runAsOwner(async (owner) => {
        await sql`drop index assets_tenant_search`.execute(owner)
        await sql`create index assets_search on assets using gin (search)`.execute(owner)
        await sql`analyze assets`.execute(owner)
      })
      await measure(db, target.id, 'for comparison, the index before 0008: gin (search) alone')
    }
  } finally {
    await drop()
  }
}

await main()
