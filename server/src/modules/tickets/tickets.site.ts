import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import multipart from '@fastify/multipart'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppDeps } from '../../app.js'
import { inScope, tenantScope } from '../../db/scope.js'
import { AppError } from '../../kernel/errors.js'
import { decodeCursor } from '../../kernel/openapi.js'
import { centerWideScope, createTicketUploads, ticketAttachmentHooks, TICKET_UPLOAD_MAX_BYTES } from '../assets/ticket-attachments.js'
import { toShanghaiIso } from '../calendar/calendar.js'
import { createFaqService } from '../faq/faq.service.js'
import {
  escapeHtml, etagOf, isElderMode, renderPage, resolvePublicCenter, sendPage, siteCsp, sitePageErrorHandler, type SiteCenter,
} from '../site/site.layout.js'
import * as catalogue from './catalogue.store.js'
import * as queriesStore from './queries.store.js'
import * as replies from './replies.store.js'
import { createIntakeService } from './tickets.intake.js'
import { formLimits, kindNames, ticketKinds, type TicketKind } from './tickets.model.js'
import { createTicketQueries } from './tickets.queries.js'
import { createRepliesService } from './tickets.replies.js'
import { isMobile, normalizePhone } from './tickets.rules.js'
import * as store from './tickets.store.js'
import { lookupView, publicItemView } from './tickets.views.js'

/**
 * The citizens' pages of 留言办理 on the public site, drawn in the site's shell: the form
 * (`/s/<c>/tickets/new`), the lookup page (`/s/<c>/tickets/lookup`, Contract), the public list of
 * answered messages (`/s/<c>/tickets`) and one answered message (`/s/<c>/tickets/<number>`).
 *
 * Everything works without JavaScript (plain form posts; pictures go up with the form as
 * multipart), under the site's strict CSP. A small script (`/s/_tickets/tickets.js`) adds a
 * character counter, FAQ suggestions as one types and a copy button; for the suggestions the
 * form page allows `connect-src 'self'` on top of the site's policy.
 */

const assetsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public-assets')
const STATIC_TYPES: Record<string, string> = { '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8' }
export const TICKETS_ASSETS = '/s/_tickets'
/** A hash over tickets.css and tickets.js (set when the files are read), so year-long caching stays correct. */
let assetsVersion = '0'
const formCsp = `${siteCsp}; connect-src 'self'`
const LOOKUP_RE = /^[2-9A-Za-z]{10}$/
const PAGE_SIZE = 10

type Fields = Record<string, string>
type Errors = Record<string, string>

const h = escapeHtml

function head(): string {
  return `<link rel="stylesheet" href="${TICKETS_ASSETS}/tickets.css?v=${assetsVersion}">\n<script src="${TICKETS_ASSETS}/tickets.js?v=${assetsVersion}" defer></script>\n`
}

/** Shanghai wall time, as a citizen reads it: 2026年3月5日 14:07. */
export function chineseTime(iso: string, { isDateOnly = false } = {}): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso)
  if (!m) return iso
  const date = `${m[1]}年${Number(m[2])}月${Number(m[3])}日`
  return isDateOnly ? date : `${date} ${m[4]}:${m[5]}`
}

const ratingNames: Record<string, string> = { satisfied: '满意', basically: '基本满意', unsatisfied: '不满意' }

// ---- small HTML helpers ------------------------------------------------------------------------------

function errorSummary(errors: Errors, labels: Record<string, string>): string {
  const entries = Object.entries(errors)
  if (entries.length === 0) return ''
  const items = entries.map(([field, message]) => `<li>${labels[field] ? `<a href="#f-${h(field)}">${h(labels[field])}</a>：` : ''}${h(message)}</li>`).join('')
  return `<div class="tk-alert tk-alert-error" role="alert" id="error-summary" tabindex="-1"><h2>请检查以下内容</h2><ul>${items}</ul></div>`
}

