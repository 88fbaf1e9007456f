import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { inScope } from '../../db/scope.js'
import { AppError } from '../../kernel/errors.js'
import { centerWideScope, ticketAttachmentHooks } from '../assets/ticket-attachments.js'
import { isElderMode, renderPage, resolvePublicCenter, type SiteCenter } from '../site/site.layout.js'
import { chineseTime, h, head, LOOKUP_RE, paragraphs, pictures, type Fields, type SitePages } from './tickets.site.shared.js'
import { lookupView } from './tickets.views.js'

/**
 * The lookup page (`/s/<c>/tickets/lookup`): a citizen's own message by lookup code and the last
 * four digits of the phone, its progress and reply, and the rating of the reply.
 */

const ratingNames: Record<string, string> = { satisfied: '满意', basically: '基本满意', unsatisfied: '不满意' }

function lookupForm(center: SiteCenter, o: { code?: string; last4?: string; error?: string }): string {
  return `<form class="tk-form tk-lookup-form" method="post" action="/s/${h(center.slug)}/tickets/lookup" novalidate>
${o.error ? `<div class="tk-alert tk-alert-error" role="alert">${h(o.error)}</div>` : ''}
<div class="tk-field"><label for="f-code">查询码</label><p class="tk-hint" id="h-code">提交留言后得到的 10 位字母和数字。</p>
<input id="f-code" name="lookupCode" maxlength="10" autocomplete="off" autocapitalize="characters" spellcheck="false" required value="${h(o.code)}" aria-describedby="h-code"></div>
<div class="tk-field"><label for="f-last4">手机号后 4 位</label><p class="tk-hint" id="h-last4">留言时填写的手机号的最后 4 位数字。</p>
<input id="f-last4" name="phoneLast4" inputmode="numeric" maxlength="4" autocomplete="off" required value="${h(o.last4)}" aria-describedby="h-last4"></div>
<p class="tk-actions"><button type="submit" class="tk-button">查询</button></p>
</form>`
}

type LookupResult = ReturnType<typeof lookupView>

function stateSentence(r: LookupResult): string {
  switch (r.state) {
    case 'submitted': case 'accepted': return '您的留言已收到，正在审核和分办。'
    case 'routed': case 'signed_for': case 'in_progress': case 'returned': return r.department ? `您的留言正在由${r.department}办理。` : '您的留言正在办理中。'
    case 'reply_review': return '承办部门已答复，答复正在审核，审核通过后即可查看。'
    case 'replied': return '您的留言已答复，请查看答复并评价。'
    case 'closed': return '您的留言已办结。'
    case 'rejected': return '您的留言不予受理，原因见办理过程。'
    case 'merged': return r.mergedInto ? `您的留言已并入第 ${r.mergedInto.number} 号留言一并办理。` : '您的留言已并入其他留言一并办理。'
  }
}

