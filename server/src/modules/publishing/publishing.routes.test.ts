import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inScope, systemScope } from '../../db/scope.js'
import { buildTestApp, signIn, type TestApp } from '../../../test/harness.js'
import { startWebhookReceiver, type WebhookReceiver } from '../../../test/vendors/webhook.js'
import { createStory, expectOk } from '../review/review.testing.js'
import {
  accountIds, auditActions, deliverEvents, drain, eventsOf, newsroom, reviseAndSignOff, signedOffStory, type Newsroom,
} from './publishing.testing.js'

describe('publishing: accounts, publish to the site and a webhook, correction, withdrawal', () => {
  let t: TestApp
  let room: Newsroom
  let hook: WebhookReceiver
  let ids: Record<string, string>
  let webhookId: string

  beforeAll(async () => {
    t = await buildTestApp()
    room = await newsroom(t)
    hook = await startWebhookReceiver()
  }, 120_000)
  afterAll(async () => { await hook.close(); await t.close() }, 60_000)

  it('lists the seeded website and rss accounts of the center, and only its own', async () => {
    ids = await accountIds(room.operator)
    const list = (await room.operator.get('/api/v1/accounts')).json().items
    expect(list.map((a: { channel: string; status: string }) => [a.channel, a.status])).toEqual([['rss', 'active'], ['website', 'active']])
    expect(list[0]).toMatchObject({ id: expect.any(String), name: expect.stringContaining('RSS'), credentialFields: [] })
    const other = await accountIds(await signIn(t.app, 'district-b.operator'))
    expect(Object.values(other)).not.toContain(ids.website)
    // Another center's account looks absent.
    expect((await room.operator.get(`/api/v1/accounts/${other.website}`)).statusCode).toBe(404)
    // A reporter may not see the register.
    expect((await room.crew.reporter.get('/api/v1/accounts')).statusCode).toBe(403)
  })

  it('creates a webhook account: the secret is sealed at rest and never returned; channels not built are refused', async () => {
    const bad = await room.operator.post('/api/v1/accounts', { channel: 'douyin', name: '抖音号' })
    expect(bad.statusCode).toBe(400)
    const missing = await room.operator.post('/api/v1/accounts', { channel: 'webhook', name: '合作平台', settings: { url: hook.url } })
    expect(missing.statusCode).toBe(400)
    expect(missing.json().errors).toEqual([{ field: 'credentials.secret', message: 'is required' }])
    const created = await room.operator.post('/api/v1/accounts', { channel: 'webhook', name: '合作平台', settings: { url: hook.url }, credentials: { secret: hook.secret } })
    expectOk(created, 201)
    webhookId = created.json().id
    expect(created.json()).toMatchObject({ channel: 'webhook', status: 'active', credentialFields: ['secret'], settings: { url: hook.url } })
    expect(created.body).not.toContain(hook.secret)
    const stored = await inScope(t.db, systemScope, (trx) => trx.selectFrom('publishing_accounts').select('credentials_sealed').where('id', '=', webhookId).executeTakeFirstOrThrow())
    expect(stored.credentials_sealed).toMatch(/^v1\./)
    expect(stored.credentials_sealed).not.toContain(hook.secret)
    expect(await auditActions(t, 'account.')).toEqual(['account.created'])
  })

  it('tests the connection: a signed ping passes; a wrong secret marks the account as needing re-authorisation', async () => {
    const ok = await room.operator.post(`/api/v1/accounts/${webhookId}/test`)
    expectOk(ok)
    expect(ok.json()).toMatchObject({ isOk: true, account: { status: 'active', lastTest: { isOk: true } } })
    expectOk(await room.operator.patch(`/api/v1/accounts/${webhookId}`, { credentials: { secret: 'wrong-secret' } }))
    const failed = await room.operator.post(`/api/v1/accounts/${webhookId}/test`)
    expect(failed.json()).toMatchObject({ isOk: false, message: expect.stringContaining('401'), account: { status: 'needs_reauth' } })
    const restored = await room.operator.patch(`/api/v1/accounts/${webhookId}`, { credentials: { secret: hook.secret } })
    expect(restored.json().status).toBe('active')
    expect(hook.rejected).toBe(1)
  })

  let storyId: string

  it('refuses to publish a story that is not signed off', async () => {
    const draft = await createStory(room.crew.reporter)
    const res = await room.operator.post(`/api/v1/stories/${draft}/publications`, { accounts: [ids.website] })
    expect(res.statusCode).toBe(422)
    expect(res.json().code).toBe('PUBLICATION_NOT_SIGNED_OFF')
    const none = await room.operator.post(`/api/v1/stories/${draft}/publications`, { accounts: [] })
    expect(none.statusCode).toBe(400)
  })

  it('publishes a signed-off story: 202 queued, then live on the website (the page answers), the feed and the webhook', async () => {
    storyId = await signedOffStory(room)
    const res = await room.operator.post(`/api/v1/stories/${storyId}/publications`, { accounts: [ids.website, ids.rss, webhookId] })
    expectOk(res, 202)
    expect(res.json().items.map((p: { status: string }) => p.status)).toEqual(['queued', 'queued', 'queued'])
    // The same request again is idempotent: no second publication, no second job.
    expectOk(await room.operator.post(`/api/v1/stories/${storyId}/publications`, { accounts: [ids.website, ids.rss, webhookId] }), 202)
    expect(await drain(t)).toBe(3)

    const items = (await room.operator.get(`/api/v1/stories/${storyId}/publications`)).json().items as Array<Record<string, unknown>>
    expect(items.map((p) => [p.channel, p.status]).sort()).toEqual([['rss', 'live'], ['webhook', 'live'], ['website', 'live']])
    const website = items.find((p) => p.channel === 'website')!
    expect(website.url).toBe(`/s/district-a/stories/${storyId}`)
    const page = await t.app.inject({ method: 'GET', url: website.url as string })
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('区政府召开常务会议研究部署重点工作')
    const feed = await t.app.inject({ method: 'GET', url: '/s/district-a/feed.xml' })
    expect(feed.body).toContain(storyId)

    const published = [...hook.applied.values()].filter((b) => b.event === 'publication.publish')
    expect(published).toHaveLength(1)
    const delivered = published[0] as { event: string; story: { id: string; version: number; title: string } }
    expect(delivered).toMatchObject({ event: 'publication.publish', story: { id: storyId, title: '区政府召开常务会议研究部署重点工作' } })
    expect(items.find((p) => p.channel === 'webhook')!.url).toMatch(/^https:\/\/partner\.example\/posts\//)
    expect((await eventsOf(t, 'publication.live')).filter((e) => e.storyId === storyId)).toHaveLength(3)
    expect((await auditActions(t, 'publication.')).filter((a) => a === 'publication.sent')).toHaveLength(3)
  })

  it('retries a webhook on 5xx with backoff and fails a 4xx with the receiver\'s own words', async () => {
    const id = await signedOffStory(room, { title: '全区秋季征兵工作全面展开' })
    hook.failNext([503])
    expectOk(await room.operator.post(`/api/v1/stories/${id}/publications`, { accounts: [webhookId] }), 202)
    await drain(t)
    let [pub] = (await room.operator.get(`/api/v1/stories/${id}/publications`)).json().items
    expect(pub).toMatchObject({ status: 'queued', error: { code: 'HTTP_503', hint: expect.stringContaining('自动重试') } })
    // Not yet due: the backoff holds it.
    expect(await drain(t)).toBe(0)
    await drain(t, { now: () => new Date(Date.now() + 60_000) })
    ;[pub] = (await room.operator.get(`/api/v1/stories/${id}/publications`)).json().items
    expect(pub).toMatchObject({ status: 'live', error: null })

    const other = await signedOffStory(room, { title: '老旧小区改造工程启动' })
    hook.failNext([422])
    expectOk(await room.operator.post(`/api/v1/stories/${other}/publications`, { accounts: [webhookId] }), 202)
    await drain(t)
    ;[pub] = (await room.operator.get(`/api/v1/stories/${other}/publications`)).json().items
    expect(pub).toMatchObject({ status: 'failed', error: { code: 'HTTP_422', message: expect.stringContaining('failing with 422') } })
    expect((await eventsOf(t, 'publication.failed')).some((e) => e.storyId === other)).toBe(true)
    // Sending again re-arms the same idempotency key.
    expectOk(await room.operator.post(`/api/v1/stories/${other}/publications`, { accounts: [webhookId] }), 202)
    await drain(t)
    ;[pub] = (await room.operator.get(`/api/v1/stories/${other}/publications`)).json().items
    expect(pub.status).toBe('live')
  })

  it('respects the per-account rate limit: the second send waits for the next minute', async () => {
    expectOk(await room.operator.patch(`/api/v1/accounts/${webhookId}`, { rateLimitPerMinute: 1 }))
    const a = await signedOffStory(room, { title: '东湖区召开安全生产工作会议' })
    const b = await signedOffStory(room, { title: '东湖区举办就业招聘会' })
    const minute = Math.ceil(Date.now() / 60_000) * 60_000 + 120_000
    const now = () => new Date(minute + 1000)
    expectOk(await room.operator.post(`/api/v1/stories/${a}/publications`, { accounts: [webhookId] }), 202)
    expectOk(await room.operator.post(`/api/v1/stories/${b}/publications`, { accounts: [webhookId] }), 202)
    await drain(t, { now })
    const statuses = async () => [
      (await room.operator.get(`/api/v1/stories/${a}/publications`)).json().items[0].status,
      (await room.operator.get(`/api/v1/stories/${b}/publications`)).json().items[0].status,
    ]
    expect(await statuses()).toEqual(['live', 'queued'])
    await drain(t, { now: () => new Date(minute + 61_000) })
    expect(await statuses()).toEqual(['live', 'live'])
    expectOk(await room.operator.patch(`/api/v1/accounts/${webhookId}`, { rateLimitPerMinute: 100 }))
  })

  it('corrects: an edit needs a new sign-off; the new version updates the site and the webhook in place (更正)', async () => {
    await room.crew.chief.put(`/api/v1/stories/${storyId}`, { baseVersion: 1, title: '区政府召开常务会议（更正）' })
    const editedRes = await room.crew.chief.get(`/api/v1/stories/${storyId}`)
    const current = editedRes.json()
    const saved = await room.crew.chief.put(`/api/v1/stories/${storyId}`, { baseVersion: current.versionNumber, title: '区政府召开常务会议研究部署三季度重点工作' })
    expectOk(saved)
    await room.crew.chief.delete(`/api/v1/stories/${storyId}/lock`)
    const refused = await room.operator.post(`/api/v1/stories/${storyId}/publications`, { accounts: [ids.website] })
    expect(refused.statusCode).toBe(422)
    expect(refused.json()).toMatchObject({ code: 'PUBLICATION_NOT_SIGNED_OFF' })

    await reviseAndSignOff(room, storyId, { summary: '会议研究部署三季度重点工作。' })
    await deliverEvents(t)
    await drain(t)
    const items = (await room.operator.get(`/api/v1/stories/${storyId}/publications`)).json().items as Array<{ channel: string; status: string; liveVersionNumber: number; corrections: unknown[] }>
    for (const p of items) {
      expect(p.status).toBe('live')
      expect(p.corrections).toEqual([expect.objectContaining({ mode: 'updated' })])
    }
    const page = await t.app.inject({ method: 'GET', url: `/s/district-a/stories/${storyId}` })
    expect(page.body).toContain('区政府召开常务会议研究部署三季度重点工作')
    const updates = [...hook.applied.values()].filter((b) => b.event === 'publication.update')
    expect(updates).toHaveLength(1)
  })

  it('withdraws everywhere: the site answers 410, the webhook receives the withdrawal, story.withdrawn is announced', async () => {
    const empty = await room.operator.post(`/api/v1/stories/${storyId}/withdraw`, { reason: '' })
    expect(empty.statusCode).toBe(400)
    const res = await room.operator.post(`/api/v1/stories/${storyId}/withdraw`, { reason: '信息有误，撤回核实' })
    expectOk(res, 202)
    await drain(t)
    const items = (await room.operator.get(`/api/v1/stories/${storyId}/publications`)).json().items as Array<{ status: string; url: string | null; withdrawal: { outcome: string } }>
    expect(items.map((p) => [p.status, p.withdrawal.outcome, p.url])).toEqual([['withdrawn', 'removed', null], ['withdrawn', 'removed', null], ['withdrawn', 'removed', null]])
    const page = await t.app.inject({ method: 'GET', url: `/s/district-a/stories/${storyId}` })
    expect(page.statusCode).toBe(410)
    expect([...hook.applied.values()].some((b) => b.event === 'publication.withdraw' && b.storyId === storyId)).toBe(true)
    expect((await eventsOf(t, 'story.withdrawn')).map((e) => e.storyId)).toContain(storyId)
    const again = await room.operator.post(`/api/v1/stories/${storyId}/withdraw`, { reason: '再次撤回' })
    expect(again.statusCode).toBe(409)
    // The withdrawn version cannot go out again by accident.
    const republish = await room.operator.post(`/api/v1/stories/${storyId}/publications`, { accounts: [ids.website] })
    expect(republish.statusCode).toBe(409)
    expect(republish.json().code).toBe('PUBLICATION_WITHDRAWN')
  })

  it('lists the tenant-wide board and the schedule', async () => {
    const later = new Date(Date.now() + 3 * 86_400_000)
    const id = await signedOffStory(room, { title: '国庆假期文旅活动预告' })
    const res = await room.operator.post(`/api/v1/stories/${id}/publications`, { accounts: [ids.website], scheduleAt: later.toISOString() })
    expectOk(res, 202)
    expect(res.json().items[0]).toMatchObject({ status: 'queued', scheduledAt: later.toISOString() })
    expect(await drain(t)).toBe(0)
    const from = new Date(later.getTime() - 3_600_000).toISOString()
    const to = new Date(later.getTime() + 3_600_000).toISOString()
    const schedule = await room.crew.chief.get(`/api/v1/publications/schedule?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`)
    expectOk(schedule)
    expect(schedule.json().items).toEqual([expect.objectContaining({ storyId: id, storyTitle: '国庆假期文旅活动预告', accountName: expect.any(String) })])
    // On the board from/to bound when a publication was asked for, not when it is due (that is the schedule).
    const byCreation = await room.crew.chief.get(`/api/v1/publications?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`)
    expectOk(byCreation)
    expect(byCreation.json().items).toEqual([])
    const backwards = await room.crew.chief.get(`/api/v1/publications?from=${encodeURIComponent(to)}&to=${encodeURIComponent(from)}`)
    expect(backwards.statusCode).toBe(400)
    const board = await room.crew.chief.get('/api/v1/publications?limit=2')
    expectOk(board)
    expect(board.json().items).toHaveLength(2)
    expect(board.json().nextCursor).toEqual(expect.any(String))
    const failed = await room.crew.chief.get('/api/v1/publications?status=withdrawn')
    expect(failed.json().items.every((p: { status: string }) => p.status === 'withdrawn')).toBe(true)
    const bad = await room.crew.chief.get('/api/v1/publications?cursor=nonsense')
    expect(bad.statusCode).toBe(400)
    // The schedule moves to its time, then goes live.
    await drain(t, { now: () => new Date(later.getTime() + 1000) })
    expect((await room.operator.get(`/api/v1/stories/${id}/publications`)).json().items[0].status).toBe('live')
  })
})
