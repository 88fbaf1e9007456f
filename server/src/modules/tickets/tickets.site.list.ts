import type { FastifyInstance } from 'fastify'
import { inScope, tenantScope } from '../../db/scope.js'
import { AppError } from '../../kernel/errors.js'
import { decodeCursor } from '../../kernel/openapi.js'
import { centerWideScope, ticketAttachmentHooks } from '../assets/ticket-attachments.js'
import { isElderMode, renderPage, resolvePublicCenter, sendPage, type SiteCenter } from '../site/site.layout.js'
import * as catalogue from './catalogue.store.js'
import * as queriesStore from './queries.store.js'
import * as replies from './replies.store.js'
import { kindNames, ticketKinds, type TicketKind } from './tickets.model.js'
import { chineseTime, h, head, paragraphs, pictures, type SitePages } from './tickets.site.shared.js'
import * as store from './tickets.store.js'
import { publicItemView } from './tickets.views.js'

/**
 * The public list of answered messages (`/s/<c>/tickets`, 留言选登) and one answered message
 * (`/s/<c>/tickets/<number>`), personal data masked; both cached for a minute.
 */

const PAGE_SIZE = 10

type PublicItem = ReturnType<typeof publicItemView>

function excerpt(text: string, max = 90): string {
  const chars = [...text.replace(/\s+/g, ' ')]
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : chars.join('')
}

function listItem(center: SiteCenter, item: PublicItem): string {
  return `<li class="tk-item"><article>
<h2><a href="/s/${h(center.slug)}/tickets/${h(item.number)}">${h(item.title)}</a></h2>
<p class="tk-meta"><span class="tk-tag">${h(item.kindName)}</span> ${h(item.category.name)} · ${h(item.citizenName)} · ${h(chineseTime(item.createdAt, { isDateOnly: true }))}</p>
<p>${h(excerpt(item.text))}</p>
${item.reply ? `<p class="tk-reply-excerpt"><strong>${h(item.reply.department)}答复：</strong>${h(excerpt(item.reply.body))}</p>` : ''}
</article></li>`
}

