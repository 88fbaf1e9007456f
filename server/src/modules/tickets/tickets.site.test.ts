import crypto from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inScope, systemScope } from '../../db/scope.js'
import { tenantIds } from '../../../test/factories/tenancy.js'
import { randomPhone, ticketIdOf } from '../../../test/factories/tickets.js'
import { buildTestApp, signIn, type Client, type TestApp } from '../../../test/harness.js'
import { photoWithGps, plainZip, runWorker } from '../assets/fixtures/files.js'
import { TICKET_UPLOAD_MAX_BYTES } from '../assets/ticket-attachments.js'
import { createLogVerificationProvider, registerVerificationProvider } from './verification.js'

/** A multipart form post as a browser sends it without JavaScript (text fields plus picture files). */
function formPost(fields: Record<string, string | string[]>, files: Array<{ name: string; filename: string; type: string; body: Buffer }> = []) {
  const boundary = `----form${crypto.randomBytes(8).toString('hex')}`
  const parts: Buffer[] = []
  for (const [name, value] of Object.entries(fields)) {
    for (const v of [value].flat()) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${v}\r\n`))
  }
  for (const f of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.name}"; filename="${f.filename}"\r\nContent-Type: ${f.type}\r\n\r\n`), f.body, Buffer.from('\r\n'))
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`))
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}

const urlencoded = (fields: Record<string, string>) => ({ payload: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } })

function valid(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    kind: 'complaint', category: 'road', title: '东湖路井盖缺失', text: `东湖路12号门口的井盖丢失多日，我是王小明，夜间通行很危险。${crypto.randomUUID().slice(0, 6)}`,
    address: '东湖路12号', lat: '', long: '', name: '王小明', phone: randomPhone(), isNamePublic: '1', consent: '1', action: 'submit', ...overrides,
  }
}

/** The public pages of 留言办理: form, lookup, list and detail, all server-rendered. */
describe('tickets public pages', () => {
  let t: TestApp
  let ids: Record<string, string>
  let dispatcher: Client
  let handler: Client

  const post = (url: string, body: { payload: Buffer | string; headers: Record<string, string> }) => t.app.inject({ method: 'POST', url, ...body })
  const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers })

  beforeAll(async () => {
    t = await buildTestApp({ config: { publicRateLimitPerMinute: 1000 } })
    ids = await tenantIds(t.db)
    dispatcher = await signIn(t.app, 'district-a.dispatcher')
    handler = await signIn(t.app, 'district-a.handler')
  })
  afterAll(async () => { await t.close() })

  it('draws the form with the catalogue, the limits and the consent text, under the strict CSP', async () => {
    const res = await get('/s/district-a/tickets/new')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('text/html')
    expect(res.headers['content-security-policy']).toContain("script-src 'self'")
    expect(res.headers['content-security-policy']).toContain("connect-src 'self'")
    expect(res.body).not.toMatch(/<script>|style="/)
    for (const text of ['咨询', '求助', '投诉', '建议', '举报', '表扬', '13 个工作日内答复', '4–50 个字', '10–2000 个字', '最多 9 张', '个人信息使用说明', 'enctype="multipart/form-data"']) {
      expect(res.body).toContain(text)
    }
    expect(res.body).toMatch(/<option value="road">/)
    expect((await get('/s/no-such-center/tickets/new')).statusCode).toBe(404)
    const css = await get('/s/_tickets/tickets.css')
    expect(css.statusCode).toBe(200)
    expect(css.headers['content-type']).toContain('text/css')
  })

  it('shows each problem beside its field in Chinese, keeps what was entered, and stores nothing', async () => {
    const phone = randomPhone()
    const res = await post('/s/district-a/tickets/new', formPost(valid({ phone, title: '短', text: '太短', consent: '', kind: '' , address: '<b>东湖路</b>' })))
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('标题需要 4–50 个字（现在 1 个字）')
    expect(res.body).toContain('留言内容需要 10–2000 个字')
    expect(res.body).toContain('请阅读并同意个人信息使用说明')
    expect(res.body).toContain('请选择留言类型')
    expect(res.body).toContain('aria-invalid="true"')
    // Entered values come back, escaped.
    expect(res.body).toContain('value="&lt;b&gt;东湖路&lt;/b&gt;"')
    expect(res.body).toContain(`value="${phone}"`)
    const stored = await inScope(t.db, systemScope, (trx) => trx.selectFrom('tickets').select('id').where('citizen_phone', '=', phone).execute())
    expect(stored).toEqual([])
  })

  it('suggests knowledge base answers before submitting, without JavaScript', async () => {
    const step = await post('/s/district-a/tickets/new', formPost({ title: '井盖丢失了怎么办', action: 'faq' }))
    expect(step.statusCode).toBe(200)
    expect(step.body).toContain('这些常见问题可能已经有答案')
    expect(step.body).toContain('value="井盖丢失了怎么办"')
    const byLink = await get(`/s/district-a/tickets/new?title=${encodeURIComponent('井盖丢失')}`)
    expect(byLink.body).toContain('这些常见问题可能已经有答案')
  })

  it('takes a message with pictures in one form post, answers with the lookup code, and refuses a non-picture', async () => {
    const fields = valid()
    const refused = await post('/s/district-a/tickets/new', formPost(fields, [
      { name: 'pictures', filename: 'a.jpg', type: 'image/jpeg', body: await photoWithGps({ width: 300, height: 200 }) },
      { name: 'pictures', filename: 'evil.jpg', type: 'image/jpeg', body: await plainZip() },
    ]))
    expect(refused.statusCode).toBe(400)
    expect(refused.body).toContain('“evil.jpg”不是 JPG、PNG 或 WebP 图片')
    // The good picture is kept for the next try (as an upload id), not uploaded again.
    expect(refused.body).toContain('已上传 1 张图片')
    const kept = [...refused.body.matchAll(/name="uploadIds" value="([0-9a-f-]{36})"/g)].map((m) => m[1]!)
    expect(kept).toHaveLength(1)

    const res = await post('/s/district-a/tickets/new', formPost({ ...fields, uploadIds: kept }, [
      { name: 'pictures', filename: 'b.png', type: 'image/png', body: await photoWithGps({ width: 320, height: 240, seed: 3 }) },
      { name: 'pictures', filename: '', type: 'application/octet-stream', body: Buffer.alloc(0) },
    ]))
    expect(res.statusCode, res.body.slice(0, 500)).toBe(201)
    expect(res.body).toContain('留言已提交')
    const code = /<p class="tk-code"[^>]*>([2-9A-Z]{10})</.exec(res.body)?.[1]
    expect(code).toBeDefined()
    expect(res.body).toContain(`/s/district-a/tickets/lookup?code=${code}`)
    const stored = await inScope(t.db, systemScope, async (trx) => {
      const ticket = await trx.selectFrom('tickets').select(['id', 'lookup_code', 'is_name_public']).where('citizen_phone', '=', fields.phone!).executeTakeFirstOrThrow()
      return { ticket, attachments: await trx.selectFrom('ticket_attachments').select('asset_id').where('ticket_id', '=', ticket.id).execute() }
    })
    expect(stored.ticket).toMatchObject({ lookup_code: code, is_name_public: true })
    expect(stored.attachments.map((a) => a.asset_id)).toContain(kept[0])
    expect(stored.attachments).toHaveLength(2)

    // The same text again: the resubmission guard answers beside the text with the first code.
    const again = await post('/s/district-a/tickets/new', formPost(fields))
    expect(again.statusCode).toBe(409)
    expect(again.body).toContain(`查询码 ${code}`)
  })

  it('refuses a picture over the limit beside the field and keeps the rest of the form', async () => {
    const fields = valid()
    const huge = Buffer.concat([await photoWithGps({ width: 64, height: 64 }), crypto.randomBytes(TICKET_UPLOAD_MAX_BYTES)])
    const res = await post('/s/district-a/tickets/new', formPost(fields, [{ name: 'pictures', filename: 'big.jpg', type: 'image/jpeg', body: huge }]))
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('“big.jpg”超过 10 MB，没有保存')
    expect(res.body).toContain(`value="${fields.phone}"`)
    const ten = await Promise.all(Array.from({ length: 10 }, (_, i) => photoWithGps({ width: 40, height: 30, seed: i })))
    const many = await post('/s/district-a/tickets/new', formPost(fields, ten.map((body, i) => ({ name: 'pictures', filename: `p${i}.jpg`, type: 'image/jpeg', body }))))
    expect(many.statusCode).toBe(400)
    expect(many.body).toContain('最多上传 9 张图片')
    expect(many.body).toContain('已上传 9 张图片')
  })

  it('looks a message up by code and last 4 digits, with one answer for every wrong pair', async () => {
    const fields = valid()
    const created = await post('/s/district-a/tickets/new', formPost(fields))
    const code = /<p class="tk-code"[^>]*>([2-9A-Z]{10})</.exec(created.body)![1]!
    const last4 = fields.phone!.slice(-4)

    const form = await get(`/s/district-a/tickets/lookup?code=${code}`)
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain(`value="${code}"`)

    const wrongDigits = await post('/s/district-a/tickets/lookup', urlencoded({ lookupCode: code, phoneLast4: last4 === '0000' ? '1111' : '0000' }))
    const unknown = await post('/s/district-a/tickets/lookup', urlencoded({ lookupCode: 'ZZZZZZZZZ2', phoneLast4: last4 }))
    expect(wrongDigits.statusCode).toBe(404)
    expect(unknown.statusCode).toBe(404)
    const message = (body: string) => /<div class="tk-alert tk-alert-error" role="alert">([^<]+)</.exec(body)?.[1]
    expect(message(wrongDigits.body)).toBe('查询码或手机号后 4 位不正确，请核对后再试。')
    expect(message(unknown.body)).toBe(message(wrongDigits.body))
    expect((await post('/s/district-a/tickets/lookup', urlencoded({ lookupCode: 'abc', phoneLast4: '12' }))).statusCode).toBe(400)

    const found = await post('/s/district-a/tickets/lookup', urlencoded({ lookupCode: code.toLowerCase(), phoneLast4: last4 }))
    expect(found.statusCode).toBe(200)
    expect(found.headers['cache-control']).toBe('no-store')
    expect(found.body).toContain('办理状态：已提交，待审核')
    expect(found.body).toContain('留言已提交')
    expect(found.body).toMatch(/答复期限<\/dt><dd>\d{4}年\d{1,2}月\d{1,2}日前/)
  })

  it('lists answered messages masked, shows one, and takes the citizen\'s rating on the lookup page', async () => {
    const fields = valid({ text: '东湖路12号井盖丢失，我是王小明，电话13912345678，请尽快修复。' })
    const created = await post('/s/district-a/tickets/new', formPost(fields, [
      { name: 'pictures', filename: 'p.jpg', type: 'image/jpeg', body: await photoWithGps({ width: 300, height: 200, seed: 7 }) },
    ]))
    expect(created.statusCode).toBe(201)
    const code = /<p class="tk-code"[^>]*>([2-9A-Z]{10})</.exec(created.body)![1]!
    const number = /第 (\d+) 号留言/.exec(created.body)![1]!
    const id = await ticketIdOf(dispatcher, number)
    expect((await dispatcher.post(`/api/v1/tickets/${id}/route`, { leadDepartmentId: ids['district-a-gov'], coDepartmentIds: [] })).statusCode).toBe(200)
    expect((await handler.post(`/api/v1/tickets/${id}/sign-for`)).statusCode).toBe(200)
    const replied = await handler.post(`/api/v1/tickets/${id}/replies`, { body: '王小明您好：井盖已于今日补装，感谢您的反映。' })
    expect(replied.statusCode).toBe(201)
    const replyId = replied.json().replies[0].id
    if (replied.json().state === 'reply_review') {
      expect((await dispatcher.post(`/api/v1/tickets/${id}/replies/${replyId}/review`, { decision: 'approve' })).statusCode).toBe(200)
    }
    await runWorker(t.db)

    const list = await get('/s/district-a/tickets')
    expect(list.statusCode).toBe(200)
    expect(list.body).toContain(`/s/district-a/tickets/${number}`)
    expect(list.body).toContain('王某')
    expect(list.body).not.toMatch(/王小明|13912345678/)
    const filtered = await get('/s/district-a/tickets?kind=praise')
    expect(filtered.body).not.toContain(`/s/district-a/tickets/${number}`)
    expect(filtered.body).toContain('没有找到符合条件的留言')
    const searched = await get(`/s/district-a/tickets?q=${encodeURIComponent('井盖')}&category=road`)
    expect(searched.body).toContain(`/s/district-a/tickets/${number}`)

    const detail = await get(`/s/district-a/tickets/${number}`)
    expect(detail.statusCode).toBe(200)
    expect(detail.body).toContain('井盖已于今日补装')
    expect(detail.body).not.toMatch(/王小明|13912345678/)
    // The picture is the stripped public copy, never the original.
    expect(detail.body).toMatch(/<img src="\/media\/[0-9a-f-]+\/[0-9a-f-]+\/web\.jpg"/)
    expect((await get('/s/district-a/tickets/99999999')).statusCode).toBe(404)

    const last4 = fields.phone!.slice(-4)
    const noChoice = await post('/s/district-a/tickets/rating', urlencoded({ lookupCode: code, phoneLast4: last4, rating: '' }))
    expect(noChoice.body).toContain('请选择满意、基本满意或不满意')
    const rated = await post('/s/district-a/tickets/rating', urlencoded({ lookupCode: code, phoneLast4: last4, rating: 'satisfied', comment: '很及时' }))
    expect(rated.statusCode).toBe(200)
    expect(rated.body).toContain('感谢您的评价，留言已办结')
    expect(rated.body).toContain('办理状态：已办结')
    expect(rated.body).not.toContain('您对答复满意吗')
    const twice = await post('/s/district-a/tickets/rating', urlencoded({ lookupCode: code, phoneLast4: last4, rating: 'unsatisfied' }))
    expect(twice.body).toContain('这条答复已经评价过了')
    const wrong = await post('/s/district-a/tickets/rating', urlencoded({ lookupCode: code, phoneLast4: last4 === '0000' ? '1111' : '0000', rating: 'satisfied' }))
    expect(wrong.statusCode).toBe(404)
  })

  it('asks for the SMS code on the form when the center requires it, without JavaScript', async () => {
    const provider = createLogVerificationProvider(() => {})
    registerVerificationProvider(provider)
    expect((await dispatcher.put('/api/v1/tickets/settings', { isPhoneVerificationRequired: true })).statusCode).toBe(200)
    try {
      const fields = valid()
      const form = await get('/s/district-a/tickets/new')
      expect(form.body).toContain('获取验证码')
      const missing = await post('/s/district-a/tickets/new', formPost(fields))
      expect(missing.statusCode).toBe(400)
      expect(missing.body).toContain('请填写 6 位短信验证码')
      const noPhone = await post('/s/district-a/tickets/new', formPost({ ...fields, phone: '123', action: 'code' }))
      expect(noPhone.body).toContain('请先填写 11 位手机号，再获取验证码')
      const sent = await post('/s/district-a/tickets/new', formPost({ ...fields, action: 'code' }))
      expect(sent.statusCode).toBe(200)
      expect(sent.body).toContain('验证码已发送到手机，10 分钟内有效')
      expect(sent.body).toContain(`value="${fields.title}"`)
      const code = provider.recent(fields.phone!)[0]!.code
      const wrong = await post('/s/district-a/tickets/new', formPost({ ...fields, verificationCode: code === '000000' ? '111111' : '000000' }))
      expect(wrong.statusCode).toBe(400)
      expect(wrong.body).toContain('短信验证码错误或已过期，请重新获取')
      const ok = await post('/s/district-a/tickets/new', formPost({ ...fields, verificationCode: code }))
      expect(ok.statusCode).toBe(201)
    } finally {
      await dispatcher.put('/api/v1/tickets/settings', { isPhoneVerificationRequired: false })
      registerVerificationProvider(createLogVerificationProvider())
    }
  })

  it('draws every page in 适老化 mode when the reader asked for it', async () => {
    const res = await get('/s/district-a/tickets/new', { cookie: 'rm_elder=1' })
    expect(res.body).toMatch(/<html lang="zh-CN" class="elder">/)
    expect((await get('/s/district-a/tickets', { cookie: 'rm_elder=1' })).body).toContain('class="elder"')
  })
})

describe('tickets public pages under a tight rate limit', () => {
  let t: TestApp
  beforeAll(async () => { t = await buildTestApp({ config: { publicRateLimitPerMinute: 3 } }) })
  afterAll(async () => { await t.close() })

  it('stops guessing lookup codes after the limit with a Chinese page, the same for every code', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) {
      const res = await t.app.inject({ method: 'POST', url: '/s/district-a/tickets/lookup', ...urlencoded({ lookupCode: `ABCDEFGH${i + 2}2`, phoneLast4: '1234' }) })
      statuses.push(res.statusCode)
      if (res.statusCode === 429) {
        expect(res.headers['content-type']).toContain('text/html')
        expect(res.body).toContain('访问太频繁')
      }
    }
    expect(statuses).toEqual([404, 404, 404, 429])
  })
})
