/**
 * Public site benchmark: requests per second and p99 latency for a story page and the home page
 * of a center with 10,000 published stories, served by the app (embedded database, in-process
 * page cache) and, beside it, by nginx serving the same rendered HTML as static files. The ratio
 * app ÷ nginx is the figure (target ≥ 0.5).
 *
 * Load generator: autocannon on loopback. Both servers get one process/worker (the app is one
 * Node process; nginx runs `worker_processes 1`), on a machine whose cores autocannon shares.
 * nginx is started from a temporary config on a free port; without nginx the comparison is
 * skipped and said so.
 *
 *   npx tsx bench/site.bench.ts            (or: npm run bench:site)
 *   BENCH_STORIES=2000 BENCH_SECONDS=5 npx tsx bench/site.bench.ts   for a quicker run
 */
import { spawn, spawnSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'
import { buildApp } from '../server/src/app.js'
import { loadConfig } from '../server/src/config.js'
import { openPGlite } from '../server/src/db/database.js'
import { migrate } from '../server/src/db/migrate.js'
import { inScope, systemScope } from '../server/src/db/scope.js'
import { syncBuiltinRoles } from '../server/src/modules/identity/builtin-roles.js'
import { createSitePublisher, type SiteArticle } from '../server/src/modules/site/site.publisher.js'
import { seedDemo } from '../server/src/seed/demo.js'

interface AutocannonResult { requests: { average: number }; latency: { p99: number; average: number }; non2xx: number; errors: number }
type Autocannon = (o: { url: string; connections: number; duration: number; headers?: Record<string, string> }) => Promise<AutocannonResult>
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon

const STORIES = Number(process.env.BENCH_STORIES ?? 10_000)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20)
const BATCH = 250

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

async function load(url: string): Promise<AutocannonResult> {
  await autocannon({ url, connections: CONNECTIONS, duration: 2 }) // warm-up
  return autocannon({ url, connections: CONNECTIONS, duration: SECONDS })
}

function nginxBinary(): string | null {
  for (const p of ['/usr/sbin/nginx', '/usr/bin/nginx']) if (fs.existsSync(p)) return p
  const which = spawnSync('which', ['nginx'], { encoding: 'utf8' })
  return which.status === 0 ? which.stdout.trim() : null
}

