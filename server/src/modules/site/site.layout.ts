import crypto from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Database } from '../../db/database.js'
import { inScope, systemScope } from '../../db/scope.js'
import { AppError } from '../../kernel/errors.js'

/**
 * The shell every public page is drawn in (the site's own pages and the citizens' message pages):
 * header with the center's name and navigation, the 适老化 switch, footer, and the HTTP headers a
 * public page carries (strict CSP, caching, ETag). Pages hand in trusted HTML they escaped themselves.
 */

/** A center as the public sees it. `columns` (the site's sections) fill the navigation when known. */
export interface SiteCenter {
  id: string
  slug: string
  name: string
  columns?: readonly string[]
}

/** Where the shared static files live (site.css, the small enhancement script). */
export const SITE_ASSETS = '/s/_assets'
/** Bumped when site.css or site.js change, so year-long browser caching stays correct. */
export const SITE_ASSETS_VERSION = '3'

/** No inline script or style anywhere: every public page must pass this policy. */
export const siteCsp = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "media-src 'self'",
  "form-action 'self'", "base-uri 'none'", "frame-ancestors 'none'",
].join('; ')

/** The 适老化 cookie: `rm_elder=1` turns large text / high contrast / single column on. */
export const ELDER_COOKIE = 'rm_elder'

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/**
 * Escapes text for HTML content and quoted attribute values; null/undefined become ''.
 * @example escapeHtml('<b>"x"</b>') // '&lt;b&gt;&quot;x&quot;&lt;/b&gt;'
 */
export function escapeHtml(value: unknown): string {
  if (value === null || value === undefined) return ''
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!)
}

/** True when the reader switched 适老化 mode on (cookie rm_elder=1). */
export function isElderMode(request: FastifyRequest): boolean {
  return request.cookies?.[ELDER_COOKIE] === '1'
}

/** A column's page under a center (the column name is the URL segment, percent-encoded). */
export function columnPath(slug: string, column: string): string {
  return `/s/${slug}/columns/${encodeURIComponent(column)}`
}

/** A tag's page under a center. */
export function tagPath(slug: string, tag: string): string {
  return `/s/${slug}/tags/${encodeURIComponent(tag)}`
}

/** At most this many columns go into the header; the rest are reached from the home page blocks. */
const NAV_COLUMNS = 6

export interface PageOptions {
  center: SiteCenter
  title: string
  description?: string
  /** The page's own path (with query), used for the 适老化 switch's way back. */
  path: string
  elder: boolean
  /** Trusted extra head HTML: Open Graph tags, JSON-LD. */
  head?: string
  /** Trusted HTML of the main content. */
  main: string
  /** Highlighted navigation item: 'home', 'search', 'tickets-new', 'tickets' or a column name. */
  nav?: 'home' | 'search' | 'tickets-new' | 'tickets' | string
}

function navItem(href: string, label: string, isCurrent: boolean): string {
  return `<li><a href="${escapeHtml(href)}"${isCurrent ? ' aria-current="page"' : ''}>${escapeHtml(label)}</a></li>`
}

/** The switch's own link: to the other mode, coming back to this page. */
export function elderSwitchPath(slug: string, path: string, turnOn: boolean): string {
  return `/s/${slug}/elder?on=${turnOn ? 1 : 0}&back=${encodeURIComponent(path)}`
}

/**
 * Draws a whole public page. Everything from `center`, `title`, `description` and `path` is
 * escaped here; `head` and `main` are trusted (the caller escaped them).
 */
export function renderPage(o: PageOptions): string {
  const { center } = o
  const base = `/s/${center.slug}`
  const columns = (o.center.columns ?? []).slice(0, NAV_COLUMNS)
  const nav = [
    navItem(`${base}/`, '首页', o.nav === 'home'),
    ...columns.map((c) => navItem(columnPath(center.slug, c), c, o.nav === c)),
    navItem(`${base}/search`, '搜索', o.nav === 'search'),
    navItem(`${base}/tickets/new`, '我要留言', o.nav === 'tickets-new'),
    navItem(`${base}/tickets`, '留言选登', o.nav === 'tickets'),
  ].join('')
  const title = o.title === center.name ? center.name : `${o.title} - ${center.name}`
  const elderLink = o.elder
    ? `<a class="elder-switch" href="${escapeHtml(elderSwitchPath(center.slug, o.path, false))}">退出长辈模式</a>`
    : `<a class="elder-switch" href="${escapeHtml(elderSwitchPath(center.slug, o.path, true))}">长辈模式（大字）</a>`
  return `<!doctype html>
<html lang="zh-CN"${o.elder ? ' class="elder"' : ''}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
${o.description ? `<meta name="description" content="${escapeHtml(o.description)}">\n` : ''}<link rel="stylesheet" href="${SITE_ASSETS}/site.css?v=${SITE_ASSETS_VERSION}">
<link rel="alternate" type="application/rss+xml" title="${escapeHtml(center.name)} RSS" href="${base}/feed.xml">
<link rel="alternate" type="application/atom+xml" title="${escapeHtml(center.name)} Atom" href="${base}/feed.atom">
<link rel="alternate" type="application/feed+json" title="${escapeHtml(center.name)} JSON Feed" href="${base}/feed.json">
<script src="${SITE_ASSETS}/site.js?v=${SITE_ASSETS_VERSION}" defer></script>
${o.head ?? ''}</head>
<body>
<a class="skip-link" href="#main">跳到正文</a>
<header class="site-header">
<div class="site-bar">
<a class="site-name" href="${base}/">${escapeHtml(center.name)}</a>
${elderLink}
</div>
<nav class="site-nav" aria-label="栏目导航"><ul>${nav}</ul></nav>
</header>
<main id="main" class="site-main">
${o.main}
</main>
<footer class="site-footer">
<p>${escapeHtml(center.name)} · <a href="${base}/feed.xml">RSS 订阅</a> · <a href="${base}/sitemap.xml">网站地图</a></p>
<p>${o.elder ? '已开启长辈模式：字更大、对比更强。' : '看不清？可点页面顶部“长辈模式”放大字体。'}</p>
</footer>
</body>
</html>
`
}

