import { toShanghaiIso } from '../calendar/calendar.js'
import type { SiteCover } from '../../db/schema.js'
import { columnPath, escapeHtml, tagPath, type SiteCenter } from './site.layout.js'

/**
 * HTML fragments of the site's pages. Every value from the database is escaped here except the
 * story body, which was sanitised with the website profile when it was published.
 */

export interface ListedStory {
  story_id: string
  title: string
  summary: string
  section: string
  tags: string[]
  cover: SiteCover | null
  byline: string
  source: string
  published_at: Date
  corrected_at: Date | null
}

/** "2026年11月23日 09:05", Asia/Shanghai. */
export function shanghaiTime(instant: Date): string {
  const iso = toShanghaiIso(instant)
  return `${Number(iso.slice(0, 4))}年${Number(iso.slice(5, 7))}月${Number(iso.slice(8, 10))}日 ${iso.slice(11, 16)}`
}

export function storyPath(slug: string, storyId: string): string {
  return `/s/${slug}/stories/${storyId}`
}

function timeTag(instant: Date): string {
  return `<time datetime="${toShanghaiIso(instant)}">${shanghaiTime(instant)}</time>`
}

/** One story in a list: title, summary (or a highlighted snippet), column and time, a small cover. */
export function storyItem(center: SiteCenter, s: ListedStory, o: { titleHtml?: string; snippetHtml?: string; headingLevel?: 2 | 3 } = {}): string {
  const href = storyPath(center.slug, s.story_id)
  const h = o.headingLevel ?? 3
  const summary = o.snippetHtml ?? (s.summary ? escapeHtml(s.summary) : '')
  // The cover is decorative next to the linked title (alt=""), so screen readers hear the title once.
  const thumb = s.cover ? `<div class="thumb"><img src="${escapeHtml(s.cover.url)}" alt="" width="160" height="106" loading="lazy"></div>` : ''
  return `<li class="story-item"><div class="story-text">
<h${h}><a href="${href}">${o.titleHtml ?? escapeHtml(s.title)}</a></h${h}>
${summary ? `<p class="summary">${summary}</p>` : ''}
<p class="meta">${s.section ? `<span><a href="${escapeHtml(columnPath(center.slug, s.section))}">${escapeHtml(s.section)}</a></span>` : ''}<span>${timeTag(s.published_at)}</span>${s.corrected_at ? '<span>已更正</span>' : ''}</p>
</div>${thumb}</li>`
}

export function storyList(center: SiteCenter, stories: ListedStory[], o?: { headingLevel?: 2 | 3 }): string {
  return `<ul class="story-list">${stories.map((s) => storyItem(center, s, o)).join('')}</ul>`
}

/** Previous / next links; `href(n)` builds page n's URL. */
export function pager(page: number, pageCount: number, href: (n: number) => string): string {
  if (pageCount <= 1) return ''
  const prev = page > 1 ? `<a href="${escapeHtml(href(page - 1))}" rel="prev">上一页</a>` : '<span></span>'
  const next = page < pageCount ? `<a href="${escapeHtml(href(page + 1))}" rel="next">下一页</a>` : '<span></span>'
  return `<nav class="pager" aria-label="分页">${prev}<span>第 ${page} / ${pageCount} 页</span>${next}</nav>`
}

export function emptyState(message: string, extra = ''): string {
  return `<div class="empty"><p>${escapeHtml(message)}</p>${extra}</div>`
}

