import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AppError } from '../../kernel/errors.js'
import { TICKET_UPLOAD_MAX_BYTES } from '../assets/ticket-attachments.js'
import { toShanghaiIso } from '../calendar/calendar.js'
import { isElderMode, renderPage, resolvePublicCenter, type SiteCenter } from '../site/site.layout.js'
import type * as catalogue from './catalogue.store.js'
import { formLimits, ticketKinds, type TicketKind } from './tickets.model.js'
import { isMobile, normalizePhone } from './tickets.rules.js'
import { chineseTime, h, head, paragraphs, type Errors, type Fields, type FormFacts, type SitePages } from './tickets.site.shared.js'

/**
 * The form (`/s/<c>/tickets/new`): one page that works without JavaScript, with the knowledge
 * base's answers as a step before submitting, the SMS code when the center asks for one, and the
 * page that hands out the lookup code.
 */

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

// ---- the form ----------------------------------------------------------------------------------------

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

interface ParsedForm { fields: Fields; uploadIds: string[]; errors: Errors }

/** Registers GET and POST `/s/:center/tickets/new` on the site's scope. */
export function registerFormPages(site: FastifyInstance, { db, intake, faq, uploads, readLimit, writeLimit, formFacts, sendForm }: SitePages): void {
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
}