export interface SendOptions {
  status?: number
  /**
   * Browser/proxy cache lifetime for a 200. The default 0 means "public, no-cache": keep it but
   * ask every time (a cheap 304), so a withdrawal takes effect on the reader's next view.
   */
  maxAgeSeconds?: number
  lastModified?: Date | null
  /** Precomputed strong ETag (the page cache keeps one); computed from the body otherwise. */
  etag?: string
  /** Defaults to HTML; feeds and the sitemap pass their own. */
  contentType?: string
}

/** A strong ETag over the page's bytes. */
export function etagOf(body: string): string {
  return `"${crypto.createHash('sha1').update(body).digest('base64url')}"`
}

/**
 * True when the browser's copy is current: its If-None-Match names this ETag, or (without one)
 * If-Modified-Since is not older than the page. Shared by `sendPage` and the site's fast path.
 */
export function isNotModified(headers: IncomingHttpHeaders, etag: string, lastModified: Date | null | undefined): boolean {
  const inm = headers['if-none-match']
  // If-None-Match wins over If-Modified-Since when both are sent (RFC 9110 §13.2.2).
  if (inm) return inm.split(',').some((t) => { const v = t.trim().replace(/^W\//, ''); return v === etag || v === '*' })
  const ims = headers['if-modified-since']
  if (ims && lastModified) {
    const since = Date.parse(ims)
    return Number.isFinite(since) && Math.floor(lastModified.getTime() / 1000) <= Math.floor(since / 1000)
  }
  return false
}

/**
 * Sends a rendered public page with the site's headers: content type, the strict CSP, caching
 * (`Vary: Cookie` because 适老化 mode changes the HTML), ETag / Last-Modified, and 304 when the
 * browser's copy is current. Error statuses are never stored.
 */
export function sendPage(reply: FastifyReply, html: string, o: SendOptions = {}): FastifyReply {
  const status = o.status ?? 200
  const maxAge = o.maxAgeSeconds ?? 0
  reply.header('content-security-policy', siteCsp)
  reply.header('x-content-type-options', 'nosniff')
  reply.header('referrer-policy', 'strict-origin-when-cross-origin')
  reply.header('vary', 'Cookie')
  reply.header('cache-control', status !== 200 ? 'no-store' : maxAge > 0 ? `public, max-age=${maxAge}` : 'public, no-cache')
  reply.type(o.contentType ?? 'text/html; charset=utf-8')
  if (status === 200) {
    const etag = o.etag ?? etagOf(html)
    reply.header('etag', etag)
    if (o.lastModified) reply.header('last-modified', o.lastModified.toUTCString())
    if (isNotModified(reply.request.headers, etag, o.lastModified)) return reply.status(304).send()
  }
  return reply.status(status).send(html)
}

interface CachedCenter { center: SiteCenter; until: number }
const CENTER_TTL_MS = 30_000
const centerCache = new Map<string, CachedCenter>()
/** Columns of each center, filled by the site service (they change only on publish/withdraw). */
const columnsByCenter = new Map<string, readonly string[]>()

/** The site service tells the shell a center's columns (and forgets them with `null`). */
export function setCenterColumns(centerId: string, columns: readonly string[] | null): void {
  if (columns === null) columnsByCenter.delete(centerId)
  else columnsByCenter.set(centerId, columns)
}

/** The columns the shell knows for a center (undefined until the site service has loaded them). */
export function centerColumns(centerId: string): readonly string[] | undefined {
  return columnsByCenter.get(centerId)
}

/** Slugs are lowercase letters, digits and dashes; anything else cannot be a center. */
const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/

/**
 * The enabled center behind a public URL's slug, cached for 30 s (disabling a center shows within
 * that). Unknown or disabled → AppError NOT_FOUND, which the site renders as a Chinese 404 page.
 */
export async function resolvePublicCenter(db: Database, slug: string): Promise<SiteCenter> {
  const known = centerCache.get(slug)
  const now = Date.now()
  let center: SiteCenter
  if (known && known.until > now) {
    center = known.center
  } else {
    if (!SLUG.test(slug)) throw new AppError('NOT_FOUND', `no center ${slug}`)
    const row = await inScope(db, systemScope, (trx) => trx.selectFrom('tenants').select(['id', 'slug', 'name'])
      .where('slug', '=', slug).where('kind', '=', 'center').where('is_disabled', '=', false).executeTakeFirst())
    if (!row) {
      centerCache.delete(slug)
      throw new AppError('NOT_FOUND', `no center ${slug}`)
    }
    center = { id: row.id, slug: row.slug, name: row.name }
    centerCache.set(slug, { center, until: now + CENTER_TTL_MS })
  }
  const columns = columnsByCenter.get(center.id)
  return columns ? { ...center, columns } : center
}

/**
 * The center behind a slug when it is cached and still fresh, without touching the database;
 * undefined otherwise. The fast path uses it so a disabled center stops answering as soon as
 * the normal path would.
 */
export function knownPublicCenter(slug: string, now = Date.now()): SiteCenter | undefined {
  const known = centerCache.get(slug)
  return known && known.until > now ? known.center : undefined
}

/** Forgets cached centers (tests that disable a center, the publisher after renames). */
export function forgetPublicCenters(): void {
  centerCache.clear()
}

export interface ErrorPageOptions {
  center: SiteCenter | null
  status: 404 | 410 | 500 | number
  path: string
  elder: boolean
  /** Shown under the heading (410: the withdrawal notice). Plain text, escaped here. */
  message?: string
  title?: string
}

const ERROR_TEXT: Record<number, { title: string; message: string }> = {
  404: { title: '页面不存在', message: '您要找的页面不存在，可能地址有误，或内容已调整。' },
  410: { title: '该稿件已撤回', message: '该稿件已被撤回，不再提供浏览。' },
  429: { title: '访问太频繁', message: '您的访问太频繁了，请稍等一分钟再试。' },
  500: { title: '服务器开小差了', message: '服务器暂时出了点问题，请稍后再试。' },
}

/** An error page in the site's shell; without a known center, a minimal shell with the same CSS. */
export function renderErrorPage(o: ErrorPageOptions): string {
  const text = ERROR_TEXT[o.status] ?? (o.status >= 500 ? ERROR_TEXT[500]! : { title: '无法打开此页面', message: '请求有误，请检查地址后重试。' })
  const title = o.title ?? text.title
  const message = o.message ?? text.message
  const home = o.center ? `/s/${o.center.slug}/` : null
  const main = `<section class="error-page" aria-labelledby="error-title">
<p class="error-code">${o.status}</p>
<h1 id="error-title">${escapeHtml(title)}</h1>
<p class="error-message">${escapeHtml(message)}</p>
${home ? `<p class="error-actions"><a class="button" href="${home}">返回首页</a> <a class="button secondary" href="${home}search">搜索稿件</a></p>` : ''}
</section>`
  if (o.center) return renderPage({ center: o.center, title, path: o.path, elder: o.elder, main })
  return `<!doctype html>
<html lang="zh-CN"${o.elder ? ' class="elder"' : ''}>
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><link rel="stylesheet" href="${SITE_ASSETS}/site.css?v=${SITE_ASSETS_VERSION}"></head>
<body><main id="main" class="site-main">${main}</main></body>
</html>
`
}

/**
 * The error handler for public page plugins: AppErrors become Chinese pages in the shell (404,
 * 429…), anything else a 500 page with the details only in the log.
 * @example app.setErrorHandler(sitePageErrorHandler(db))  // inside your own public-page plugin
 */
export function sitePageErrorHandler(db: Database) {
  return async (error: Error & { statusCode?: number; validation?: unknown }, request: FastifyRequest, reply: FastifyReply) => {
    let status = error instanceof AppError ? error.status : (error.statusCode ?? 500)
    if (error.validation) status = 400
    if (status >= 500) request.log.error({ err: error }, 'public page failed')
    const slug = (request.params as { center?: string } | undefined)?.center
    // The shell needs the center; an unknown one (the usual 404) gets the minimal shell.
    const center = slug ? await resolvePublicCenter(db, slug).catch(() => null) : null
    const html = renderErrorPage({ center, status, path: request.url, elder: isElderMode(request) })
    if (status === 429) reply.header('retry-after', '60')
    return sendPage(reply, html, { status })
  }
}
