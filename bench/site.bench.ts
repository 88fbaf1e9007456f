/**
 * Public site benchmark: requests per second and p99 latency for a story page and the home page
 * of a center with 10,000 published stories, served by the app and, beside it, by nginx serving
 * the same rendered HTML as static files. The ratio app ÷ nginx is the figure (target ≥ 0.5).
 *
 * What is compared, so the ratio is fair:
 * - The app runs as in production, in its own process: `node bin/rongmei.js serve` on the seeded
 *   embedded database (default LOG_LEVEL=info, background workers on). The load generator is
 *   Debian's wrk (one thread) when installed, else autocannon in this process (BENCH_LOADGEN=
 *   wrk|autocannon chooses); never on the app's event loop.
 * - nginx runs `worker_processes 1`, access log off, gzip off (the app does not compress either),
 *   serving the app's own bytes for each page (the content-length of both is checked equal) with
 *   the app's response headers added (CSP, helmet's security headers, Vary, Cache-Control, a
 *   request id), so both put the same bytes on the wire.
 * - Both answer the repeated page from memory: the app from its page cache (its fast path
 *   answers before the framework), nginx from the page cache of the OS.
 * - A third server, plain node:http answering the same bytes and headers from memory with nothing
 *   else in its process, shows what Node's own HTTP stack costs (bare ÷ nginx) apart from what the
 *   app adds (app ÷ bare).
 * - The machine's cores are shared by the app or nginx and autocannon; app and nginx are measured
 *   alternately over BENCH_ROUNDS rounds and the median of each is reported, so background load
 *   weighs on both alike. On a 2-core machine autocannon (one Node thread) is itself the ceiling
 *   for nginx (measured: both at ~21,000 req/s, ratio 1.01), which flatters the app; wrk is not.
 *
 * Seeding writes the 10,000 stories with batched SQL (the same rows and search terms the site
 * publisher writes, see site.publisher.ts), then one revision bump.
 *
 *   npx tsx bench/site.bench.ts            (or: npm run bench:site)
 *   BENCH_STORIES=2000 BENCH_SECONDS=5 BENCH_ROUNDS=1 npx tsx bench/site.bench.ts   for a quicker run
 *   BENCH_CPU_PROF=1 …   writes a V8 CPU profile of the app process (--cpu-prof) and prints where
 *   BENCH_PLANS=1 …      prints EXPLAIN ANALYZE of the search ranking statement
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { CompiledQuery, type Insertable } from 'kysely'
import type { SiteArticlesTable } from '../server/src/db/schema/site.js'
import { openPGlite } from '../server/src/db/database.js'
import { migrate } from '../server/src/db/migrate.js'
import { inScope, systemScope, tenantScope } from '../server/src/db/scope.js'
import { syncBuiltinRoles } from '../server/src/modules/identity/builtin-roles.js'
import { htmlToPlainText, sanitizeHtml } from '../server/src/kernel/text/sanitize.js'
import { countTerms, indexTokens, queryTokens } from '../server/src/kernel/text/segment.js'
import { bumpRevision, findListed, searchArticles, searchStats } from '../server/src/modules/site/site.store.js'
import { seedDemo } from '../server/src/seed/demo.js'
import { statementRecorder } from './statements.js'

interface AutocannonResult { requests: { average: number; total: number }; latency: { p99: number; average: number }; non2xx: number; errors: number }
type Autocannon = (o: { url: string; connections: number; duration: number; headers?: Record<string, string> }) => Promise<AutocannonResult>
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon

/** wrk (Debian's, written in C) when installed: autocannon, one Node thread, tops out near nginx's rate on 2 cores. */
function wrkBinary(): string | null {
  const which = spawnSync('which', ['wrk'], { encoding: 'utf8' })
  return which.status === 0 ? which.stdout.trim() : null
}
const LOADGEN = process.env.BENCH_LOADGEN ?? (wrkBinary() ? 'wrk' : 'autocannon')