/** The home page: the newest story large, the latest list, then a block per column. */
export function homeMain(center: SiteCenter, latest: ListedStory[], blocks: Array<{ section: string; stories: ListedStory[] }>, tags: Array<{ tag: string; count: number }>): string {
  if (latest.length === 0) {
    return `<h1 class="page-title">${escapeHtml(center.name)}</h1>${emptyState('这里还没有发布稿件，请稍后再来看看。')}`
  }
  const [lead, ...rest] = latest
  const cover = lead!.cover ? `<img src="${escapeHtml(lead!.cover.url)}" alt="${escapeHtml(lead!.cover.alt)}" width="${lead!.cover.width}" height="${lead!.cover.height}">` : ''
  const leadHtml = `<article class="lead-story">${cover}
<h2><a href="${storyPath(center.slug, lead!.story_id)}">${escapeHtml(lead!.title)}</a></h2>
${lead!.summary ? `<p class="summary">${escapeHtml(lead!.summary)}</p>` : ''}
<p class="meta">${lead!.section ? `<span>${escapeHtml(lead!.section)}</span>` : ''}<span>${timeTag(lead!.published_at)}</span></p>
</article>`
  const blocksHtml = blocks.filter((b) => b.stories.length > 0).map((b) => `<section class="block" aria-labelledby="col-${escapeHtml(encodeURIComponent(b.section))}">
<div class="block-head"><h2 id="col-${escapeHtml(encodeURIComponent(b.section))}">${escapeHtml(b.section)}</h2><a href="${escapeHtml(columnPath(center.slug, b.section))}">更多<span class="visually-hidden">${escapeHtml(b.section)}稿件</span></a></div>
${storyList(center, b.stories)}
</section>`).join('\n')
  const tagsHtml = tags.length > 0
    ? `<section class="block" aria-labelledby="tags-title"><div class="block-head"><h2 id="tags-title">热门标签</h2></div><ul class="tags">${tags.map((t) => `<li><a href="${escapeHtml(tagPath(center.slug, t.tag))}">${escapeHtml(t.tag)}（${t.count}）</a></li>`).join('')}</ul></section>`
    : ''
  return `<h1 class="visually-hidden">${escapeHtml(center.name)}首页</h1>
${leadHtml}
<section class="block" aria-labelledby="latest-title"><div class="block-head"><h2 id="latest-title">最新发布</h2></div>${storyList(center, rest)}</section>
<div class="home-grid">${blocksHtml}</div>
${tagsHtml}`
}

export interface ArticleView {
  story_id: string
  title: string
  subtitle: string
  summary: string
  body_html: string
  byline: string
  source: string
  section: string
  tags: string[]
  cover: SiteCover | null
  published_at: Date
  corrected_at: Date | null
  correction_note: string | null
}

/** The story page's main content. */
export function storyMain(center: SiteCenter, a: ArticleView): string {
  const cover = a.cover
    ? `<figure class="cover"><img src="${escapeHtml(a.cover.url)}" alt="${escapeHtml(a.cover.alt)}" width="${a.cover.width}" height="${a.cover.height}"><figcaption>${escapeHtml(a.cover.alt)}</figcaption></figure>`
    : ''
  const correction = a.corrected_at
    ? `<aside class="correction" aria-label="更正说明"><strong>更正：</strong>${escapeHtml(a.correction_note ?? '本文已更正。')}（${timeTag(a.corrected_at)}）</aside>`
    : ''
  const meta = [
    a.section ? `<span><a href="${escapeHtml(columnPath(center.slug, a.section))}">${escapeHtml(a.section)}</a></span>` : '',
    `<span>发布时间：${timeTag(a.published_at)}</span>`,
    a.corrected_at ? `<span>更正时间：${timeTag(a.corrected_at)}</span>` : '',
    a.byline ? `<span>${escapeHtml(a.byline)}</span>` : '',
  ].join('')
  const tags = a.tags.length > 0
    ? `<ul class="tags" aria-label="标签">${a.tags.map((t) => `<li><a href="${escapeHtml(tagPath(center.slug, t))}">${escapeHtml(t)}</a></li>`).join('')}</ul>`
    : ''
  return `<article class="story">
<h1>${escapeHtml(a.title)}</h1>
${a.subtitle ? `<p class="subtitle">${escapeHtml(a.subtitle)}</p>` : ''}
<p class="meta">${meta}</p>
${correction}
${cover}
<div class="story-body">
${a.body_html}
</div>
<p class="source-line">来源：${escapeHtml(a.source || center.name)}</p>
${tags}
</article>`
}