function fieldError(errors: Errors, field: string): string {
  return errors[field] ? `<p class="tk-error" id="e-${h(field)}">${h(errors[field])}</p>` : ''
}

function describedBy(errors: Errors, field: string, hint = true): string {
  const ids = [hint ? `h-${field}` : '', errors[field] ? `e-${field}` : ''].filter(Boolean).join(' ')
  return `${ids ? ` aria-describedby="${ids}"` : ''}${errors[field] ? ' aria-invalid="true"' : ''}`
}

function faqList(items: Array<{ question: string; answer: string }>, { headingId }: { headingId: string }): string {
  if (items.length === 0) return ''
  return `<section class="tk-faq" aria-labelledby="${headingId}"><h2 id="${headingId}">这些常见问题可能已经有答案</h2>
<ul class="tk-faq-list">${items.map((f) => `<li><details><summary>${h(f.question)}</summary><div class="tk-faq-answer">${paragraphs(f.answer)}</div></details></li>`).join('')}</ul>
<p class="tk-hint">没有找到答案？请继续填写下面的留言。</p></section>`
}

function paragraphs(text: string): string {
  return text.split(/\n+/).map((p) => p.trim()).filter(Boolean).map((p) => `<p>${h(p)}</p>`).join('')
}

function pictures(items: Array<{ url: string }>, label: string): string {
  if (items.length === 0) return ''
  return `<ul class="tk-pictures" aria-label="${h(label)}">${items.map((p, i) => `<li><a href="${h(p.url)}"><img src="${h(p.url)}" alt="${h(label)} ${i + 1}" loading="lazy"></a></li>`).join('')}</ul>`
}

// ---- the form ----------------------------------------------------------------------------------------

interface FormFacts {
  kinds: Array<{ code: TicketKind; name: string; days: number }>
  categories: Array<{ code: string; name: string; description: string; group: string }>
  consentText: string
  isPhoneVerificationRequired: boolean
}

const formLabels: Record<string, string> = {
  kind: '留言类型', category: '事项类别', title: '标题', text: '留言内容', address: '地点', lat: '纬度', long: '经度',
  pictures: '图片', name: '姓名', phone: '手机号', verificationCode: '短信验证码', consent: '个人信息使用说明', isNamePublic: '公开姓名',
}