/** wrk's `--latency` figure ("2.31ms", "850.00us", "1.02s") in milliseconds. */
function wrkMs(value: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(value)
  if (!m) return Number.NaN
  const n = Number(m[1])
  return m[2] === 'us' ? n / 1000 : m[2] === 's' ? n * 1000 : n
}

/** One wrk run (one thread, so the other core is the server's), read into autocannon's shape. */
function runWrk(url: string, duration: number): AutocannonResult {
  const out = spawnSync(wrkBinary()!, ['-t1', `-c${CONNECTIONS}`, `-d${duration}s`, '--latency', url], { encoding: 'utf8' })
  if (out.status !== 0) throw new Error(`wrk failed: ${out.stderr}`)
  const text = out.stdout
  const rate = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1])
  const total = Number(/(\d+) requests in/.exec(text)?.[1])
  const p99 = wrkMs(/^\s+99%\s+(\S+)/m.exec(text)?.[1] ?? '')
  const avg = wrkMs(/Latency\s+(\S+)/.exec(text)?.[1] ?? '')
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0)
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text)
  const errors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0
  return { requests: { average: rate, total }, latency: { p99: Math.round(p99 * 100) / 100, average: avg }, non2xx, errors }
}

const STORIES = Number(process.env.BENCH_STORIES ?? 10_000)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const IS_PROFILING = process.env.BENCH_CPU_PROF === '1'
const ARTICLES_PER_INSERT = 500
const TERMS_PER_INSERT = 10_000
// As the site publisher weighs them: title 3×, subtitle/summary/tags 2×, body 1×.
const WEIGHTS = { title: 3, lead: 2, body: 1 }

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rongmei-bench-site-'))
const sections = ['时政要闻', '民生服务', '文化旅游', '教育卫健', '乡村振兴', '法治社会']
const words = ['社保', '医保', '道路', '施工', '学校', '医院', '公园', '停水', '供暖', '疫苗', '招聘', '补贴', '养老', '交通', '天气', '农业', '旅游', '文化', '消防', '安全']

function body(i: number): string {
  const pick = (k: number) => words[(i * 7 + k * 13) % words.length]
  return Array.from({ length: 6 }, (_, p) => `<p>第${p + 1}段：本区${pick(p)}工作持续推进，${pick(p + 1)}和${pick(p + 2)}相关事项已纳入年度计划，群众可通过政务服务平台查询办理进度，相关部门将及时公布进展情况。</p>`).join('')
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => { const { port } = s.address() as net.AddressInfo; s.close(() => resolve(port)) })
  })
}