/** Registers the public list and the page of one answered message on the site's scope. */
export function registerListPages(site: FastifyInstance, { db, queries, readLimit, formFacts }: SitePages): void {
  site.get<{ Params: { center: string }; Querystring: { q?: string; kind?: string; category?: string; cursor?: string } }>('/s/:center/tickets', {
    schema: { hide: true }, config: { rateLimit: readLimit },
  }, async (request, reply) => {
    const center = await resolvePublicCenter(db, request.params.center)
    const facts = await formFacts(center)
    const q = String(request.query.q ?? '').trim().slice(0, 100)
    const kind = ticketKinds.includes(request.query.kind as TicketKind) && request.query.kind !== 'report' ? request.query.kind as TicketKind : undefined
    const category = facts.categories.some((c) => c.code === request.query.category) ? request.query.category : undefined
    const cursor = request.query.cursor && decodeCursor(request.query.cursor) ? request.query.cursor : undefined
    const page = await queries.publicList({ center: facts.row, kind, category, q: q || undefined, limit: PAGE_SIZE, cursor })
    const items = page.items.map((t) => publicItemView(t, page.services, page.replies.get(t.id), page.names))
    const base = `/s/${center.slug}/tickets`
    const keep = new URLSearchParams(Object.entries({ q, kind: kind ?? '', category: category ?? '' }).filter(([, v]) => v))
    const next = page.nextCursor ? `${base}?${new URLSearchParams([...keep, ['cursor', page.nextCursor]])}` : null
    const isFiltered = Boolean(q || kind || category)
    const main = `<article class="tk-page">
<h1>留言选登</h1>
<p class="tk-lead">已答复的群众留言（个人信息已隐去）。<a href="/s/${h(center.slug)}/tickets/new">我要留言</a> · <a href="/s/${h(center.slug)}/tickets/lookup">查询我的留言</a></p>
<form class="tk-filters" method="get" action="${base}" role="search" aria-label="搜索留言">
<div class="tk-field"><label for="f-q">关键词</label><input id="f-q" name="q" type="search" maxlength="100" value="${h(q)}"></div>
<div class="tk-field"><label for="f-kind">类型</label><select id="f-kind" name="kind"><option value="">全部类型</option>${ticketKinds.filter((k) => k !== 'report').map((k) => `<option value="${k}"${kind === k ? ' selected' : ''}>${kindNames[k]}</option>`).join('')}</select></div>
<div class="tk-field"><label for="f-category">类别</label><select id="f-category" name="category"><option value="">全部类别</option>${facts.categories.map((c) => `<option value="${h(c.code)}"${category === c.code ? ' selected' : ''}>${h(c.name)}</option>`).join('')}</select></div>
<p class="tk-actions"><button type="submit" class="tk-button">搜索</button>${isFiltered ? ` <a href="${base}">清除条件</a>` : ''}</p>
</form>
${items.length > 0 ? `<ol class="tk-list">${items.map((i) => listItem(center, i)).join('')}</ol>`
  : `<div class="tk-empty"><p>${isFiltered ? '没有找到符合条件的留言，换个关键词或类别试试。' : '还没有公开答复的留言。'}</p></div>`}
<nav class="tk-pager" aria-label="翻页">${cursor ? `<a href="${base}${keep.size > 0 ? `?${keep}` : ''}">回到第一页</a>` : ''}${next ? ` <a href="${h(next)}" rel="next">下一页</a>` : ''}</nav>
</article>`
    return sendPage(reply, renderPage({ center, title: '留言选登', path: request.url, elder: isElderMode(request), main, head: head(), nav: 'tickets' }), { maxAgeSeconds: 60 })
  })

  site.get<{ Params: { center: string; number: string } }>('/s/:center/tickets/:number', {
    schema: { hide: true }, config: { rateLimit: readLimit },
  }, async (request, reply) => {
    const center = await resolvePublicCenter(db, request.params.center)
    if (!/^\d{1,18}$/.test(request.params.number)) throw new AppError('NOT_FOUND', 'no such message')
    const scope = tenantScope(center.id)
    const found = await inScope(db, scope, async (trx) => {
      const t = await store.findTicketOfCenter(trx, scope, { centerId: center.id, number: request.params.number })
      if (!t || !t.published_at || !t.is_public || t.kind === 'report' || !['replied', 'closed', 'in_progress', 'reply_review'].includes(t.state)) return null
      const replyMap = await queriesStore.publishedReplies(trx, scope, [t.id])
      const services = await queriesStore.servicesByIds(trx, scope, [t.service_id])
      const names = await catalogue.tenantNames(trx, scope, [...replyMap.values()].map((r) => r.department_id))
      const attachments = (await replies.listAttachments(trx, scope, t.id)).filter((a) => a.is_public)
      const published = new Set((await replies.listReplies(trx, scope, t.id)).filter((r) => r.state === 'published').map((r) => r.id))
      return { item: publicItemView(t, services, replyMap.get(t.id), names), attachments: attachments.filter((a) => a.reply_id === null || published.has(a.reply_id)) }
    })
    if (!found) throw new AppError('NOT_FOUND', 'no such answered message')
    const wide = await centerWideScope(db, center.id)
    const described = await inScope(db, wide, (trx) => ticketAttachmentHooks.describe(trx, wide, { assetIds: found.attachments.map((a) => a.asset_id), isPublic: true }))
    const urls = (isReply: boolean) => found.attachments.filter((a) => (a.reply_id !== null) === isReply).map((a) => described.get(a.asset_id)).filter((x): x is { url: string; contentType: string } => Boolean(x))
    const { item } = found
    const main = `<article class="tk-page tk-case">
<p class="tk-back"><a href="/s/${h(center.slug)}/tickets">返回留言选登</a></p>
<h1>${h(item.title)}</h1>
<p class="tk-meta"><span class="tk-tag">${h(item.kindName)}</span> ${h(item.category.name)} · 第 ${h(item.number)} 号 · ${h(item.citizenName)} · ${h(chineseTime(item.createdAt))}</p>
<section aria-labelledby="text-title"><h2 id="text-title">留言内容</h2><div class="tk-text">${paragraphs(item.text)}</div>${pictures(urls(false), '留言附图')}</section>
${item.reply ? `<section class="tk-reply" aria-labelledby="reply-title"><h2 id="reply-title">答复</h2><p class="tk-meta">${h(item.reply.department)} · ${h(chineseTime(item.reply.publishedAt))}</p>
<div class="tk-reply-body">${paragraphs(item.reply.body)}</div>${pictures(urls(true), '答复附图')}</section>` : ''}
<p class="tk-meta">办理状态：${h(item.stateName)}</p>
</article>`
    return sendPage(reply, renderPage({ center, title: item.title, path: request.url, elder: isElderMode(request), main, head: head(), nav: 'tickets' }), { maxAgeSeconds: 60 })
  })
}
