import crypto from 'node:crypto'
import type { AssetRow } from './assets.store.js'
import { renditionUrl, type Rendition } from './assets.views.js'
import type { CollectionRow } from './sharing.store.js'

/**
 * The public archive's pages (数字资源公共服务平台): server-rendered HTML with no script at all,
 * one inline style sheet allowed by its hash, and a search form. Only public renditions appear;
 * originals are never linked.
 */

const style = `body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;color:#222;background:#fafafa}
header,main{max-width:1100px;margin:0 auto;padding:16px}header h1{font-size:22px;margin:8px 0}
form{display:flex;gap:8px;margin:8px 0 16px}input[type=search]{flex:1;padding:8px;font-size:16px}button{padding:8px 16px}
nav a{margin-right:12px}ul.grid{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:16px}
.grid li{background:#fff;border:1px solid #e5e5e5;border-radius:6px;overflow:hidden}.grid img{width:100%;height:160px;object-fit:cover;display:block}
.grid p{margin:8px;font-size:14px}figure{margin:0}figure img{max-width:100%;height:auto}figcaption{color:#555;margin-top:8px}
.empty{color:#777}small{color:#777}`

/** The Content-Security-Policy of archive pages: nothing runs, only our images and this style. */
export const archiveCsp = [
  "default-src 'none'", "img-src 'self'", `style-src 'sha256-${crypto.createHash('sha256').update(style).digest('base64')}'`,
  "form-action 'self'", "base-uri 'none'", "frame-ancestors 'none'",
].join('; ')

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${style}</style></head><body>${body}</body></html>`
}

/** The picture a card or a detail page shows: a web or thumbnail JPEG (every browser reads it). */
function picture(row: AssetRow, name: 'thumb' | 'web'): Rendition | undefined {
  const renditions = row.renditions as unknown as Rendition[]
  return renditions.find((r) => r.name === name && r.format === 'jpeg') ?? renditions.find((r) => r.name === 'poster' && r.format === 'jpeg')
}

export function archiveIndexPage({ slug, q, collectionId, collections, items }: {
  slug: string; q: string; collectionId?: string; collections: CollectionRow[]; items: AssetRow[]
}): string {
  const base = `/archive/${encodeURIComponent(slug)}`
  const nav = collections.map((c) => `<a href="${base}?collection=${c.id}">${escapeHtml(c.title)}</a>`).join('')
  const cards = items.map((row) => {
    const thumb = picture(row, 'thumb')
    const img = thumb ? `<img src="${renditionUrl(row.tenant_id, row.id, thumb.file)}" alt="${escapeHtml(row.title || row.caption)}" loading="lazy">` : ''
    return `<li><a href="${base}/${row.id}">${img}<p>${escapeHtml(row.title || '（无标题）')}</p></a></li>`
  }).join('')
  const current = collections.find((c) => c.id === collectionId)
  return page(current ? current.title : '数字资源公共服务平台', `<header><h1>${escapeHtml(current?.title ?? '数字资源公共服务平台')}</h1>
${current?.description ? `<p>${escapeHtml(current.description)}</p>` : ''}
<form method="get" action="${base}" role="search">${collectionId ? `<input type="hidden" name="collection" value="${escapeHtml(collectionId)}">` : ''}
<input type="search" name="q" value="${escapeHtml(q)}" placeholder="搜索标题、说明、标签" aria-label="搜索"><button type="submit">搜索</button></form>
<nav><a href="${base}">全部专题</a>${nav}</nav></header>
<main>${cards ? `<ul class="grid">${cards}</ul>` : '<p class="empty">没有找到资源。</p>'}</main>`)
}

export function archiveAssetPage({ slug, row }: { slug: string; row: AssetRow }): string {
  const web = picture(row, 'web')
  const renditions = row.renditions as unknown as Rendition[]
  const video = renditions.find((r) => r.name === 'web' && r.format === 'mp4')
  const audio = renditions.find((r) => r.name === 'web' && r.format === 'm4a')
  const media = video ? `<p><a href="${renditionUrl(row.tenant_id, row.id, video.file)}">播放视频</a></p>`
    : audio ? `<p><a href="${renditionUrl(row.tenant_id, row.id, audio.file)}">收听音频</a></p>` : ''
  const img = web ? `<img src="${renditionUrl(row.tenant_id, row.id, web.file)}" alt="${escapeHtml(row.title || row.caption)}" width="${web.width ?? ''}" height="${web.height ?? ''}">` : ''
  const facts = [row.credit && `作者/来源：${escapeHtml(row.credit)}`, row.copyright && `版权：${escapeHtml(row.copyright)}`].filter(Boolean).join('　')
  return page(row.title || '资源', `<header><p><a href="/archive/${encodeURIComponent(slug)}">← 返回</a></p><h1>${escapeHtml(row.title || '（无标题）')}</h1></header>
<main><figure>${img}<figcaption>${escapeHtml(row.caption)}</figcaption></figure>${media}<p><small>${facts}</small></p></main>`)
}