function renderForm(center: SiteCenter, facts: FormFacts, o: {
  values: Fields; uploadIds: string[]; errors: Errors; notice?: string; faq?: Array<{ question: string; answer: string }>; isFaqStep?: boolean
}): string {
  const v = o.values
  const e = o.errors
  const L = formLimits
  const kindOptions = facts.kinds.map((k) => `<label class="tk-choice"><input type="radio" name="kind" value="${k.code}"${v.kind === k.code ? ' checked' : ''} required>
<span>${h(k.name)}<small>${k.days === 0 ? '当日答复' : `${k.days} 个工作日内答复`}</small></span></label>`).join('')
  const groups = new Map<string, FormFacts['categories']>()
  for (const c of facts.categories) groups.set(c.group || '其他', [...(groups.get(c.group || '其他') ?? []), c])
  const categoryOptions = [...groups].map(([group, items]) => `<optgroup label="${h(group)}">${items.map((c) => `<option value="${h(c.code)}"${v.category === c.code ? ' selected' : ''}>${h(c.name)}</option>`).join('')}</optgroup>`).join('')
  const categoryHelp = facts.categories.filter((c) => c.description).map((c) => `<dt>${h(c.name)}</dt><dd>${h(c.description)}</dd>`).join('')
  const kept = o.uploadIds.length > 0
    ? `<p class="tk-kept" id="kept-pictures">已上传 ${o.uploadIds.length} 张图片，提交时一并发送。</p>${o.uploadIds.map((id) => `<input type="hidden" name="uploadIds" value="${h(id)}">`).join('')}`
    : ''
  const textLength = [...(v.text ?? '')].length
  const code = facts.isPhoneVerificationRequired ? `<div class="tk-field${e.verificationCode ? ' tk-invalid' : ''}">
<label for="f-verificationCode">短信验证码 <span class="tk-required">（必填）</span></label>
<p class="tk-hint" id="h-verificationCode">先填写手机号，再点“获取验证码”，验证码 10 分钟内有效。</p>${fieldError(e, 'verificationCode')}
<div class="tk-inline"><input id="f-verificationCode" name="verificationCode" inputmode="numeric" autocomplete="one-time-code" pattern="\\d{6}" maxlength="6" value="${h(v.verificationCode)}"${describedBy(e, 'verificationCode')}>
<button type="submit" name="action" value="code" class="tk-button tk-secondary" formnovalidate>获取验证码</button></div></div>` : ''
  const main = `<article class="tk-page">
<h1>我要留言</h1>
<p class="tk-lead">向${h(center.name)}反映问题、咨询政策或提出建议。我们会转交相关部门，在规定的工作日内答复。带 <span class="tk-required">（必填）</span> 的项目需要填写。</p>
<p class="tk-lead"><a href="/s/${h(center.slug)}/tickets/lookup">已经留过言？查询办理进度</a></p>
${o.notice ? `<div class="tk-alert tk-alert-info" role="status">${h(o.notice)}</div>` : ''}
${errorSummary(e, formLabels)}
${o.isFaqStep && (o.faq ?? []).length === 0 ? '<div class="tk-alert tk-alert-info" role="status">没有找到相近的常见问题，请继续填写留言。</div>' : ''}
${faqList(o.faq ?? [], { headingId: 'faq-title' })}
<form class="tk-form" method="post" action="/s/${h(center.slug)}/tickets/new" enctype="multipart/form-data" novalidate data-center="${h(center.slug)}">
<fieldset class="tk-field${e.kind ? ' tk-invalid' : ''}" id="f-kind"${e.kind ? ' aria-describedby="e-kind"' : ''}>
<legend>留言类型 <span class="tk-required">（必填）</span></legend>${fieldError(e, 'kind')}
<div class="tk-choices">${kindOptions}</div></fieldset>

<div class="tk-field${e.category ? ' tk-invalid' : ''}">
<label for="f-category">事项类别 <span class="tk-required">（必填）</span></label>
<p class="tk-hint" id="h-category">选择最接近的一类，便于尽快转给负责的部门。</p>${fieldError(e, 'category')}
<select id="f-category" name="category" required${describedBy(e, 'category')}><option value="">请选择</option>${categoryOptions}</select>
${categoryHelp ? `<details class="tk-help"><summary>各类别包括哪些事项</summary><dl>${categoryHelp}</dl></details>` : ''}</div>

<div class="tk-field${e.title ? ' tk-invalid' : ''}">
<label for="f-title">标题 <span class="tk-required">（必填）</span></label>
<p class="tk-hint" id="h-title">${L.titleMin}–${L.titleMax} 个字，一句话说明问题。</p>${fieldError(e, 'title')}
<div class="tk-inline"><input id="f-title" name="title" maxlength="${L.titleMax}" required value="${h(v.title)}" data-faq-source${describedBy(e, 'title')}>
<button type="submit" name="action" value="faq" class="tk-button tk-secondary" formnovalidate>先看看常见问题</button></div>
<div class="tk-faq-live" id="faq-live" aria-live="polite"></div></div>

<div class="tk-field${e.text ? ' tk-invalid' : ''}">
<label for="f-text">留言内容 <span class="tk-required">（必填）</span></label>
<p class="tk-hint" id="h-text">${L.textMin}–${L.textMax} 个字。请写清时间、地点、经过和您的诉求。<span class="tk-counter" data-counter-for="f-text" aria-live="polite">已输入 ${textLength} / ${L.textMax} 字</span></p>${fieldError(e, 'text')}
<textarea id="f-text" name="text" rows="8" maxlength="${L.textMax}" required data-maxlength="${L.textMax}"${describedBy(e, 'text')}>${h(v.text)}</textarea></div>

<div class="tk-field${e.address ? ' tk-invalid' : ''}">
<label for="f-address">地点（选填）</label>
<p class="tk-hint" id="h-address">例如：东湖路 12 号门口。最多 ${L.addressMax} 字。</p>${fieldError(e, 'address')}
<input id="f-address" name="address" maxlength="${L.addressMax}" autocomplete="street-address" value="${h(v.address)}"${describedBy(e, 'address')}></div>

<fieldset class="tk-field tk-point${e.lat || e.long ? ' tk-invalid' : ''}">
<legend>地图位置（选填）</legend>
<p class="tk-hint" id="h-point">知道经纬度可以填写（如手机地图里复制的坐标），不知道可以不填。</p>${fieldError(e, 'lat')}${fieldError(e, 'long')}
<div class="tk-inline"><span class="tk-pair"><label for="f-lat">纬度</label><input id="f-lat" name="lat" inputmode="decimal" value="${h(v.lat)}" aria-describedby="h-point${e.lat ? ' e-lat' : ''}"${e.lat ? ' aria-invalid="true"' : ''}></span>
<span class="tk-pair"><label for="f-long">经度</label><input id="f-long" name="long" inputmode="decimal" value="${h(v.long)}" aria-describedby="h-point${e.long ? ' e-long' : ''}"${e.long ? ' aria-invalid="true"' : ''}></span></div></fieldset>

<div class="tk-field${e.pictures ? ' tk-invalid' : ''}">
<label for="f-pictures">图片（选填）</label>
<p class="tk-hint" id="h-pictures">最多 ${L.attachmentsMax} 张，每张不超过 ${Math.round(TICKET_UPLOAD_MAX_BYTES / 1024 / 1024)} MB，支持 JPG、PNG、WebP。公开时会去除照片中的拍摄位置等信息。</p>${fieldError(e, 'pictures')}
${kept}<input id="f-pictures" name="pictures" type="file" accept="image/jpeg,image/png,image/webp" multiple${describedBy(e, 'pictures')}></div>

<div class="tk-field${e.name ? ' tk-invalid' : ''}">
<label for="f-name">姓名 <span class="tk-required">（必填）</span></label>
<p class="tk-hint" id="h-name">仅供办理部门联系您使用。</p>${fieldError(e, 'name')}
<input id="f-name" name="name" maxlength="${L.nameMax}" autocomplete="name" required value="${h(v.name)}"${describedBy(e, 'name')}></div>

<div class="tk-field${e.phone ? ' tk-invalid' : ''}">
<label for="f-phone">手机号 <span class="tk-required">（必填）</span></label>
<p class="tk-hint" id="h-phone">11 位手机号。查询办理进度时需要手机号后 4 位。</p>${fieldError(e, 'phone')}
<input id="f-phone" name="phone" type="tel" inputmode="numeric" maxlength="20" autocomplete="tel" required value="${h(v.phone)}"${describedBy(e, 'phone')}></div>
${code}
<fieldset class="tk-field">
<legend>公开答复时是否显示您的姓氏</legend>
<label class="tk-choice"><input type="radio" name="isNamePublic" value="0"${v.isNamePublic !== '1' ? ' checked' : ''}><span>不显示，署名“匿名”</span></label>
<label class="tk-choice"><input type="radio" name="isNamePublic" value="1"${v.isNamePublic === '1' ? ' checked' : ''}><span>显示姓氏，如“张某”</span></label></fieldset>

<div class="tk-field tk-consent${e.consent ? ' tk-invalid' : ''}">
<h2 class="tk-consent-title" id="consent-title">个人信息使用说明</h2>
<div class="tk-consent-text" id="h-consent">${paragraphs(facts.consentText)}</div>${fieldError(e, 'consent')}
<label class="tk-check" for="f-consent"><input id="f-consent" name="consent" type="checkbox" value="1"${v.consent === '1' ? ' checked' : ''} required${describedBy(e, 'consent')}><span>我已阅读并同意以上说明</span></label></div>

<p class="tk-actions"><button type="submit" name="action" value="submit" class="tk-button">提交留言</button></p>
</form>
</article>`
  return main
}