function renderCase(center: SiteCenter, r: LookupResult, o: { code: string; last4: string; pictures: Array<{ url: string }>; replyPictures: Array<{ url: string }>; notice?: string; ratingError?: string }): string {
  const timeline = r.timeline.map((e) => `<li><time datetime="${h(e.at)}">${h(chineseTime(e.at))}</time><span class="tk-step">${h(e.label)}</span>${e.note ? `<span class="tk-note">${h(e.note)}</span>` : ''}</li>`).join('')
  const reply = r.reply ? `<section class="tk-reply" aria-labelledby="reply-title"><h2 id="reply-title">答复</h2>
<p class="tk-meta">${h(r.reply.department)} · ${h(chineseTime(r.reply.publishedAt))}</p>
<div class="tk-reply-body">${paragraphs(r.reply.body)}</div>${pictures(o.replyPictures, '答复附图')}
${r.reply.faqEntries.length > 0 ? `<p class="tk-meta">相关问答：${r.reply.faqEntries.map((f) => h(f.question)).join('；')}</p>` : ''}</section>` : ''
  const rated = r.rating ? `<section class="tk-rated" aria-labelledby="rated-title"><h2 id="rated-title">您的评价</h2><p><strong>${h(ratingNames[r.rating.rating] ?? r.rating.rating)}</strong>${r.rating.comment ? `：${h(r.rating.comment)}` : ''}</p></section>` : ''
  const rating = r.canRate ? `<form class="tk-form tk-rating" method="post" action="/s/${h(center.slug)}/tickets/rating" novalidate>
<input type="hidden" name="lookupCode" value="${h(o.code)}"><input type="hidden" name="phoneLast4" value="${h(o.last4)}">
<fieldset class="tk-field${o.ratingError ? ' tk-invalid' : ''}"><legend>您对答复满意吗？</legend>
${o.ratingError ? `<p class="tk-error" id="e-rating">${h(o.ratingError)}</p>` : ''}
<div class="tk-choices">${Object.entries(ratingNames).map(([value, label]) => `<label class="tk-choice"><input type="radio" name="rating" value="${value}" required><span>${label}</span></label>`).join('')}</div></fieldset>
<div class="tk-field"><label for="f-comment">意见（选填）</label><p class="tk-hint" id="h-comment">最多 500 字。选择“不满意”时，请写明原因，留言可退回承办部门重新办理一次。</p>
<textarea id="f-comment" name="comment" rows="4" maxlength="500" data-maxlength="500" aria-describedby="h-comment"></textarea></div>
<p class="tk-actions"><button type="submit" class="tk-button">提交评价</button></p></form>` : ''
  return `<article class="tk-page tk-case">
<h1>第 ${h(r.number)} 号留言</h1>
${o.notice ? `<div class="tk-alert tk-alert-success" role="status">${h(o.notice)}</div>` : ''}
<section class="tk-status" aria-labelledby="status-title"><h2 id="status-title">办理状态：${h(r.stateName)}</h2>
<p>${h(stateSentence(r))}</p>
<dl class="tk-facts"><dt>类型</dt><dd>${h(r.kindName)} · ${h(r.category.name)}</dd><dt>提交时间</dt><dd>${h(chineseTime(r.createdAt))}</dd>
<dt>答复期限</dt><dd>${h(chineseTime(r.expectedReplyBy, { isDateOnly: true }))}前（工作日计算）</dd>${r.department ? `<dt>承办部门</dt><dd>${h(r.department)}</dd>` : ''}</dl></section>
${reply}${rated}${rating}
<section aria-labelledby="mine-title"><h2 id="mine-title">您的留言：${h(r.title)}</h2><div class="tk-text">${paragraphs(r.text)}</div>
${r.address ? `<p class="tk-meta">地点：${h(r.address)}</p>` : ''}${pictures(o.pictures, '留言附图')}</section>
<section aria-labelledby="timeline-title"><h2 id="timeline-title">办理过程</h2><ol class="tk-timeline">${timeline}</ol></section>
<p class="tk-actions"><a class="tk-button tk-secondary" href="/s/${h(center.slug)}/tickets/lookup">查询其他留言</a></p>
</article>`
}

