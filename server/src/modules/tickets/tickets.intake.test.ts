import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inScope, systemScope } from '../../db/scope.js'
import { randomPhone, submission, submit } from '../../../test/factories/tickets.js'
import { buildTestApp, signIn, type Client, type TestApp } from '../../../test/harness.js'
import { createLogVerificationProvider, registerVerificationProvider } from './verification.js'

async function storedFor(t: TestApp, phones: string[]) {
  return inScope(t.db, systemScope, async (trx) => ({
    tickets: await trx.selectFrom('tickets').select(['id', 'number', 'lookup_code', 'citizen_phone']).where('citizen_phone', 'in', phones).execute(),
    timeline: await trx.selectFrom('ticket_events as e').innerJoin('tickets as t', 't.id', 'e.ticket_id').select(['e.ticket_id', 'e.action'])
      .where('t.citizen_phone', 'in', phones).execute(),
  }))
}

describe('public intake', () => {
  let t: TestApp
  let dispatcher: Client

  beforeAll(async () => {
    t = await buildTestApp({ config: { publicRateLimitPerMinute: 10_000 } })
    dispatcher = await signIn(t.app, 'district-a.dispatcher')
  })
  afterAll(async () => { await t.close() })

  it('states the form: categories from the catalogue, kinds with their time limits, limits and consent text', async () => {
    const form = (await t.app.inject({ method: 'GET', url: '/api/v1/public/district-a/tickets/form' })).json()
    expect(form.categories.length).toBeGreaterThanOrEqual(5)
    expect(form.kinds.find((k: { code: string }) => k.code === 'consultation')).toEqual({ code: 'consultation', name: '咨询', replyWithinWorkingDays: 3 })
    expect(form.kinds.find((k: { code: string }) => k.code === 'complaint').replyWithinWorkingDays).toBe(13)
    expect(form.limits).toMatchObject({ titleMax: 50, textMax: 2000, phoneDailyLimit: 5 })
    expect(form.consentText).toContain('个人信息')
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/public/district-a-gov/tickets/form' })).statusCode).toBe(404)
  })

  it('names the field of every invalid submission and stores nothing', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ consent: false }, 'consent'], [{ phone: '12345' }, 'phone'], [{ category: 'nope' }, 'category'], [{ title: '短' }, 'title'],
      [{ text: '太短了' }, 'text'], [{ kind: 'rumour' }, 'kind'], [{ lat: 30.1 }, 'long'], [{ attachmentIds: ['00000000-0000-4000-8000-000000000000'] }, 'attachmentIds'],
    ]
    const phones: string[] = []
    for (const [overrides, field] of cases) {
      const phone = randomPhone()
      phones.push(phone)
      const res = await submit(t.app, 'district-a', { phone, ...overrides })
      expect([400, 422], `${field}: ${res.body}`).toContain(res.statusCode)
      expect(res.json().errors[0].field, res.body).toBe(field)
    }
    expect((await storedFor(t, phones)).tickets).toEqual([])
  })

  it('answers a resubmission within minutes with 409 and the first lookup code, and limits each phone per day', async () => {
    const phone = randomPhone()
    const body = submission({ phone })
    const first = await t.app.inject({ method: 'POST', url: '/api/v1/public/district-a/tickets', payload: body })
    expect(first.statusCode).toBe(201)
    const again = await t.app.inject({ method: 'POST', url: '/api/v1/public/district-a/tickets', payload: { ...body, text: `${body.text as string}！！` } })
    expect(again.statusCode).toBe(409)
    expect(again.json()).toMatchObject({ code: 'TICKET_DUPLICATE', lookupCode: first.json().lookupCode, number: first.json().number })

    await dispatcher.put('/api/v1/tickets/settings', { phoneDailyLimit: 2 })
    try {
      expect((await submit(t.app, 'district-a', { phone, title: '另一件事情', text: '小区门口的垃圾桶满了三天没人清运，气味很大。' })).statusCode).toBe(201)
      const third = await submit(t.app, 'district-a', { phone, title: '第三件事情', text: '楼下商铺夜里的油烟很大，影响休息，请查处。' })
      expect(third.statusCode).toBe(429)
      expect(third.json().code).toBe('TICKET_PHONE_LIMIT')
      // Another center keeps its own count.
      expect((await submit(t.app, 'district-b', { phone })).statusCode).toBe(201)
    } finally {
      await dispatcher.put('/api/v1/tickets/settings', { phoneDailyLimit: 5 })
    }
  })

  it('asks for an SMS code when the center requires it, through the pluggable provider', async () => {
    const provider = createLogVerificationProvider(() => {})
    registerVerificationProvider(provider)
    await dispatcher.put('/api/v1/tickets/settings', { isPhoneVerificationRequired: true })
    try {
      const phone = randomPhone()
      const missing = await submit(t.app, 'district-a', { phone })
      expect(missing.statusCode).toBe(400)
      expect(missing.json()).toMatchObject({ code: 'TICKET_VERIFICATION_FAILED', errors: [{ field: 'verificationCode' }] })
      const sent = await t.app.inject({ method: 'POST', url: '/api/v1/public/district-a/verification-codes', payload: { phone } })
      expect(sent.statusCode).toBe(201)
      const code = provider.recent(phone)[0].code
      expect(code).toMatch(/^\d{6}$/)
      const wrong = code === '000000' ? '111111' : '000000'
      expect((await submit(t.app, 'district-a', { phone, verificationCode: wrong })).statusCode).toBe(400)
      expect((await submit(t.app, 'district-a', { phone, verificationCode: code })).statusCode).toBe(201)
      // A code is good for one message.
      expect((await submit(t.app, 'district-a', { phone, verificationCode: code, title: '再提一个问题', text: '公园里的健身器材坏了很久，希望维修。' })).statusCode).toBe(400)
      const attempts = await inScope(t.db, systemScope, (trx) => trx.selectFrom('ticket_phone_codes').select(['attempts', 'consumed_at']).where('phone', '=', phone).executeTakeFirstOrThrow())
      expect(attempts.attempts).toBe(1)
      expect(attempts.consumed_at).not.toBeNull()
    } finally {
      await dispatcher.put('/api/v1/tickets/settings', { isPhoneVerificationRequired: false })
      registerVerificationProvider(createLogVerificationProvider())
    }
  })

  it('stores each of 50 parallel submissions exactly once, with its timeline, audit entry and event', async () => {
    const phones = Array.from({ length: 50 }, () => randomPhone())
    const replies = await Promise.all(phones.map((phone) => submit(t.app, 'district-a', { phone })))
    expect(replies.map((r) => r.statusCode)).toEqual(phones.map(() => 201))
    const numbers = new Set(replies.map((r) => r.json().number))
    const codes = new Set(replies.map((r) => r.json().lookupCode))
    expect(numbers.size).toBe(50)
    expect(codes.size).toBe(50)
    const stored = await storedFor(t, phones)
    expect(stored.tickets.map((r) => r.citizen_phone).sort()).toEqual([...phones].sort())
    expect(new Set(stored.tickets.map((r) => r.lookup_code))).toEqual(codes)
    expect(stored.timeline.filter((e) => e.action === 'submitted').length).toBe(50)
    const ids = stored.tickets.map((r) => r.id)
    const { audits, events } = await inScope(t.db, systemScope, async (trx) => ({
      audits: await trx.selectFrom('audit_log').select('target_id').where('action', '=', 'ticket.submitted').where('target_id', 'in', ids).execute(),
      events: (await trx.selectFrom('outbox_events').select('payload').where('type', '=', 'ticket.submitted').execute()).filter((e) => ids.includes((e.payload as { ticketId: string }).ticketId)),
    }))
    expect(audits.length).toBe(50)
    expect(events.length).toBe(50)
  })

  it('keeps one ticket when the same message arrives 10 times at once', async () => {
    const body = submission({ phone: randomPhone() })
    const replies = await Promise.all(Array.from({ length: 10 }, () => t.app.inject({ method: 'POST', url: '/api/v1/public/district-a/tickets', payload: body })))
    const created = replies.filter((r) => r.statusCode === 201)
    expect(created.length).toBe(1)
    expect(replies.filter((r) => r.statusCode === 409).map((r) => r.json().lookupCode)).toEqual(Array(9).fill(created[0].json().lookupCode))
    expect((await storedFor(t, [body.phone as string])).tickets.length).toBe(1)
  })
})

describe('public rate limits', () => {
  let t: TestApp
  beforeAll(async () => { t = await buildTestApp({ config: { publicRateLimitPerMinute: 3, open311RateLimitPerMinute: 2 } }) })
  afterAll(async () => { await t.close() })

  it('limit submissions per client IP, and Open311 requests too', async () => {
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await submit(t.app, 'district-a')).statusCode)
    expect(statuses).toEqual([201, 201, 201, 429])
    const other = await submit(t.app, 'district-a', {}, { 'x-forwarded-for': '10.0.0.9' })
    // Without trustProxy the forwarded address is ignored: the same client is still limited.
    expect(other.statusCode).toBe(429)
    const open311 = []
    for (let i = 0; i < 3; i++) open311.push((await t.app.inject({ method: 'GET', url: '/open311/v2/services.xml?jurisdiction_id=district-a' })).statusCode)
    expect(open311).toEqual([200, 200, 429])
  })
})
