import crypto from 'node:crypto'
import { XMLParser } from 'fast-xml-parser'
import type { Counter } from 'prom-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inScope, tenantScope } from '../../db/scope.js'
import { buildTestApp, testDbKind, type TestApp } from '../../../test/harness.js'
import { tenantIds } from '../../../test/factories/tenancy.js'
import { safeBackPath } from './site.routes.js'
import { createSitePublisher, type SiteArticle } from './site.publisher.js'
import { siteCsp } from './site.layout.js'
import { DEMO_WITHDRAWN_INDEX, demoStoryId } from './site.demo.js'

let t: TestApp
let ids: Record<string, string>
const xml = new XMLParser({ ignoreAttributes: false })

function article(overrides: Partial<SiteArticle> = {}): SiteArticle {
  return {
    tenantId: ids['district-a']!, storyId: crypto.randomUUID(), versionNumber: 1, versionHash: crypto.randomBytes(8).toString('hex'),
    title: '测试稿件', subtitle: '', summary: '一段摘要', bodyHtml: '<p>正文第一段。</p>', byline: '记者 张三', source: '东湖区融媒体中心',
    section: '测试栏目', tags: ['测试'], cover: null, publishedAt: new Date(), correctedAt: null, correctionNote: null, ...overrides,
  }
}

async function publish(a: SiteArticle, channel: 'website' | 'rss' = 'website') {
  const publisher = createSitePublisher({ db: t.db })
  const scope = tenantScope(a.tenantId)
  return inScope(t.db, scope, (trx) => publisher.publish(trx, { channel, article: a }))
}

async function withdraw(a: SiteArticle, channel: 'website' | 'rss' = 'website', reason = '内容有误') {
  const publisher = createSitePublisher({ db: t.db })
  await inScope(t.db, tenantScope(a.tenantId), (trx) => publisher.withdraw(trx, { channel, tenantId: a.tenantId, storyId: a.storyId, reason, at: new Date() }))
}

const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers })

beforeAll(async () => {
  t = await buildTestApp()
  ids = await tenantIds(t.db)
})
afterAll(async () => t?.close())