function renderSubmitted(center: SiteCenter, r: { number: string; lookupCode: string; expectedReplyBy: string }): string {
  return `<article class="tk-page tk-done">
<h1>留言已提交</h1>
<div class="tk-alert tk-alert-success" role="status">我们已收到您的第 ${h(r.number)} 号留言。</div>
<section class="tk-code-box" aria-labelledby="code-title">
<h2 id="code-title">您的查询码</h2>
<p class="tk-code" id="lookup-code" data-copy-source>${h(r.lookupCode)}</p>
<button type="button" class="tk-button tk-secondary tk-copy" data-copy="lookup-code" hidden>复制查询码</button>
<p>请抄写或截图保存查询码。凭<strong>查询码</strong>和<strong>手机号后 4 位</strong>可以随时查询办理进度、查看答复并评价。</p>
</section>
<p>按规定，最迟将在 <strong>${h(chineseTime(r.expectedReplyBy, { isDateOnly: true }))}</strong> 前答复（遇节假日顺延）。</p>
<p class="tk-actions"><a class="tk-button" href="/s/${h(center.slug)}/tickets/lookup?code=${h(r.lookupCode)}">查询办理进度</a>
<a class="tk-button tk-secondary" href="/s/${h(center.slug)}/tickets">看看其他留言的答复</a></p>
</article>`
}