/** JSON inside a <script> block: `<` is escaped so no text can close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')
}

/** Open Graph tags and NewsArticle JSON-LD for a story page. `origin` makes the URLs absolute. */
export function storyHead(center: SiteCenter, a: ArticleView, origin: string): string {
  const url = `${origin}${storyPath(center.slug, a.story_id)}`
  const image = a.cover ? `${origin}${a.cover.url}` : null
  const description = a.summary || a.subtitle || ''
  const og = [
    ['og:type', 'article'], ['og:title', a.title], ['og:url', url], ['og:site_name', center.name], ['og:locale', 'zh_CN'],
    ...(description ? [['og:description', description]] : []),
    ...(image && a.cover ? [['og:image', image], ['og:image:alt', a.cover.alt], ['og:image:width', String(a.cover.width)], ['og:image:height', String(a.cover.height)]] : []),
    ['article:published_time', toShanghaiIso(a.published_at)],
    ...(a.corrected_at ? [['article:modified_time', toShanghaiIso(a.corrected_at)]] : []),
    ...(a.section ? [['article:section', a.section]] : []),
    ...a.tags.map((t) => ['article:tag', t]),
  ].map(([p, c]) => `<meta property="${p}" content="${escapeHtml(c)}">`).join('\n')
  const ld = {
    '@context': 'https://schema.org', '@type': 'NewsArticle', headline: a.title.slice(0, 110), mainEntityOfPage: url, url,
    datePublished: toShanghaiIso(a.published_at), dateModified: toShanghaiIso(a.corrected_at ?? a.published_at),
    ...(description ? { description } : {}), ...(image ? { image: [image] } : {}),
    ...(a.byline ? { author: [{ '@type': 'Person', name: a.byline }] } : { author: [{ '@type': 'Organization', name: center.name }] }),
    publisher: { '@type': 'Organization', name: center.name },
    ...(a.section ? { articleSection: a.section } : {}), ...(a.tags.length ? { keywords: a.tags.join(',') } : {}),
    inLanguage: 'zh-CN',
    ...(a.corrected_at ? { correction: { '@type': 'CorrectionComment', text: a.correction_note ?? '本文已更正', datePublished: toShanghaiIso(a.corrected_at) } } : {}),
  }
  return `<link rel="canonical" href="${escapeHtml(url)}">\n${og}\n<script type="application/ld+json">${scriptJson(ld)}</script>\n`
}

/** The 410 notice of a withdrawn story. */
export function withdrawnMessage(a: { title: string; withdrawn_at: Date | null; withdrawal_reason: string | null }): string {
  const when = a.withdrawn_at ? `于 ${shanghaiTime(a.withdrawn_at)} ` : ''
  return `《${a.title}》已${when}撤回，不再提供浏览。${a.withdrawal_reason ? `撤稿说明：${a.withdrawal_reason}` : ''}`
}

export interface SearchForm {
  q: string
  section: string
  from: string
  to: string
}

/** The search form, repeated on the results and no-results pages. */
export function searchFormHtml(center: SiteCenter, f: SearchForm, columns: readonly string[]): string {
  const options = ['<option value="">全部栏目</option>', ...columns.map((c) => `<option value="${escapeHtml(c)}"${c === f.section ? ' selected' : ''}>${escapeHtml(c)}</option>`)].join('')
  return `<form class="search-form" role="search" action="/s/${center.slug}/search" method="get">
<div class="search-row"><div><label for="q">搜索词</label><input id="q" name="q" type="search" maxlength="100" value="${escapeHtml(f.q)}" placeholder="输入关键词，如：社保卡 办理"></div>
<div><label for="section">栏目</label><select id="section" name="section">${options}</select></div></div>
<div class="search-dates"><div><label for="from">起始日期</label><input id="from" name="from" type="date" value="${escapeHtml(f.from)}"></div>
<div><label for="to">截止日期</label><input id="to" name="to" type="date" value="${escapeHtml(f.to)}"></div></div>
<div><button type="submit">搜索</button></div>
</form>`
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** Escapes `text` and wraps every occurrence of any token in <mark> (longest tokens first). */
export function highlight(text: string, tokens: readonly string[]): string {
  const usable = [...tokens].filter((t) => t.length > 0).sort((a, b) => b.length - a.length).slice(0, 20)
  if (usable.length === 0) return escapeHtml(text)
  const re = new RegExp(usable.map(escapeRegExp).join('|'), 'giu')
  let out = ''
  let last = 0
  for (const m of text.matchAll(re)) {
    out += escapeHtml(text.slice(last, m.index)) + `<mark>${escapeHtml(m[0])}</mark>`
    last = m.index! + m[0].length
  }
  return out + escapeHtml(text.slice(last))
}

const SNIPPET = 110

/** The part of the text around the first query word, highlighted; the summary's start otherwise. */
export function snippet(text: string, tokens: readonly string[]): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  const lower = flat.toLowerCase()
  let at = -1
  for (const t of tokens) {
    const i = lower.indexOf(t.toLowerCase())
    if (i >= 0 && (at < 0 || i < at)) at = i
  }
  const start = at < 0 ? 0 : Math.max(0, at - 30)
  const piece = flat.slice(start, start + SNIPPET)
  return `${start > 0 ? '…' : ''}${highlight(piece, tokens)}${start + SNIPPET < flat.length ? '…' : ''}`
}