async function waitFor(url: string, seconds: number, child?: ChildProcess): Promise<void> {
  for (let i = 0; i < seconds * 10; i++) {
    if (child && child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode} before answering ${url}`)
    try { if ((await fetch(url)).ok) return } catch { /* starting */ }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`${url} did not answer within ${seconds} s`)
}

function nginxBinary(): string | null {
  for (const p of ['/usr/sbin/nginx', '/usr/bin/nginx']) if (fs.existsSync(p)) return p
  const which = spawnSync('which', ['nginx'], { encoding: 'utf8' })
  return which.status === 0 ? which.stdout.trim() : null
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** The stories' rows as the site publisher writes them, inserted in batches (a few seconds for 10,000). */
async function seedStories(db: Awaited<ReturnType<typeof openPGlite>>, centerId: string): Promise<string> {
  const bodies = new Map<number, { html: string; text: string; terms: Map<string, number> }>()
  const now = new Date()
  let middleStoryId = ''
  for (let from = 0; from < STORIES; from += ARTICLES_PER_INSERT) {
    const articles: Insertable<SiteArticlesTable>[] = []
    const terms: Array<{ tenant_id: string; story_id: string; term: string; tf: number }> = []
    for (let i = from; i < Math.min(STORIES, from + ARTICLES_PER_INSERT); i++) {
      const template = i % words.length // body(i) repeats every words.length stories
      if (!bodies.has(template)) {
        const html = sanitizeHtml(body(i), 'website').html
        const text = htmlToPlainText(html)
        bodies.set(template, { html, text, terms: countTerms(indexTokens(text), WEIGHTS.body) })
      }
      const b = bodies.get(template)!
      const storyId = crypto.randomUUID()
      if (i === Math.floor(STORIES / 2)) middleStoryId = storyId
      const title = `${words[i % words.length]}${words[(i * 3) % words.length]}工作推进会召开（第${i}期）`
      const summary = `关于${words[i % words.length]}的最新进展。`
      const tags = [words[i % words.length]!]
      const counted = countTerms(indexTokens(title), WEIGHTS.title)
      countTerms(indexTokens(['', summary, tags.join(' ')].join('\n')), WEIGHTS.lead, counted)
      for (const [term, tf] of b.terms) counted.set(term, (counted.get(term) ?? 0) + tf)
      let docLen = 0
      for (const [term, tf] of counted) { docLen += tf; terms.push({ tenant_id: centerId, story_id: storyId, term, tf }) }
      articles.push({
        tenant_id: centerId, story_id: storyId, origin_tenant_id: centerId, version_number: 1, version_hash: 'bench',
        title, subtitle: '', summary, body_html: b.html, body_text: b.text, byline: '记者 测试', source: '东湖区融媒体中心',
        section: sections[i % sections.length]!, tags, cover: null, published_at: new Date(now.getTime() - i * 60_000),
        corrected_at: null, correction_note: null, doc_len: docLen, withdrawn_at: null, withdrawal_reason: null, updated_at: now, is_on_website: true,
      })
    }
    await inScope(db, systemScope, async (trx) => {
      await trx.insertInto('site_articles').values(articles).execute()
      for (let t = 0; t < terms.length; t += TERMS_PER_INSERT) await trx.insertInto('site_terms').values(terms.slice(t, t + TERMS_PER_INSERT)).execute()
    })
  }
  // One bump with a recount: the columns list and the revision the page cache keys on.
  await inScope(db, systemScope, (trx) => bumpRevision(trx, tenantScope(centerId), { centerId, now, isRecount: true }))
  return middleStoryId
}

/** Where an uncached search's time goes, in this process on the same database: ranking, then the rows for the page. */
async function searchBreakdown(db: Awaited<ReturnType<typeof openPGlite>>, centerId: string, label: string): Promise<void> {
  const scope = tenantScope(centerId)
  const runs = 10
  const countStarted = process.hrtime.bigint()
  const stats = await inScope(db, scope, (trx) => searchStats(trx, scope, { centerId }))
  const countMs = Number(process.hrtime.bigint() - countStarted) / 1e6
  let rankMs = 0
  let rowsMs = 0
  for (let i = 0; i < runs; i++) {
    const terms = queryTokens(`${words[i % words.length]} ${words[(i + 5) % words.length]}`)
    const t0 = process.hrtime.bigint()
    const { hits } = await inScope(db, scope, (trx) => searchArticles(trx, scope, { centerId, terms, stats, limit: 10, offset: 0 }))
    const t1 = process.hrtime.bigint()
    await inScope(db, scope, (trx) => findListed(trx, scope, { centerId, storyIds: hits.map((h) => h.storyId) }))
    rankMs += Number(t1 - t0) / 1e6
    rowsMs += Number(process.hrtime.bigint() - t1) / 1e6
  }
  // The statistics are counted once per site revision (site.service.ts); the ranking below is what every search pays.
  console.log(`  search breakdown (in process, two words, ${label}): ranking ${(rankMs / runs).toFixed(1)} ms, page rows ${(rowsMs / runs).toFixed(1)} ms; counting the statistics ${countMs.toFixed(1)} ms once per site revision`)
  if (!process.env.BENCH_PLANS || label.startsWith('never')) return
  // BENCH_PLANS=1: the ranking statement's plan, as Kysely compiles it, with the same parameters.
  const rec = statementRecorder()
  const recording = { ...db, kysely: db.kysely.withPlugin(rec.plugin) }
  const terms = queryTokens(`${words[0]} ${words[5]}`)
  await inScope(recording, scope, (trx) => searchArticles(trx, scope, { centerId, terms, stats, limit: 10, offset: 0 }))
  const ranking = rec.compiled(db.kysely).find((q) => q.sql.includes('postings'))!
  const plan = await inScope(db, scope, (trx) => trx.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain (analyze, buffers) ${ranking.sql}`, [...ranking.parameters])))
  console.log(plan.rows.map((r) => `    ${r['QUERY PLAN']}`).join('\n'))
}

