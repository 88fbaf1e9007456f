import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/harness.js'
import { startWeiboServer, type WeiboServer } from '../../../test/vendors/weibo.js'
import { expectOk } from '../review/review.testing.js'
import { weiboLength, weiboText } from './channels/weibo.js'
import type { ChannelStory } from './channels/channel.js'
import { drain, newsroom, signedOffStory, type Newsroom } from './publishing.testing.js'

describe('Weibo length as Weibo counts it', () => {
  it('counts CJK as 1, half-width as ½ and a link as its short form, rounding up', () => {
    expect(weiboLength('微博')).toBe(2)
    expect(weiboLength('abc')).toBe(2)
    expect(weiboLength('ab')).toBe(1)
    expect(weiboLength('看 https://news.example.cn/s/a/stories/123456789')).toBe(12)
  })

  it('fits title, summary and link into 140, cutting the summary with an ellipsis', () => {
    const story = { title: '标题', summary: '长'.repeat(300), bodyHtml: '', siteUrl: 'https://news.example.cn/s/x/stories/1', correctionNote: null } as unknown as ChannelStory
    const text = weiboText(story)
    expect(weiboLength(text)).toBe(140)
    expect(text).toMatch(/^【标题】长+… https:\/\/news\.example\.cn\/s\/x\/stories\/1$/)
  })
})

describe('publishing to Weibo', () => {
  let t: TestApp
  let room: Newsroom
  let wb: WeiboServer
  let accountId: string

  beforeAll(async () => {
    t = await buildTestApp()
    room = await newsroom(t)
    wb = await startWeiboServer()
  }, 120_000)
  afterAll(async () => { await wb.close(); await t.close() }, 60_000)

  it('needs the safe domain to match the story link before anything is sent', async () => {
    const created = await room.operator.post('/api/v1/accounts', { channel: 'weibo', name: '东湖发布微博', settings: { apiBase: wb.apiBase, safeDomain: 'news.example.cn' }, credentials: { accessToken: wb.accessToken } })
    expectOk(created, 201)
    accountId = created.json().id
    const tested = await room.operator.post(`/api/v1/accounts/${accountId}/test`)
    expect(tested.json()).toMatchObject({ isOk: true, message: expect.stringContaining('授权有效') })
    const id = await signedOffStory(room)
    const res = await room.operator.post(`/api/v1/stories/${id}/publications`, { accounts: [accountId] })
    expect(res.statusCode).toBe(422)
    expect(res.json().errors[0]).toMatchObject({ field: '东湖发布微博.siteUrl', message: expect.stringContaining('安全域名') })
    // Tests run the site on localhost: that is the app's safe domain here.
    expectOk(await room.operator.patch(`/api/v1/accounts/${accountId}`, { settings: { safeDomain: 'localhost' } }))
  })

  it('posts with statuses/share (title, summary, link within 140) and withdraws with statuses/destroy', async () => {
    const id = await signedOffStory(room, { summary: '会议听取了全区经济运行情况汇报，研究部署下一阶段重点工作。'.repeat(5) })
    expectOk(await room.operator.post(`/api/v1/stories/${id}/publications`, { accounts: [accountId] }), 202)
    await drain(t)
    const [pub] = (await room.operator.get(`/api/v1/stories/${id}/publications`)).json().items
    expect(pub).toMatchObject({ status: 'live', url: `https://weibo.com/1234567890/${wb.posts[0].id}` })
    expect(wb.posts[0].status).toContain(`/s/district-a/stories/${id}`)
    expect(weiboLength(wb.posts[0].status)).toBeLessThanOrEqual(140)
    expectOk(await room.operator.post(`/api/v1/stories/${id}/withdraw`, { reason: '重复发布' }), 202)
    await drain(t)
    expect(wb.destroyed).toEqual([wb.posts[0].id])
    expect((await room.operator.get(`/api/v1/stories/${id}/publications`)).json().items[0]).toMatchObject({ status: 'withdrawn', withdrawal: { outcome: 'removed' } })
  })

  it('waits and retries when Weibo\'s rate limit (10023) is reached; a revoked token asks for re-authorisation', async () => {
    wb.rateLimitAfter = wb.posts.length
    const id = await signedOffStory(room, { title: '东湖区举办就业招聘会' })
    expectOk(await room.operator.post(`/api/v1/stories/${id}/publications`, { accounts: [accountId] }), 202)
    await drain(t)
    expect((await room.operator.get(`/api/v1/stories/${id}/publications`)).json().items[0]).toMatchObject({ status: 'queued', error: { code: 'WB_10023' } })
    wb.rateLimitAfter = null
    await drain(t, { now: () => new Date(Date.now() + 16 * 60_000) })
    expect((await room.operator.get(`/api/v1/stories/${id}/publications`)).json().items[0].status).toBe('live')

    expectOk(await room.operator.patch(`/api/v1/accounts/${accountId}`, { credentials: { accessToken: 'revoked' } }))
    const other = await signedOffStory(room, { title: '老旧小区改造工程启动' })
    expectOk(await room.operator.post(`/api/v1/stories/${other}/publications`, { accounts: [accountId] }), 202)
    await drain(t)
    expect((await room.operator.get(`/api/v1/stories/${other}/publications`)).json().items[0]).toMatchObject({ status: 'failed', error: { code: 'WB_21332', hint: expect.stringContaining('重新授权') } })
    expect((await room.operator.get(`/api/v1/accounts/${accountId}`)).json().status).toBe('needs_reauth')
    const blocked = await room.operator.post(`/api/v1/stories/${other}/publications`, { accounts: [accountId] })
    expect(blocked.statusCode).toBe(422)
    expect(blocked.json().code).toBe('ACCOUNT_UNAVAILABLE')
  })
})