async function main(): Promise<void> {
  console.log(`Public site: ${STORIES} published stories, autocannon ${CONNECTIONS} connections × ${SECONDS} s on loopback, ${os.cpus().length} cores shared with the load generator`)
  const dataDir = path.join(dir, 'data')
  const db = await openPGlite(dataDir)
  await migrate(db)
  await syncBuiltinRoles(db)
  await seedDemo(db, { password: 'Bench-Demo-Pass-1' })
  const centerId = (await inScope(db, systemScope, (trx) => trx.selectFrom('tenants').select('id').where('slug', '=', 'district-a').executeTakeFirstOrThrow())).id

  const publisher = createSitePublisher({ db })
  const started = Date.now()
  let storyId = ''
  for (let from = 0; from < STORIES; from += BATCH) {
    await inScope(db, systemScope, async (trx) => {
      for (let i = from; i < Math.min(STORIES, from + BATCH); i++) {
        const article: SiteArticle = {
          tenantId: centerId, storyId: crypto.randomUUID(), versionNumber: 1, versionHash: 'bench',
          title: `${words[i % words.length]}${words[(i * 3) % words.length]}工作推进会召开（第${i}期）`, subtitle: '', summary: `关于${words[i % words.length]}的最新进展。`,
          bodyHtml: body(i), byline: '记者 测试', source: '东湖区融媒体中心', section: sections[i % sections.length]!, tags: [words[i % words.length]!],
          cover: null, publishedAt: new Date(Date.now() - i * 60_000), correctedAt: null, correctionNote: null,
        }
        await publisher.publish(trx, { channel: 'website', article })
        if (i === Math.floor(STORIES / 2)) storyId = article.storyId
      }
    })
  }
  console.log(`  published ${STORIES} stories in ${((Date.now() - started) / 1000).toFixed(1)} s (${(STORIES / ((Date.now() - started) / 1000)).toFixed(0)}/s, jieba indexing included)`)

  const config = loadConfig({ NODE_ENV: 'test', RONGMEI_DATA_DIR: dataDir, LOG_LEVEL: 'warn' })
  // Under load, importing every module through tsx can outlast Fastify's 10 s plugin timeout once;
  // the second build finds them loaded.
  const app = await buildApp({ config, db }).catch(() => buildApp({ config, db }))
  await app.listen({ port: 0, host: '127.0.0.1' })
  const port = (app.server.address() as net.AddressInfo).port
  const base = `http://127.0.0.1:${port}`
  const pages = { story: `/s/district-a/stories/${storyId}`, home: '/s/district-a/' }

  const root = path.join(dir, 'www')
  fs.mkdirSync(root)
  for (const [name, p] of Object.entries(pages)) {
    const res = await fetch(base + p)
    if (res.status !== 200) throw new Error(`${p} answered ${res.status}`)
    fs.writeFileSync(path.join(root, `${name}.html`), await res.text())
  }
  // Search is not cached per query in the comparison: one figure for a two-word query over 10,000 stories.
  const searchStarted = process.hrtime.bigint()
  const searchRuns = 20
  for (let i = 0; i < searchRuns; i++) await fetch(`${base}/s/district-a/search?q=${encodeURIComponent(`${words[i % words.length]} ${words[(i + 5) % words.length]}`)}&page=${(i % 3) + 1}`)
  console.log(`  search (uncached, two words, BM25 over ${STORIES}): ${(Number(process.hrtime.bigint() - searchStarted) / 1e6 / searchRuns).toFixed(1)} ms per request, sequential`)

  const nginx = nginxBinary()
  let nginxPort = 0
  let nginxProcess: ReturnType<typeof spawn> | null = null
  if (nginx) {
    nginxPort = await freePort()
    const conf = path.join(dir, 'nginx.conf')
    fs.writeFileSync(conf, `worker_processes 1;
daemon off;
error_log ${dir}/nginx-error.log warn;
pid ${dir}/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/nginx-body; proxy_temp_path ${dir}/nginx-proxy; fastcgi_temp_path ${dir}/nginx-fcgi; uwsgi_temp_path ${dir}/nginx-uwsgi; scgi_temp_path ${dir}/nginx-scgi;
  default_type text/html;
  sendfile on; tcp_nopush on; keepalive_requests 100000; etag on;
  server { listen 127.0.0.1:${nginxPort}; root ${root}; location / { add_header Content-Security-Policy "default-src 'none'"; } }
}
`)
    nginxProcess = spawn(nginx, ['-c', conf, '-p', dir], { stdio: 'ignore' })
    for (let i = 0; i < 50; i++) {
      try { if ((await fetch(`http://127.0.0.1:${nginxPort}/home.html`)).ok) break } catch { /* starting */ }
      await new Promise((r) => setTimeout(r, 100))
    }
    console.log(`  nginx: ${nginx} on port ${nginxPort} (worker_processes 1, static files)`)
  } else {
    console.log('  nginx is not installed (apt-get install -y nginx): the comparison is skipped')
  }

  const rows: string[] = []
  try {
    for (const [name, p] of Object.entries(pages)) {
      const appResult = await load(base + p)
      let line = `  ${name.padEnd(6)} app   ${appResult.requests.average.toFixed(0).padStart(7)} req/s  p99 ${String(appResult.latency.p99).padStart(4)} ms  (non-2xx ${appResult.non2xx}, errors ${appResult.errors})`
      if (nginxProcess) {
        const n = await load(`http://127.0.0.1:${nginxPort}/${name}.html`)
        line += `\n  ${name.padEnd(6)} nginx ${n.requests.average.toFixed(0).padStart(7)} req/s  p99 ${String(n.latency.p99).padStart(4)} ms\n  ${name.padEnd(6)} ratio app/nginx = ${(appResult.requests.average / n.requests.average).toFixed(2)} (target ≥ 0.5)`
      }
      rows.push(line)
      console.log(line)
    }
  } finally {
    nginxProcess?.kill('SIGTERM')
    await app.close()
    await db.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((error) => { console.error(error); process.exitCode = 1 })
