import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppDeps } from '../../app.js'
import { isIsoDate } from '../calendar/calendar.js'
import { AppError } from '../../kernel/errors.js'
import { sitePageCache, type CachedPage } from './site.cache.js'
import { feedTypes, renderFeed, type FeedFormat } from './site.feeds.js'
import {
  columnPath, escapeHtml, etagOf, isElderMode, renderErrorPage, renderPage, resolvePublicCenter, sendPage, tagPath, type SiteCenter,
} from './site.layout.js'
import { createSiteReader } from './site.service.js'
import {
  emptyState, highlight, homeMain, pager, searchFormHtml, snippet, storyHead, storyItem, storyList, storyMain, storyPath, withdrawnMessage,
} from './site.views.js'

/** Bounds of a public, unauthenticated surface. */
export const siteLimits = { pageSize: 20, maxPage: 200, searchPageSize: 10, maxSearchPage: 20, queryLength: 100, feedItems: 50, sitemapUrls: 5000 } as const
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const FEED_FILES: Record<string, FeedFormat> = { 'feed.xml': 'rss', 'feed.atom': 'atom', 'feed.json': 'json' }

interface Rendered { status: number; body: string; lastModified: Date | null; contentType?: string }

/** The page's origin for absolute URLs (Open Graph, JSON-LD, feeds); the Host is checked first. */
function originOf(request: FastifyRequest): string {
  const host = /^[a-z0-9.-]+(?::\d{1,5})?$/i.test(request.host) ? request.host : 'localhost'
  return `${request.protocol}://${host}`
}

/** Page numbers from the query: 1 by default; anything else than 1..max is a 404 (never a huge OFFSET). */
function pageOf(raw: unknown, max: number): number {
  if (raw === undefined || raw === '') return 1
  const n = typeof raw === 'string' && /^\d{1,4}$/.test(raw) ? Number(raw) : NaN
  if (!Number.isInteger(n) || n < 1 || n > max) throw new AppError('NOT_FOUND', 'no such page')
  return n
}

/** Start of a Shanghai calendar day as an instant. */
function shanghaiDayStart(date: string): Date {
  return new Date(`${date}T00:00:00+08:00`)
}

/**
 * The site's pages, feeds and sitemap under `/s/{center}/…`. Each response goes through the
 * in-process page cache (keyed by center, origin, 适老化 and URL; served while the center's site
 * revision is unchanged) and carries ETag / Last-Modified.
 */