/** Registers the lookup page (GET, POST) and the rating (POST) on the site's scope. */
export function registerLookupPages(site: FastifyInstance, { db, intake, queries, answers, readLimit, writeLimit, sendForm }: SitePages): void {
  async function showCase(request: FastifyRequest, reply: FastifyReply, center: SiteCenter, code: string, last4: string, extra: { notice?: string; ratingError?: string } = {}) {
    const row = await intake.resolveCenter(center.slug)
    const found = await queries.lookup({ center: row, lookupCode: code, phoneLast4: last4 })
    const view = lookupView(found)
    const scope = await centerWideScope(db, center.id)
    const all = found.detail.attachments.filter((a) => a.is_public)
    const described = await inScope(db, scope, (trx) => ticketAttachmentHooks.describe(trx, scope, { assetIds: all.map((a) => a.asset_id), isPublic: true }))
    const published = new Set(found.detail.replies.filter((x) => x.state === 'published').map((x) => x.id))
    const urls = (filter: (a: (typeof all)[number]) => boolean) => all.filter(filter).map((a) => described.get(a.asset_id)).filter((x): x is { url: string; contentType: string } => Boolean(x))
    const main = renderCase(center, view, {
      code, last4, ...extra, pictures: urls((a) => a.reply_id === null), replyPictures: urls((a) => a.reply_id !== null && published.has(a.reply_id)),
    })
    return sendForm(reply, renderPage({ center, title: `第 ${view.number} 号留言`, path: `/s/${center.slug}/tickets/lookup`, elder: isElderMode(request), main, head: head(), nav: 'tickets' }))
  }

  const lookupPage = (request: FastifyRequest, center: SiteCenter, o: { code?: string; last4?: string; error?: string }) => renderPage({
    center, title: '查询留言办理进度', path: `/s/${center.slug}/tickets/lookup`, elder: isElderMode(request), head: head(), nav: 'tickets',
    main: `<article class="tk-page"><h1>查询留言办理进度</h1>
<p class="tk-lead">输入提交留言时得到的查询码和手机号后 4 位，查看办理进度和答复，并对答复进行评价。</p>
${lookupForm(center, o)}
<p><a href="/s/${h(center.slug)}/tickets/new">还没有留言？我要留言</a></p></article>`,
  })

  site.get<{ Params: { center: string }; Querystring: { code?: string } }>('/s/:center/tickets/lookup', {
    schema: { hide: true }, config: { rateLimit: readLimit },
  }, async (request, reply) => {
    const center = await resolvePublicCenter(db, request.params.center)
    const code = LOOKUP_RE.test(request.query.code ?? '') ? request.query.code! : ''
    return sendForm(reply, lookupPage(request, center, { code }))
  })

  const wrongCode = '查询码或手机号后 4 位不正确，请核对后再试。'

  /** The lookup code and the phone's last 4 digits as the citizen typed them, tidied. */
  const lookupCredentials = (body: Fields) => {
    const code = String(body.lookupCode ?? '').trim().toUpperCase()
    const last4 = String(body.phoneLast4 ?? '').trim()
    return { code, last4, isWellFormed: LOOKUP_RE.test(code) && /^\d{4}$/.test(last4) }
  }

  site.post<{ Params: { center: string } }>('/s/:center/tickets/lookup', {
    schema: { hide: true }, config: { rateLimit: writeLimit },
  }, async (request, reply) => {
    const center = await resolvePublicCenter(db, request.params.center)
    const body = (request.body ?? {}) as Fields
    const { code, last4, isWellFormed } = lookupCredentials(body)
    if (!isWellFormed) {
      return sendForm(reply, lookupPage(request, center, { code: code.slice(0, 10), last4: last4.slice(0, 4), error: '请填写 10 位查询码和手机号后 4 位数字。' }), 400)
    }
    try {
      return await showCase(request, reply, center, code, last4)
    } catch (error) {
      // One answer for an unknown code and for wrong digits: nothing tells which codes exist.
      if (error instanceof AppError && error.code === 'TICKET_LOOKUP_FAILED') return sendForm(reply, lookupPage(request, center, { code, last4, error: wrongCode }), 404)
      throw error
    }
  })

  site.post<{ Params: { center: string } }>('/s/:center/tickets/rating', {
    schema: { hide: true }, config: { rateLimit: writeLimit },
  }, async (request, reply) => {
    const center = await resolvePublicCenter(db, request.params.center)
    const body = (request.body ?? {}) as Fields
    const { code, last4, isWellFormed } = lookupCredentials(body)
    if (!isWellFormed) return sendForm(reply, lookupPage(request, center, { error: '请先输入查询码和手机号后 4 位。' }), 400)
    const rating = String(body.rating ?? '')
    const comment = String(body.comment ?? '').trim()
    try {
      if (!(rating in ratingNames)) return await showCase(request, reply, center, code, last4, { ratingError: '请选择满意、基本满意或不满意' })
      if ([...comment].length > 500) return await showCase(request, reply, center, code, last4, { ratingError: '意见最多 500 字' })
      const row = await intake.resolveCenter(center.slug)
      const result = await answers.rate({ center: row, lookupCode: code, phoneLast4: last4, rating: rating as 'satisfied', comment, audit: request.auditContext })
      const notice = result.isReopened ? '感谢您的评价。留言已退回承办部门重新办理，请留意后续答复。' : '感谢您的评价，留言已办结。'
      return await showCase(request, reply, center, code, last4, { notice })
    } catch (error) {
      if (error instanceof AppError && error.code === 'TICKET_LOOKUP_FAILED') return sendForm(reply, lookupPage(request, center, { code, last4, error: wrongCode }), 404)
      if (error instanceof AppError && error.code === 'TICKET_STATE_INVALID') return showCase(request, reply, center, code, last4, { notice: '这条答复已经评价过了。' })
      throw error
    }
  })
}