// ---- lookup ------------------------------------------------------------------------------------------

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

// ---- public list ---------------------------------------------------------------------------------

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

// ---- the plugin ----------------------------------------------------------------------------------

interface ParsedForm { fields: Fields; uploadIds: string[]; errors: Errors }

export async function ticketSiteRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const { db, config } = deps
  const intake = createIntakeService({ db })
  const queries = createTicketQueries({ db })
  const answers = createRepliesService({ db })
  const faq = createFaqService({ db })
  const uploads = createTicketUploads({ db, config })
  const statics = new Map<string, { body: Buffer; type: string; etag: string }>()
  for (const name of fs.readdirSync(assetsDir)) {
    const type = STATIC_TYPES[path.extname(name)]
    if (!type) continue
    const body = fs.readFileSync(path.join(assetsDir, name))
    statics.set(name, { body, type, etag: etagOf(body.toString('utf8')) })
  }
  assetsVersion = etagOf([...statics.values()].map((f) => f.etag).join('')).slice(1, 9)
  const writeLimit = { max: config.publicRateLimitPerMinute, timeWindow: '1 minute' }
  const readLimit = { max: config.publicRateLimitPerMinute * 12, timeWindow: '1 minute' }

  await app.register(async (site) => {
    site.setErrorHandler(sitePageErrorHandler(db))
    await site.register(multipart, {
      // An oversized picture is cut at limit + 1 byte, which the receiver refuses by itself; the
      // rest of the form still arrives, so the page can say which picture and keep the other fields.
      throwFileSizeLimit: false,
      limits: { fileSize: TICKET_UPLOAD_MAX_BYTES + 1, files: formLimits.attachmentsMax + 1, fields: 40, fieldSize: 10_000, parts: 60, headerPairs: 100 },
    })
    site.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 20_000 }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))))
    })

    site.get<{ Params: { file: string } }>('/s/_tickets/:file', { schema: { hide: true } }, async (request, reply) => {
      const file = statics.get(request.params.file)
      if (!file) throw new AppError('NOT_FOUND', 'no such file')
      reply.header('content-type', file.type).header('etag', file.etag).header('x-content-type-options', 'nosniff')
      reply.header('cache-control', 'public, max-age=31536000, immutable')
      if (request.headers['if-none-match'] === file.etag) return reply.status(304).send()
      return reply.send(file.body)
    })

    async function formFacts(center: SiteCenter): Promise<FormFacts & { row: catalogue.CenterRow }> {
      const row = await intake.resolveCenter(center.slug)
      const { services, settings } = await intake.formOf(row)
      return {
        row,
        kinds: ticketKinds.map((k) => ({ code: k, name: kindNames[k], days: settings.clocks[k].final })),
        categories: services.map((s) => ({ code: s.code, name: s.name, description: s.description, group: s.group_name })),
        consentText: settings.consentText, isPhoneVerificationRequired: settings.isPhoneVerificationRequired,
      }
    }

    /** A page for one visitor (see the onSend hook below: no-store); never answered with 304. */
    function sendForm(reply: FastifyReply, html: string, status = 200): FastifyReply {
      delete reply.request.headers['if-none-match']
      delete reply.request.headers['if-modified-since']
      return sendPage(reply, html, { status, maxAgeSeconds: 0 })
    }

    site.addHook('onSend', async (request, reply, payload) => {
      const isForm = /^\/s\/[^/]+\/tickets\/(new|lookup)/.test(request.url)
      // The form page may call the FAQ suggestion API from its script.
      if (isForm && reply.getHeader('content-security-policy') === siteCsp) reply.header('content-security-policy', formCsp)
      // Posted pages carry what one citizen entered or may see (values, lookup code, the case): never stored anywhere.
      if (isForm || request.method === 'POST') {
        reply.header('cache-control', 'no-store')
        reply.removeHeader('etag')
      }
      return payload
    })

    site.get<{ Params: { center: string }; Querystring: { title?: string } }>('/s/:center/tickets/new', {
      schema: { hide: true }, config: { rateLimit: readLimit },
    }, async (request, reply) => {
      const center = await resolvePublicCenter(db, request.params.center)
      const facts = await formFacts(center)
      const title = String(request.query.title ?? '').slice(0, formLimits.titleMax)
      const found = title.trim() ? await faq.suggest({ centerId: center.id, q: title, limit: 5 }) : []
      const main = renderForm(center, facts, {
        values: { title }, uploadIds: [], errors: {}, isFaqStep: Boolean(title.trim()),
        faq: found.map((f) => ({ question: f.row.question, answer: f.row.answer })),
      })
      return sendForm(reply, renderPage({ center, title: '我要留言', path: request.url, elder: isElderMode(request), main, head: head(), nav: 'tickets-new' }))
    })

    /** Reads the posted form: text fields, kept upload ids, and the new pictures (stored as uploads). */
    async function readForm(request: FastifyRequest, center: catalogue.CenterRow): Promise<ParsedForm> {
      const fields: Fields = {}
      const uploadIds: string[] = []
      const errors: Errors = {}
      if (!request.isMultipart()) {
        const body = (request.body ?? {}) as Record<string, unknown>
        for (const [k, val] of Object.entries(body)) if (typeof val === 'string') fields[k] = val
        return { fields, uploadIds, errors }
      }
      for await (const part of request.parts()) {
        if (part.type === 'field') {
          const value = String(part.value ?? '')
          if (part.fieldname === 'uploadIds') {
            if (/^[0-9a-f-]{36}$/.test(value) && !uploadIds.includes(value)) uploadIds.push(value)
          } else {
            fields[part.fieldname] = value
          }
          continue
        }
        // An empty file input still sends a part without a name: nothing was chosen.
        if (part.fieldname !== 'pictures' || !part.filename) {
          part.file.resume()
          continue
        }
        if (uploadIds.length >= formLimits.attachmentsMax) {
          part.file.resume()
          errors.pictures = `最多上传 ${formLimits.attachmentsMax} 张图片，多出的图片没有保存`
          continue
        }
        try {
          const picture = await uploads.receiveOne(part.file, part.filename, part.mimetype, 'pictures')
          uploadIds.push((await uploads.citizenPicture(center, picture, request.auditContext)).id)
        } catch (error) {
          if (!(error instanceof AppError)) throw error
          part.file.resume()
          errors.pictures = error.code === 'ASSET_TOO_LARGE'
            ? `“${part.filename}”超过 ${Math.round(TICKET_UPLOAD_MAX_BYTES / 1024 / 1024)} MB，没有保存`
            : `“${part.filename}”不是 JPG、PNG 或 WebP 图片，没有保存`
        }
      }
      return { fields, uploadIds, errors }
    }

    function validate(fields: Fields, facts: FormFacts): Errors {
      const errors: Errors = {}
      const L = formLimits
      const len = (s: string | undefined) => [...(s ?? '').trim()].length
      if (!ticketKinds.includes(fields.kind as TicketKind)) errors.kind = '请选择留言类型'
      if (!facts.categories.some((c) => c.code === fields.category)) errors.category = '请选择事项类别'
      if (len(fields.title) < L.titleMin || len(fields.title) > L.titleMax) errors.title = `标题需要 ${L.titleMin}–${L.titleMax} 个字（现在 ${len(fields.title)} 个字）`
      if (len(fields.text) < L.textMin || len(fields.text) > L.textMax) errors.text = `留言内容需要 ${L.textMin}–${L.textMax} 个字（现在 ${len(fields.text)} 个字）`
      if (len(fields.address) > L.addressMax) errors.address = `地点最多 ${L.addressMax} 个字`
      const lat = fields.lat?.trim() ?? ''
      const long = fields.long?.trim() ?? ''
      if (lat || long) {
        if (!lat || !Number.isFinite(Number(lat)) || Math.abs(Number(lat)) > 90) errors.lat = '纬度应是 -90 到 90 之间的数字，如 30.27'
        if (!long || !Number.isFinite(Number(long)) || Math.abs(Number(long)) > 180) errors.long = '经度应是 -180 到 180 之间的数字，如 120.15'
      }
      if (len(fields.name) < 1) errors.name = '请填写姓名'
      else if (len(fields.name) > L.nameMax) errors.name = `姓名最多 ${L.nameMax} 个字`
      if (!isMobile(normalizePhone(fields.phone ?? ''))) errors.phone = '请填写 11 位手机号'
      if (facts.isPhoneVerificationRequired && !/^\d{6}$/.test(fields.verificationCode?.trim() ?? '')) errors.verificationCode = '请填写 6 位短信验证码'
      if (fields.consent !== '1') errors.consent = '请阅读并同意个人信息使用说明'
      return errors
    }

    site.post<{ Params: { center: string } }>('/s/:center/tickets/new', {
      schema: { hide: true }, config: { rateLimit: writeLimit },
    }, async (request, reply) => {
      const center = await resolvePublicCenter(db, request.params.center)
      const facts = await formFacts(center)
      const { fields, uploadIds, errors: uploadErrors } = await readForm(request, facts.row)
      const page = (o: { errors?: Errors; notice?: string; faq?: Array<{ question: string; answer: string }>; isFaqStep?: boolean }, status = 200) => sendForm(reply, renderPage({
        center, title: o.errors && Object.keys(o.errors).length > 0 ? '我要留言（请修改后提交）' : '我要留言', path: request.url, elder: isElderMode(request), head: head(), nav: 'tickets-new',
        main: renderForm(center, facts, { values: fields, uploadIds, errors: o.errors ?? {}, notice: o.notice, faq: o.faq, isFaqStep: o.isFaqStep }),
      }), status)
      const action = fields.action ?? 'submit'

      if (action === 'faq') {
        const found = fields.title?.trim() ? await faq.suggest({ centerId: center.id, q: fields.title, limit: 5 }) : []
        return page({ errors: uploadErrors, isFaqStep: true, faq: found.map((f) => ({ question: f.row.question, answer: f.row.answer })) })
      }
      if (action === 'code') {
        if (!isMobile(normalizePhone(fields.phone ?? ''))) return page({ errors: { ...uploadErrors, phone: '请先填写 11 位手机号，再获取验证码' } }, 400)
        try {
          const { validMinutes } = await intake.sendVerificationCode({ center: facts.row, phone: fields.phone! })
          return page({ errors: uploadErrors, notice: `验证码已发送到手机，${validMinutes} 分钟内有效。` })
        } catch (error) {
          if (error instanceof AppError && error.code === 'RATE_LIMITED') return page({ errors: { ...uploadErrors, verificationCode: '验证码发送过于频繁，请一小时后再试' } }, 429)
          throw error
        }
      }

      const errors = { ...uploadErrors, ...validate(fields, facts) }
      if (Object.keys(errors).length > 0) return page({ errors }, 400)
      try {
        const result = await intake.submit({
          center: facts.row, channel: 'web', audit: request.auditContext, actorName: '留言人',
          input: {
            kind: fields.kind as TicketKind, category: fields.category!, title: fields.title!, text: fields.text!, address: fields.address,
            lat: fields.lat?.trim() ? Number(fields.lat) : null, long: fields.long?.trim() ? Number(fields.long) : null,
            name: fields.name, phone: fields.phone, isNamePublic: fields.isNamePublic === '1', consent: true,
            verificationCode: fields.verificationCode?.trim() || undefined, attachmentIds: uploadIds,
          },
        })
        const main = renderSubmitted(center, { number: result.number, lookupCode: result.lookupCode, expectedReplyBy: toShanghaiIso(result.deadlines.final) })
        return sendForm(reply, renderPage({ center, title: '留言已提交', path: request.url, elder: isElderMode(request), main, head: head(), nav: 'tickets-new' }), 201)
      } catch (error) {
        if (!(error instanceof AppError)) throw error
        switch (error.code) {
          case 'TICKET_DUPLICATE':
            return page({ errors: { text: `您刚刚已提交过相同内容的留言（查询码 ${String(error.extra?.lookupCode ?? '')}），请用这个查询码查询进度，不必重复提交` } }, 409)
          case 'TICKET_PHONE_LIMIT':
            return page({ errors: { phone: `同一手机号每天最多提交 ${String(error.extra?.limit ?? '')} 条留言，请明天再来` } }, 429)
          case 'TICKET_VERIFICATION_FAILED':
            return page({ errors: { verificationCode: '短信验证码错误或已过期，请重新获取' } }, 400)
          case 'TICKET_UPLOAD_INVALID':
            // The kept pictures expired or were used: drop them and ask again.
            return sendForm(reply, renderPage({
              center, title: '我要留言（请修改后提交）', path: request.url, elder: isElderMode(request), head: head(), nav: 'tickets-new',
              main: renderForm(center, facts, { values: fields, uploadIds: [], errors: { pictures: '之前上传的图片已失效，请重新选择图片' } }),
            }), 400)
          case 'VALIDATION_FAILED': {
            const field = error.errors?.[0]?.field ?? ''
            const known = field in formLabels ? field : 'text'
            return page({ errors: { [known]: `${formLabels[known]}填写有误，请检查` } }, 400)
          }
          default: throw error
        }
      }
    })

    // ---- lookup and rating ----

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

    site.post<{ Params: { center: string } }>('/s/:center/tickets/lookup', {
      schema: { hide: true }, config: { rateLimit: writeLimit },
    }, async (request, reply) => {
      const center = await resolvePublicCenter(db, request.params.center)
      const body = (request.body ?? {}) as Fields
      const code = String(body.lookupCode ?? '').trim().toUpperCase()
      const last4 = String(body.phoneLast4 ?? '').trim()
      if (!LOOKUP_RE.test(code) || !/^\d{4}$/.test(last4)) {
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
      const code = String(body.lookupCode ?? '').trim().toUpperCase()
      const last4 = String(body.phoneLast4 ?? '').trim()
      if (!LOOKUP_RE.test(code) || !/^\d{4}$/.test(last4)) return sendForm(reply, lookupPage(request, center, { error: '请先输入查询码和手机号后 4 位。' }), 400)
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

    // ---- the public list and one answered message ----

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
  })
}