export async function sitePageRoutes(app: FastifyInstance, { db }: AppDeps): Promise<void> {
  const reader = createSiteReader({ db })

  async function serve(request: FastifyRequest, reply: FastifyReply, render: (center: SiteCenter, ctx: { elder: boolean; origin: string; path: string }) => Promise<Rendered>) {
    const slug = (request.params as { center: string }).center
    let center = await resolvePublicCenter(db, slug)
    const revision = await sitePageCache.revision(db, center.id)
    center = await resolvePublicCenter(db, slug) // now with the columns the revision check loaded
    const elder = isElderMode(request)
    const origin = originOf(request)
    const key = `${origin}|${elder ? 1 : 0}|${request.url}`
    const isCacheable = request.url.length <= 600
    const hit = isCacheable ? sitePageCache.get(center.id, key, revision) : undefined
    if (hit) return sendPage(reply, hit.html, { etag: hit.etag, lastModified: hit.lastModified, contentType: contentTypeOf(hit) })
    const page = await render(center, { elder, origin, path: request.url })
    if (page.status !== 200) return sendPage(reply, page.body, { status: page.status, contentType: page.contentType })
    const cached: CachedPage & { contentType?: string } = { html: page.body, etag: etagOf(page.body), lastModified: page.lastModified, revision, contentType: page.contentType }
    if (isCacheable) sitePageCache.set(center.id, key, cached)
    return sendPage(reply, cached.html, { etag: cached.etag, lastModified: cached.lastModified, contentType: page.contentType })
  }
  const contentTypeOf = (p: CachedPage) => (p as CachedPage & { contentType?: string }).contentType

  const html = (status: number, body: string, lastModified: Date | null = null): Rendered => ({ status, body, lastModified })
  const newest = (rows: Array<{ updated_at: Date }>) => rows.reduce<Date | null>((m, r) => (!m || r.updated_at > m ? r.updated_at : m), null)

  app.get<{ Params: { center: string } }>('/:center', { schema: { hide: true } }, async (request, reply) => {
    const center = await resolvePublicCenter(db, request.params.center)
    return reply.redirect(`/s/${center.slug}/`, 301)
  })

  app.get<{ Params: { center: string } }>('/:center/', { schema: { hide: true } }, (request, reply) => serve(request, reply, async (center, ctx) => {
    const columns = center.columns ?? []
    const data = await reader.home(center.id, { columns, latest: 8, perColumn: 5 })
    const blocks = columns.map((section) => ({ section, stories: data.perSection.filter((s) => s.section === section) }))
    const main = homeMain(center, data.latest, blocks, data.tags)
    return html(200, renderPage({ center, title: center.name, description: `${center.name}官方网站：本地新闻、政务信息与群众留言。`, path: ctx.path, elder: ctx.elder, main, nav: 'home' }), newest(data.latest))
  }))

  app.get<{ Params: { center: string; column: string }; Querystring: { page?: string } }>('/:center/columns/:column', { schema: { hide: true } }, (request, reply) => serve(request, reply, async (center, ctx) => {
    const section = request.params.column
    if (section.length > 50) throw new AppError('NOT_FOUND', 'no such column')
    const page = pageOf(request.query.page, siteLimits.maxPage)
    const { stories, total } = await reader.list(center.id, { section, limit: siteLimits.pageSize, offset: (page - 1) * siteLimits.pageSize })
    if (total === 0) throw new AppError('NOT_FOUND', 'no such column')
    const pageCount = Math.min(siteLimits.maxPage, Math.ceil(total / siteLimits.pageSize))
    if (stories.length === 0) throw new AppError('NOT_FOUND', 'no such page')
    const base = columnPath(center.slug, section)
    const main = `<h1 class="page-title">${escapeHtml(section)}</h1>
<p class="meta"><span>共 ${total} 篇</span><span><a href="${escapeHtml(base)}/feed.xml">订阅本栏目（RSS）</a></span></p>
${storyList(center, stories)}${pager(page, pageCount, (n) => (n === 1 ? base : `${base}?page=${n}`))}`
    return html(200, renderPage({ center, title: page > 1 ? `${section}（第${page}页）` : section, path: ctx.path, elder: ctx.elder, main, nav: section }), newest(stories))
  }))

  app.get<{ Params: { center: string; tag: string }; Querystring: { page?: string } }>('/:center/tags/:tag', { schema: { hide: true } }, (request, reply) => serve(request, reply, async (center, ctx) => {
    const tag = request.params.tag
    if (tag.length > 30) throw new AppError('NOT_FOUND', 'no such tag')
    const page = pageOf(request.query.page, siteLimits.maxPage)
    const { stories, total } = await reader.list(center.id, { tag, limit: siteLimits.pageSize, offset: (page - 1) * siteLimits.pageSize })
    if (stories.length === 0) throw new AppError('NOT_FOUND', 'no such tag')
    const base = tagPath(center.slug, tag)
    const main = `<h1 class="page-title">标签：${escapeHtml(tag)}</h1><p class="meta"><span>共 ${total} 篇</span></p>
${storyList(center, stories)}${pager(page, Math.min(siteLimits.maxPage, Math.ceil(total / siteLimits.pageSize)), (n) => (n === 1 ? base : `${base}?page=${n}`))}`
    return html(200, renderPage({ center, title: `标签：${tag}`, path: ctx.path, elder: ctx.elder, main }), newest(stories))
  }))

  app.get<{ Params: { center: string; id: string } }>('/:center/stories/:id', { schema: { hide: true } }, (request, reply) => serve(request, reply, async (center, ctx) => {
    const id = request.params.id.toLowerCase()
    if (!UUID.test(id)) throw new AppError('NOT_FOUND', 'no such story')
    const a = await reader.story(center.id, id)
    if (!a) throw new AppError('NOT_FOUND', 'no such story')
    if (a.withdrawn_at || (!a.is_on_website && !a.is_in_feeds)) {
      const body = renderErrorPage({ center, status: 410, path: ctx.path, elder: ctx.elder, title: '该稿件已撤回', message: withdrawnMessage(a) })
      return html(410, body)
    }
    const description = a.summary || a.subtitle || a.body_text.slice(0, 120)
    return html(200, renderPage({
      center, title: a.title, description, path: ctx.path, elder: ctx.elder, head: storyHead(center, a, ctx.origin), main: storyMain(center, a), nav: a.section || undefined,
    }), a.updated_at)
  }))

  app.get<{ Params: { center: string }; Querystring: Record<string, string | undefined> }>('/:center/search', { schema: { hide: true } }, (request, reply) => serve(request, reply, async (center, ctx) => {
    const raw = request.query
    const form = { q: (raw.q ?? '').trim(), section: (raw.section ?? '').trim(), from: (raw.from ?? '').trim(), to: (raw.to ?? '').trim() }
    const columns = center.columns ?? []
    const problems: string[] = []
    if (form.q.length > siteLimits.queryLength) problems.push(`搜索词太长了，请不超过 ${siteLimits.queryLength} 个字。`)
    if (form.from && !isIsoDate(form.from)) problems.push('起始日期的格式不对，请按“年-月-日”填写。')
    if (form.to && !isIsoDate(form.to)) problems.push('截止日期的格式不对，请按“年-月-日”填写。')
    if (form.from && form.to && isIsoDate(form.from) && isIsoDate(form.to) && form.from > form.to) problems.push('起始日期不能晚于截止日期。')
    if (form.section.length > 50) problems.push('栏目名称不对。')
    const page = pageOf(raw.page, siteLimits.maxSearchPage)
    const formHtml = searchFormHtml(center, { ...form, q: form.q.slice(0, siteLimits.queryLength) }, columns)
    const title = form.q ? `搜索：${form.q.slice(0, 30)}` : '搜索'
    const wrap = (status: number, inner: string) => html(status, renderPage({ center, title, path: ctx.path, elder: ctx.elder, main: `<h1 class="page-title">搜索稿件</h1>${formHtml}${inner}`, nav: 'search' }))
    if (problems.length > 0) {
      return wrap(400, `<div class="empty" role="alert">${problems.map((p) => `<p>${escapeHtml(p)}</p>`).join('')}</div>`)
    }
    if (!form.q) return wrap(200, emptyState('请输入要找的内容，例如“社保卡”“道路施工”“疫苗接种”。'))
    const result = await reader.search(center.id, {
      q: form.q, section: form.section || undefined,
      from: form.from ? shanghaiDayStart(form.from) : undefined,
      to: form.to ? new Date(shanghaiDayStart(form.to).getTime() + 86_400_000) : undefined,
      limit: siteLimits.searchPageSize, offset: (page - 1) * siteLimits.searchPageSize,
    })
    if (result.results.length === 0) {
      const hints = `<ul class="hints"><li>换一个更常用的说法，或少输入几个字</li>${form.section || form.from || form.to ? `<li>去掉栏目或日期的限制：<a href="/s/${center.slug}/search?q=${encodeURIComponent(form.q)}">在全部稿件中搜索“${escapeHtml(form.q.slice(0, 30))}”</a></li>` : ''}<li>浏览<a href="/s/${center.slug}/">首页的最新稿件</a></li><li>想反映问题？<a href="/s/${center.slug}/tickets/new">我要留言</a></li></ul>`
      return wrap(200, `<div class="empty"><p>没有找到与“${escapeHtml(form.q.slice(0, 30))}”相关的稿件。</p>${hints}</div>`)
    }
    const items = result.results.map((r) => storyItem(center, r, { titleHtml: highlight(r.title, result.terms), snippetHtml: snippet(r.body_text || r.summary, result.terms) })).join('')
    const pageCount = Math.min(siteLimits.maxSearchPage, Math.ceil(result.total / siteLimits.searchPageSize))
    const params = (n: number) => {
      const p = new URLSearchParams({ q: form.q })
      if (form.section) p.set('section', form.section)
      if (form.from) p.set('from', form.from)
      if (form.to) p.set('to', form.to)
      if (n > 1) p.set('page', String(n))
      return `/s/${center.slug}/search?${p.toString()}`
    }
    return wrap(200, `<p class="results-count" role="status">找到 ${result.total} 篇相关稿件</p><ul class="story-list">${items}</ul>${pager(page, pageCount, params)}`)
  }))

  const feedRoute = async (request: FastifyRequest<{ Params: { center: string; column?: string; file: string } }>, reply: FastifyReply) => {
    const format = FEED_FILES[request.params.file]
    if (!format) throw new AppError('NOT_FOUND', 'no such file')
    return serve(request, reply, async (center, ctx) => {
      const section = request.params.column
      if (section !== undefined && section.length > 50) throw new AppError('NOT_FOUND', 'no such column')
      const rows = await reader.feed(center.id, { section, limit: siteLimits.feedItems })
      if (section !== undefined && rows.length === 0) throw new AppError('NOT_FOUND', 'no such column')
      return { status: 200, body: renderFeed(format, { center, section, rows, origin: ctx.origin }), lastModified: newest(rows), contentType: feedTypes[format] }
    })
  }
  app.get('/:center/:file', { schema: { hide: true } }, async (request: FastifyRequest<{ Params: { center: string; file: string } }>, reply) => {
    if (request.params.file === 'sitemap.xml') return sitemap(request, reply)
    if (request.params.file === 'robots.txt') return robots(request, reply)
    return feedRoute(request, reply)
  })
  app.get('/:center/columns/:column/:file', { schema: { hide: true } }, feedRoute)

  const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  function sitemap(request: FastifyRequest<{ Params: { center: string } }>, reply: FastifyReply) {
    return serve(request, reply, async (center, ctx) => {
      const rows = await reader.sitemap(center.id, siteLimits.sitemapUrls)
      const urls = [
        `<url><loc>${xmlEscape(`${ctx.origin}/s/${center.slug}/`)}</loc><changefreq>hourly</changefreq></url>`,
        ...(center.columns ?? []).map((c) => `<url><loc>${xmlEscape(ctx.origin + columnPath(center.slug, c))}</loc><changefreq>daily</changefreq></url>`),
        ...rows.map((r) => `<url><loc>${xmlEscape(ctx.origin + storyPath(center.slug, r.story_id))}</loc><lastmod>${r.updated_at.toISOString()}</lastmod></url>`),
      ]
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`
      return { status: 200, body, lastModified: newest(rows), contentType: 'application/xml; charset=utf-8' }
    })
  }
  function robots(request: FastifyRequest<{ Params: { center: string } }>, reply: FastifyReply) {
    return serve(request, reply, async (center, ctx) => ({
      status: 200, lastModified: null, contentType: 'text/plain; charset=utf-8',
      // Search result pages are endless combinations of queries: crawlers get the sitemap instead.
      body: `User-agent: *\nAllow: /s/${center.slug}/\nDisallow: /s/${center.slug}/search\nSitemap: ${ctx.origin}/s/${center.slug}/sitemap.xml\n`,
    }))
  }
}