describe('public site', () => {
  it('serves the demo home page of each center in the shell, with the strict CSP', async () => {
    const res = await get('/s/district-a/')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('text/html')
    expect(res.headers['content-security-policy']).toBe(siteCsp)
    expect(res.body).toContain('示例市东湖区融媒体中心')
    expect(res.body).toContain('第三代社保卡在东湖区全面启用')
    expect(res.body).toContain('href="/s/district-a/tickets/new"')
    expect(res.body).not.toMatch(/<script(?![^>]*(src=|type="application\/ld\+json"))/)
    expect(res.body).not.toMatch(/\sstyle=/)
    expect((await get('/s/district-a')).statusCode).toBe(301)
    // The demo's withdrawn story answers 410 with its notice.
    const withdrawn = await get(`/s/district-a/stories/${demoStoryId('district-a', DEMO_WITHDRAWN_INDEX)}`)
    expect(withdrawn.statusCode).toBe(410)
    expect(withdrawn.body).toContain('停水时间和范围有误')
  })

  it('publishes a story: its page has JSON-LD, Open Graph, byline and time in Asia/Shanghai; the change is visible on the next request', async () => {
    const home = await get('/s/district-a/')
    const a = article({ title: '东湖区新建三座口袋公园', publishedAt: new Date('2026-11-20T16:30:00Z'), cover: { url: '/media/x/y/cover.jpg', width: 800, height: 600, alt: '口袋公园里散步的居民' } })
    const { url } = await publish(a)
    expect(url).toBe(`/s/district-a/stories/${a.storyId}`)
    const page = await get(url)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('2026年11月21日 00:30')
    expect(page.body).toContain('记者 张三')
    expect(page.body).toContain('alt="口袋公园里散步的居民"')
    expect(page.body).toContain('<meta property="og:title" content="东湖区新建三座口袋公园">')
    const ld = JSON.parse(/<script type="application\/ld\+json">(.*?)<\/script>/s.exec(page.body)![1]!)
    expect(ld).toMatchObject({ '@type': 'NewsArticle', headline: '东湖区新建三座口袋公园', datePublished: '2026-11-21T00:30:00+08:00' })
    const again = await get('/s/district-a/')
    expect(again.body).toContain('东湖区新建三座口袋公园')
    expect(again.headers.etag).not.toBe(home.headers.etag)
  })

  // Needs a second connection to read while the publication is uncommitted: PGlite has only one.
  it.skipIf(testDbKind === 'pglite')('does not keep a page drawn while a publication was still uncommitted', async () => {
    const a = article({ title: '提交前后的首页缓存' })
    const publisher = createSitePublisher({ db: t.db })
    await inScope(t.db, tenantScope(a.tenantId), async (trx) => {
      await publisher.publish(trx, { channel: 'website', article: a })
      // Another connection still sees the old revision and draws (and caches) the old home page.
      const during = await get('/s/district-a/')
      expect(during.body).not.toContain('提交前后的首页缓存')
    })
    const after = await get('/s/district-a/')
    expect(after.body).toContain('提交前后的首页缓存')
  })

  it('answers 304 for a current ETag or Last-Modified, and 200 again after a correction', async () => {
    const a = article({ title: '缓存测试稿件' })
    const { url } = await publish(a)
    const first = await get(url)
    expect((await get(url, { 'if-none-match': first.headers.etag as string })).statusCode).toBe(304)
    expect((await get(url, { 'if-modified-since': first.headers['last-modified'] as string })).statusCode).toBe(304)
    await publish({ ...a, versionNumber: 2, title: '缓存测试稿件（更正）', correctedAt: new Date(), correctionNote: '标题有误，已更正。' })
    const after = await get(url, { 'if-none-match': first.headers.etag as string })
    expect(after.statusCode).toBe(200)
    expect(after.body).toContain('缓存测试稿件（更正）')
    expect(after.body).toContain('标题有误，已更正。')
  })

  it('escapes titles and sanitises bodies (XSS)', async () => {
    const a = article({ title: '<script>alert(1)</script>标题"\'', summary: '<img src=x onerror=alert(1)>', bodyHtml: '<p onclick="x()">段落</p><script>alert(2)</script><img src="javascript:alert(3)"><a href="javascript:alert(4)">链接</a>', tags: ['<b>标签'] })
    const { url } = await publish(a)
    const page = await get(url)
    expect(page.body).not.toContain('<script>alert')
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;标题&quot;&#39;')
    expect(page.body).not.toContain('onclick')
    expect(page.body).not.toContain('javascript:')
    expect(page.body).not.toContain('<b>标签')
    const ld = /<script type="application\/ld\+json">(.*?)<\/script>/s.exec(page.body)![1]!
    expect(ld).not.toContain('</script')
    const home = await get('/s/district-a/')
    expect(home.body).not.toContain('<img src=x onerror')
  })

  it('withdrawal: the story page answers 410 with the notice; it leaves lists, search and feeds', async () => {
    const a = article({ title: '即将撤回的稿件关于自来水停水', section: '撤稿测试' })
    const { url } = await publish(a)
    await publish(a, 'rss')
    expect((await get(url)).statusCode).toBe(200)
    await withdraw(a, 'website', '信息来源需要核实')
    // Still in the feeds (rss account not withdrawn yet): the page stays reachable from there.
    expect((await get(url)).statusCode).toBe(200)
    expect((await get('/s/district-a/search?q=自来水停水')).body).not.toContain('即将撤回的稿件')
    await withdraw(a, 'rss', '信息来源需要核实')
    const gone = await get(url)
    expect(gone.statusCode).toBe(410)
    expect(gone.headers['content-type']).toContain('text/html')
    expect(gone.body).toContain('已撤回')
    expect(gone.body).toContain('信息来源需要核实')
    expect((await get('/s/district-a/feed.xml')).body).not.toContain('即将撤回的稿件')
    expect((await get('/s/district-a/columns/撤稿测试')).statusCode).toBe(404)
  })

  it('keeps centers apart: one center never shows another center\'s stories', async () => {
    const a = article({ title: '只属于东湖区的独家稿件' })
    await publish(a)
    expect((await get('/s/district-b/')).body).not.toContain('只属于东湖区的独家稿件')
    expect((await get(`/s/district-b/stories/${a.storyId}`)).statusCode).toBe(404)
    expect((await get('/s/district-b/search?q=独家稿件')).body).not.toContain('只属于东湖区')
    expect((await get('/s/district-b/feed.json')).body).not.toContain('只属于东湖区')
    // A unit's story appears on its center's site.
    const unit = article({ tenantId: ids['district-a-edu']!, title: '教育局发布寒假安排' })
    expect((await publish(unit)).url).toBe(`/s/district-a/stories/${unit.storyId}`)
  })

  it('ranks search results BM25-style with OR semantics, highlights and filters; no results has help', async () => {
    const strong = article({ title: '医保报销比例提高', summary: '医保报销新政', bodyHtml: '<p>今年起医保报销比例提高五个百分点，门诊报销也纳入医保统筹。</p>', section: '搜索测试' })
    const weak = article({ title: '社区举办健康讲座', bodyHtml: '<p>讲座中医生提到医保相关政策。</p>', section: '搜索其他' })
    const other = article({ title: '图书馆延长开放时间', bodyHtml: '<p>周末开放到晚上九点。</p>', section: '搜索测试' })
    for (const a of [strong, weak, other]) await publish(a)
    const res = await get(`/s/district-a/search?q=${encodeURIComponent('请问医保怎么报销')}`)
    expect(res.statusCode).toBe(200)
    const first = res.body.indexOf('<mark>医保</mark>')
    expect(res.body).toContain('<mark>')
    expect(first).toBeGreaterThan(-1)
    expect(res.body.indexOf(strong.storyId)).toBeLessThan(res.body.indexOf(weak.storyId))
    expect(res.body).not.toContain(other.storyId)
    // OR: one word found is enough.
    expect((await get(`/s/district-a/search?q=${encodeURIComponent('医保 火星')}`)).body).toContain(strong.storyId)
    // Column filter.
    const filtered = await get(`/s/district-a/search?q=${encodeURIComponent('医保')}&section=${encodeURIComponent('搜索其他')}`)
    expect(filtered.body).toContain(weak.storyId)
    expect(filtered.body).not.toContain(strong.storyId)
    // Date filter: nothing before 2000.
    expect((await get(`/s/district-a/search?q=${encodeURIComponent('医保')}&to=2000-01-01`)).body).toContain('没有找到')
    const none = await get(`/s/district-a/search?q=${encodeURIComponent('火星移民计划')}`)
    expect(none.statusCode).toBe(200)
    expect(none.body).toContain('没有找到与“火星移民计划”相关的稿件')
    expect(none.body).toContain('/s/district-a/tickets/new')
  })

  it('ranks right after the site grows: the collection statistics follow each publication', async () => {
    // The first search counts the site and keeps the count for this revision; more stories holding
    // the word than that count then arrive. Their scores must stay finite and ordered by weight.
    expect((await get(`/s/district-a/search?q=${encodeURIComponent('蓝莓节')}`)).body).toContain('没有找到')
    const headline = article({ title: '蓝莓节开幕', summary: '蓝莓节迎来游客', bodyHtml: '<p>第五届蓝莓节今天开幕，蓝莓节期间有采摘活动。</p>', section: '统计测试' })
    const mentions = Array.from({ length: 30 }, (_, i) => article({ title: `乡村新闻第${i + 1}期`, bodyHtml: `<p>本期简讯：村里的蓝莓节筹备第${i + 1}次会议召开，相关工作有序推进。</p>`, section: '统计测试' }))
    for (const a of [...mentions, headline]) await publish(a)
    const res = await get(`/s/district-a/search?q=${encodeURIComponent('蓝莓节')}`)
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain('找到 31 篇相关稿件')
    expect(res.body).not.toContain('NaN')
    const first = /\/s\/district-a\/stories\/([0-9a-f-]{36})/.exec(res.body.slice(res.body.indexOf('找到 31 篇')))?.[1]
    expect(first).toBe(headline.storyId)
  })

  it('bounds public input: long queries, bad dates, page numbers, odd ids', async () => {
    expect((await get(`/s/district-a/search?q=${'长'.repeat(101)}`)).statusCode).toBe(400)
    expect((await get(`/s/district-a/search?q=${'长'.repeat(100)}`)).statusCode).toBe(200)
    expect((await get('/s/district-a/search?q=a&from=2026-13-01')).body).toContain('起始日期的格式不对')
    expect((await get('/s/district-a/columns/民生服务?page=201')).statusCode).toBe(404)
    expect((await get('/s/district-a/columns/民生服务?page=-1')).statusCode).toBe(404)
    expect((await get('/s/district-a/columns/民生服务?page=1')).statusCode).toBe(200)
    expect((await get('/s/district-a/stories/not-a-uuid')).statusCode).toBe(404)
    const missing = await get('/s/nowhere/')
    expect(missing.statusCode).toBe(404)
    expect(missing.body).toContain('页面不存在')
    expect(missing.headers['content-type']).toContain('text/html')
    expect((await get('/s/district-a/no/such/page')).body).toContain('页面不存在')
  })

  it('keeps the column navigation in step: a new column appears, a column emptied by a correction goes', async () => {
    const a = article({ title: '栏目变动测试', section: '临时栏目' })
    await publish(a)
    expect((await get('/s/district-a/')).body).toContain('>临时栏目<')
    await publish({ ...a, versionNumber: 2, section: '民生服务', correctedAt: new Date(), correctionNote: '栏目调整' })
    expect((await get('/s/district-a/')).body).not.toContain('>临时栏目<')
    expect((await get(`/s/district-a/columns/${encodeURIComponent('临时栏目')}`)).statusCode).toBe(404)
  })

  it('refuses invalid articles with field errors', async () => {
    await expect(publish(article({ title: '' }))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
    await expect(publish(article({ cover: { url: 'https://evil.example/x.jpg', width: 1, height: 1, alt: 'x' } }))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
    await expect(publish(article({ tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
    await expect(publish(article({ tenantId: ids.demo! }))).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('serves RSS, Atom and JSON Feed per center and per column, and a sitemap, that parse back', async () => {
    const a = article({ title: '订阅测试：冬季供暖开始', section: '订阅栏目', bodyHtml: '<p>供暖<img src="/media/a/b/c.jpg" alt="锅炉房"></p>' })
    await publish(a, 'rss')
    await publish(a, 'website')
    const rss = await get('/s/district-a/feed.xml')
    expect(rss.headers['content-type']).toContain('application/rss+xml')
    const items = [xml.parse(rss.body).rss.channel.item].flat() as Array<{ title: string; link: string }>
    expect(items.some((i) => i.title === '订阅测试：冬季供暖开始' && i.link.endsWith(`/s/district-a/stories/${a.storyId}`))).toBe(true)
    expect(rss.body).toMatch(/src="http:\/\/localhost(:80)?\/media\/a\/b\/c.jpg"/)
    const atom = xml.parse((await get('/s/district-a/feed.atom')).body)
    expect([atom.feed.entry].flat().some((e: { title: { '#text'?: string } | string }) => JSON.stringify(e.title).includes('冬季供暖'))).toBe(true)
    const json = JSON.parse((await get('/s/district-a/feed.json')).body)
    expect(json.version).toContain('jsonfeed.org/version/1')
    expect(json.items.some((i: { title: string }) => i.title === '订阅测试：冬季供暖开始')).toBe(true)
    const column = JSON.parse((await get(`/s/district-a/columns/${encodeURIComponent('订阅栏目')}/feed.json`)).body)
    expect(column.items).toHaveLength(1)
    const sitemap = xml.parse((await get('/s/district-a/sitemap.xml')).body)
    expect([sitemap.urlset.url].flat().some((u: { loc: string }) => u.loc.endsWith(a.storyId))).toBe(true)
    const robots = await get('/robots.txt')
    expect(robots.body).toMatch(/Sitemap: http:\/\/localhost(:80)?\/s\/district-a\/sitemap.xml/)
  })

  it('適老化 switch sets the cookie for a year and only goes back inside the center\'s site', async () => {
    const res = await get('/s/district-a/elder?on=1&back=%2Fs%2Fdistrict-a%2Fsearch%3Fq%3D1')
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe('/s/district-a/search?q=1')
    expect(String(res.headers['set-cookie'])).toMatch(/rm_elder=1;.*Max-Age=31536000/)
    const elder = await get('/s/district-a/', { cookie: 'rm_elder=1' })
    expect(elder.body).toContain('<html lang="zh-CN" class="elder">')
    expect(elder.body).toContain('退出长辈模式')
    for (const back of ['https://evil.example/', '//evil.example/', '/s/district-b/', '/s/district-a/\\evil', '/s/district-a//evil.example']) {
      expect(safeBackPath('district-a', back)).toBe('/s/district-a/')
    }
    expect((await get(`/s/district-a/elder?on=0&back=${encodeURIComponent('https://evil.example/')}`)).headers.location).toBe('/s/district-a/')
  })

  it('serves the shell\'s static files with long caching', async () => {
    const css = await get('/s/_assets/site.css')
    expect(css.statusCode).toBe(200)
    expect(css.headers['cache-control']).toContain('immutable')
    expect(css.body).toContain('html.elder')
    expect((await get('/s/_assets/../site.routes.ts')).statusCode).toBe(404)
  })
})

describe('public site fast path (cached pages answered before the framework)', () => {
  let base = ''
  const fastHits = async () => (await (t.app.metrics.getSingleMetric('rongmei_site_fast_path_hits_total') as Counter).get()).values[0]?.value ?? 0
  let variant = 0
  async function http(url: string, { method = 'GET', headers = {} as Record<string, string>, isFast = false } = {}) {
    const before = await fastHits()
    // A new X-Forwarded-Host (ignored without trustProxy, so the page is the same) is a new key: the normal path answers.
    const sent = isFast ? headers : { ...headers, 'x-forwarded-host': `normal-${++variant}.example` }
    const res = await fetch(base + url, { method, headers: sent })
    const body = Buffer.from(await res.arrayBuffer())
    expect(await fastHits() - before, `${method} ${url} ${isFast ? 'from the fast path' : 'by the normal path'}`).toBe(isFast ? 1 : 0)
    const rest = Object.fromEntries([...res.headers].filter(([name]) => name !== 'date' && name !== 'x-request-id'))
    return { status: res.status, headers: rest, requestId: res.headers.get('x-request-id'), body }
  }
  /** Draws the page on the normal path until the fast path keeps it (the first request also learns the center). */
  async function warm(url: string, headers: Record<string, string> = {}) {
    for (let i = 0; i < 2; i++) await fetch(base + url, { headers })
  }

  beforeAll(async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' })
    base = `http://127.0.0.1:${(t.app.server.address() as import('node:net').AddressInfo).port}`
  })

  it('replays the same bytes and headers as the normal path, with 304, HEAD and a fresh request id', async () => {
    const a = article({ title: '快速通道测试稿件' })
    const { url } = await publish(a)
    await warm(url)
    const normal = await http(url)
    const fast = await http(url, { isFast: true })
    expect(fast.status).toBe(200)
    expect(fast.body.equals(normal.body)).toBe(true)
    expect(fast.headers).toEqual(normal.headers)
    expect(fast.headers['content-security-policy']).toBe(siteCsp)
    expect(fast.headers['strict-transport-security']).toBeDefined()
    expect(fast.requestId).toMatch(/^[0-9a-f-]{36}$/)
    expect(fast.requestId).not.toBe(normal.requestId)
    expect((await http(url, { isFast: true, headers: { 'x-request-id': 'proxy-id-12345' } })).requestId).toBe('proxy-id-12345')

    const etag = fast.headers.etag!
    const conditionals: Array<Record<string, string>> = [{ 'if-none-match': etag }, { 'if-none-match': `"other", W/${etag}` }, { 'if-modified-since': fast.headers['last-modified']! }]
    for (const conditional of conditionals) {
      const notModified = await http(url, { isFast: true, headers: conditional })
      expect(notModified.status).toBe(304)
      expect(notModified.body.length).toBe(0)
      expect(notModified.headers).toEqual((await http(url, { headers: conditional })).headers)
    }
    const stale = await http(url, { isFast: true, headers: { 'if-none-match': '"not-this-one"' } })
    expect(stale.status).toBe(200)
    expect(stale.body.equals(normal.body)).toBe(true)

    const head = await http(url, { method: 'HEAD', isFast: true })
    expect(head.status).toBe(200)
    expect(head.body.length).toBe(0)
    expect(head.headers).toEqual((await http(url, { method: 'HEAD' })).headers)
    expect(head.headers['content-length']).toBe(String(normal.body.length))
  })

  it('keeps the 适老化 variant apart and re-draws pages after a correction and a withdrawal', async () => {
    const a = article({ title: '快速通道长辈模式稿件' })
    const { url } = await publish(a)
    const elder = { cookie: 'other=1; rm_elder=1' }
    await warm(url)
    await warm(url, elder)
    const plain = await http(url, { isFast: true })
    const big = await http(url, { isFast: true, headers: elder })
    expect(plain.body.toString()).not.toContain('class="elder"')
    expect(big.body.toString()).toContain('<html lang="zh-CN" class="elder">')
    expect(big.body.equals((await http(url, { headers: elder })).body)).toBe(true)

    await publish({ ...a, versionNumber: 2, title: '快速通道长辈模式稿件（更正）', correctedAt: new Date(), correctionNote: '标题已更正。' })
    const corrected = await fetch(base + url)
    expect(await corrected.text()).toContain('快速通道长辈模式稿件（更正）')
    expect(corrected.headers.get('etag')).not.toBe(plain.headers.etag)
    await warm(url)
    expect((await http(url, { isFast: true })).body.toString()).toContain('（更正）')

    await withdraw(a, 'website', '快速通道撤稿测试')
    const before = await fastHits()
    const gone = await fetch(base + url)
    expect(gone.status).toBe(410)
    expect(await gone.text()).toContain('快速通道撤稿测试')
    expect((await fetch(base + url, { headers: elder })).status).toBe(410)
    expect(await fastHits()).toBe(before)
  })
})