interface Row { app: AutocannonResult[]; nginx: AutocannonResult[]; bare: AutocannonResult[] }

/** A plain node:http server answering each page's bytes with the app's headers (argv: port, root, headers JSON). */
const bareServerSource = `import http from 'node:http'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
const [port, root, headersJson] = process.argv.slice(2)
const headers = JSON.parse(headersJson)
const pages = new Map(Object.keys(headers).map((name) => ['/' + name + '.html', { body: fs.readFileSync(path.join(root, name + '.html')), headers: headers[name] }]))
http.createServer((req, res) => {
  const page = pages.get(req.url)
  if (!page) { res.writeHead(404); res.end(); return }
  res.writeHead(200, page.headers.concat('x-request-id', crypto.randomUUID(), 'content-length', String(page.body.length)))
  res.end(page.body)
}).listen(Number(port), '127.0.0.1')
`

async function main(): Promise<void> {
  console.log(`Public site: ${STORIES} published stories, ${LOADGEN === 'wrk' ? 'wrk (1 thread)' : 'autocannon'} ${CONNECTIONS} connections × ${SECONDS} s × ${ROUNDS} rounds on loopback, ${os.cpus().length} cores shared with the load generator`)
  const dataDir = path.join(dir, 'data')
  const db = await openPGlite(dataDir)
  await migrate(db)
  await syncBuiltinRoles(db)
  await seedDemo(db, { password: 'Bench-Demo-Pass-1' })
  const centerId = (await inScope(db, systemScope, (trx) => trx.selectFrom('tenants').select('id').where('slug', '=', 'district-a').executeTakeFirstOrThrow())).id
  const started = Date.now()
  const storyId = await seedStories(db, centerId)
  console.log(`  seeded ${STORIES} stories with batched SQL in ${((Date.now() - started) / 1000).toFixed(1)} s (search terms included)`)
  await searchBreakdown(db, centerId, 'never analysed')
  // What the embedded maintenance job (db/maintenance.ts) gives the planner within a round.
  await db.runAsOwner(async (owner) => { for (const table of ['site_articles', 'site_terms']) await owner.executeQuery(CompiledQuery.raw(`vacuum (analyze) ${table}`)) })
  await searchBreakdown(db, centerId, 'after VACUUM (ANALYZE)')
  // The embedded database belongs to one process at a time: the app opens it next.
  await db.close()

  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const profileDir = path.join(dir, 'profile')
  const metricsToken = crypto.randomBytes(16).toString('hex')
  const appLog = fs.openSync(path.join(dir, 'app.log'), 'w')
  const app = spawn(process.execPath, [...(IS_PROFILING ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), path.join(repoRoot, 'bin/rongmei.js'), 'serve', '--port', String(port)], {
    cwd: repoRoot,
    env: { ...process.env, NODE_ENV: 'development', RONGMEI_DATA_DIR: dataDir, HOST: '127.0.0.1', LOG_LEVEL: process.env.LOG_LEVEL ?? 'info', RONGMEI_METRICS_TOKEN: metricsToken },
    stdio: ['ignore', appLog, appLog],
  })
  let nginxProcess: ChildProcess | null = null
  let bareProcess: ChildProcess | null = null
  try {
    await waitFor(`${base}/healthz`, 180, app)
    const pages = { story: `/s/district-a/stories/${storyId}`, home: '/s/district-a/' }
    const root = path.join(dir, 'www')
    fs.mkdirSync(root)
    // nginx started as root serves as an unprivileged worker: mkdtemp's 0700 would shut it out.
    fs.chmodSync(dir, 0o755)
    let headersForNginx: Array<[string, string]> = []
    const bareHeaders: Record<string, string[]> = {}
    for (const [name, p] of Object.entries(pages)) {
      await fetch(base + p) // the first request learns the center; the second draws and keeps the page
      const res = await fetch(base + p)
      if (res.status !== 200) throw new Error(`${p} answered ${res.status}`)
      const bytes = Buffer.from(await res.arrayBuffer())
      if (Number(res.headers.get('content-length')) !== bytes.length) throw new Error(`${p}: content-length ${res.headers.get('content-length')} ≠ ${bytes.length} bytes`)
      fs.writeFileSync(path.join(root, `${name}.html`), bytes)
      // nginx makes its own Date, ETag, Last-Modified, Content-Type and length; it adds the rest as the app sent them.
      headersForNginx = [...res.headers].filter(([h]) => !['date', 'etag', 'last-modified', 'content-type', 'content-length', 'connection', 'keep-alive', 'x-request-id'].includes(h))
      bareHeaders[name] = [...res.headers].filter(([h]) => !['date', 'content-length', 'connection', 'keep-alive', 'x-request-id'].includes(h)).flat()
    }
    // Search is not cached per query in the comparison: one figure for a two-word query over all the stories.
    const searchStarted = process.hrtime.bigint()
    const searchRuns = 20
    for (let i = 0; i < searchRuns; i++) await fetch(`${base}/s/district-a/search?q=${encodeURIComponent(`${words[i % words.length]} ${words[(i + 5) % words.length]}`)}&page=${(i % 3) + 1}`)
    console.log(`  search (uncached, two words, BM25 over ${STORIES}): ${(Number(process.hrtime.bigint() - searchStarted) / 1e6 / searchRuns).toFixed(1)} ms per request, sequential`)

    const nginx = nginxBinary()
    const nginxPort = await freePort()
    if (nginx) {
      const conf = path.join(dir, 'nginx.conf')
      const quote = (v: string) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
      fs.writeFileSync(conf, `worker_processes 1;
daemon off;
error_log ${dir}/nginx-error.log warn;
pid ${dir}/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  gzip off;
  client_body_temp_path ${dir}/nginx-body; proxy_temp_path ${dir}/nginx-proxy; fastcgi_temp_path ${dir}/nginx-fcgi; uwsgi_temp_path ${dir}/nginx-uwsgi; scgi_temp_path ${dir}/nginx-scgi;
  default_type text/html; charset utf-8;
  sendfile on; tcp_nopush on; keepalive_requests 100000; etag on; server_tokens off;
  server {
    listen 127.0.0.1:${nginxPort}; root ${root};
    location / {
${headersForNginx.map(([h, v]) => `      add_header ${h} ${quote(v)};`).join('\n')}
      add_header x-request-id $request_id;
    }
  }
}
`)
      nginxProcess = spawn(nginx, ['-c', conf, '-p', dir], { stdio: 'ignore' })
      await waitFor(`http://127.0.0.1:${nginxPort}/home.html`, 10, nginxProcess).catch((error: Error) => {
        throw new Error(`${error.message}\n${fs.readFileSync(path.join(dir, 'nginx-error.log'), 'utf8').split('\n').slice(-4).join('\n')}`)
      })
      for (const name of Object.keys(pages)) {
        const [a, n] = await Promise.all([fetch(`${base}${pages[name as keyof typeof pages]}`), fetch(`http://127.0.0.1:${nginxPort}/${name}.html`)])
        const headerBytes = (r: Response) => [...r.headers].reduce((sum, [h, v]) => sum + h.length + v.length + 4, 0)
        console.log(`  ${name.padEnd(6)} bytes: app ${a.headers.get('content-length')} body + ~${headerBytes(a)} header, nginx ${n.headers.get('content-length')} body + ~${headerBytes(n)} header`)
      }
      console.log(`  nginx: ${nginx} on port ${nginxPort} (worker_processes 1, static files, same headers)`)
    } else {
      console.log('  nginx is not installed (apt-get install -y nginx): the comparison is skipped')
    }

    // The ceiling of Node's own HTTP server on this machine: the same bytes and headers from
    // memory, nothing else in the process. app ÷ bare says what the app adds; bare ÷ nginx what Node costs.
    const barePort = await freePort()
    fs.writeFileSync(path.join(dir, 'bare.mjs'), bareServerSource)
    bareProcess = spawn(process.execPath, [path.join(dir, 'bare.mjs'), String(barePort), root, JSON.stringify(bareHeaders)], { stdio: 'ignore' })
    await waitFor(`http://127.0.0.1:${barePort}/home.html`, 10, bareProcess)

    const rows: Record<string, Row> = Object.fromEntries(Object.keys(pages).map((n) => [n, { app: [], nginx: [], bare: [] }]))
    const run = async (url: string, duration: number) => (LOADGEN === 'wrk' ? runWrk(url, duration) : autocannon({ url, connections: CONNECTIONS, duration }))
    for (const [name, p] of Object.entries(pages)) {
      await run(base + p, 2) // warm-up: JIT and the page cache
      if (nginxProcess) await run(`http://127.0.0.1:${nginxPort}/${name}.html`, 2)
      await run(`http://127.0.0.1:${barePort}/${name}.html`, 2)
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, p] of Object.entries(pages)) {
        rows[name]!.app.push(await run(base + p, SECONDS))
        if (nginxProcess) rows[name]!.nginx.push(await run(`http://127.0.0.1:${nginxPort}/${name}.html`, SECONDS))
        rows[name]!.bare.push(await run(`http://127.0.0.1:${barePort}/${name}.html`, SECONDS))
      }
    }
    // How many of the app's measured requests the fast path answered (the rest took the framework: one a second per center re-reads the revision).
    // Twice at most: while wrk ran (spawnSync) the app closed this process's idle keep-alive socket.
    const readMetrics = () => fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })
    const metrics = await (await readMetrics().catch(readMetrics)).text()
    const fastHits = Number(/^rongmei_site_fast_path_hits_total (\d+)/m.exec(metrics)?.[1] ?? 0)
    const appRequests = Object.values(rows).reduce((sum, row) => sum + row.app.reduce((s, r) => s + r.requests.total, 0), 0)
    console.log(`  fast path: ${fastHits} hits for ${appRequests} measured app requests (warm-up included in the hits)`)
    for (const [name, row] of Object.entries(rows)) {
      const fmt = (who: string, rs: AutocannonResult[]) => `  ${name.padEnd(6)} ${who.padEnd(5)} ${median(rs.map((r) => r.requests.average)).toFixed(0).padStart(7)} req/s  p99 ${String(median(rs.map((r) => r.latency.p99))).padStart(4)} ms  (rounds: ${rs.map((r) => r.requests.average.toFixed(0)).join(', ')} req/s; non-2xx ${rs.reduce((s, r) => s + r.non2xx, 0)}, errors ${rs.reduce((s, r) => s + r.errors, 0)})`
      const rate = (rs: AutocannonResult[]) => median(rs.map((r) => r.requests.average))
      console.log(fmt('app', row.app))
      console.log(fmt('bare', row.bare))
      if (row.nginx.length > 0) {
        console.log(fmt('nginx', row.nginx))
        console.log(`  ${name.padEnd(6)} ratio app/nginx = ${(rate(row.app) / rate(row.nginx)).toFixed(2)} (target ≥ 0.5); bare node:http/nginx = ${(rate(row.bare) / rate(row.nginx)).toFixed(2)}; app/bare = ${(rate(row.app) / rate(row.bare)).toFixed(2)}`)
      }
    }
  } finally {
    nginxProcess?.kill('SIGTERM')
    bareProcess?.kill('SIGTERM')
    app.kill('SIGTERM')
    if (app.exitCode === null) await new Promise((r) => app.once('exit', r))
    fs.closeSync(appLog)
    if (IS_PROFILING) {
      const keep = fs.mkdtempSync(path.join(os.tmpdir(), 'rongmei-site-profile-'))
      for (const f of fs.existsSync(profileDir) ? fs.readdirSync(profileDir) : []) fs.copyFileSync(path.join(profileDir, f), path.join(keep, f))
      console.log(`  CPU profile of the app process: ${keep}`)
    }
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((error) => { console.error(error); process.exitCode = 1 })
