import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/harness.js'
import { publishJobFinishPush, startWechatServer, type WechatServer } from '../../../test/vendors/wechat.js'
import { photoWithGps, runWorker, upload } from '../assets/fixtures/files.js'
import { expectOk } from '../review/review.testing.js'
import { deliverEvents, drain, eventsOf, newsroom, reviseAndSignOff, signedOffStory, type Newsroom } from './publishing.testing.js'

/** The WeChat Official Account adapter against a local server speaking WeChat's documented API. */
describe('publishing to a WeChat Official Account', () => {
  let t: TestApp
  let room: Newsroom
  let wx: WechatServer
  let accountId: string
  let coverId: string
  let bodyImage: string
  const callbackToken = 'wechat-callback-token'
  const later = (ms: number) => () => new Date(Date.now() + ms)

  beforeAll(async () => {
    t = await buildTestApp()
    room = await newsroom(t)
    wx = await startWechatServer()
    const created = await room.operator.post('/api/v1/accounts', {
      channel: 'wechat_oa', name: '东湖发布', settings: { apiBase: wx.apiBase },
      credentials: { appId: wx.appId, appSecret: wx.appSecret, callbackToken },
    })
    expectOk(created, 201)
    accountId = created.json().id
    const uploaded = await upload(room.crew.reporter, { file: await photoWithGps(), fields: { title: '会议现场', caption: '常务会议现场' } })
    expectOk(uploaded, 201)
    coverId = uploaded.json().id
    await runWorker(t.db)
    const asset = (await room.crew.reporter.get(`/api/v1/assets/${coverId}`)).json()
    bodyImage = asset.renditions.find((r: { name: string; format: string }) => r.name === 'web' && r.format === 'jpeg').url
  }, 120_000)
  afterAll(async () => { await wx.close(); await t.close() }, 60_000)

  async function story(title: string) {
    return signedOffStory(room, { title, coverAssetId: coverId, body: `<p>会议听取了全区经济运行情况汇报。</p><p><img src="${bodyImage}" alt="会议现场"></p>` })
  }
  async function publication(id: string) {
    return (await room.operator.get(`/api/v1/stories/${id}/publications`)).json().items[0]
  }

  let liveStory: string

  it('tests the connection with a stable_token', async () => {
    const res = await room.operator.post(`/api/v1/accounts/${accountId}/test`)
    expect(res.json()).toMatchObject({ isOk: true, message: expect.stringContaining('stable_token') })
    expect(wx.tokensIssued).toBe(1)
  })

  it('uploads the cover as thumb material and body images, adds a draft, submits it, and waits for the platform', async () => {
    liveStory = await story('区政府召开常务会议研究部署重点工作')
    // An invalidated token on draft/add: the adapter refreshes (force_refresh) and retries once.
    wx.failNext('/cgi-bin/draft/add', 40001, 'invalid credential')
    expectOk(await room.operator.post(`/api/v1/stories/${liveStory}/publications`, { accounts: [accountId] }), 202)
    await drain(t)
    const pub = await publication(liveStory)
    expect(pub).toMatchObject({ status: 'awaiting_platform', url: null })
    expect(wx.thumbs).toBe(1)
    expect(wx.images).toBe(1)
    expect(wx.tokensIssued).toBe(2)
    expect(wx.drafts).toHaveLength(1)
    const article = wx.drafts[0].article
    expect(article).toMatchObject({ title: '区政府召开常务会议研究部署重点工作', thumb_media_id: expect.stringMatching(/^thumb-/) })
    expect(String(article.content_source_url)).toContain(`/s/district-a/stories/${liveStory}`)
    expect(String(article.content)).toContain('mmbiz.qpic.cn')
    expect(String(article.content)).not.toContain('/media/')
  })

  it('learns the outcome by polling freepublish/get: still publishing, then live with the article URL', async () => {
    await drain(t, { now: later(2_000) })
    expect((await publication(liveStory)).status).toBe('awaiting_platform')
    const [publishId] = [...wx.jobs.keys()]
    const { url } = wx.finish(publishId, 0)
    await drain(t, { now: later(4_000) })
    expect(await publication(liveStory)).toMatchObject({ status: 'live', url })
    expect((await eventsOf(t, 'publication.live')).some((e) => e.storyId === liveStory)).toBe(true)
    // The cover's use by a live publication is recorded in the media library (licence warnings).
    expect((await room.crew.reporter.get(`/api/v1/assets/${coverId}`)).json().usage).toMatchObject({ live: 1 })
  })

  it('takes the PUBLISHJOBFINISH callback, verifying the signature as WeChat documents', async () => {
    const id = await story('全区秋季征兵工作全面展开')
    expectOk(await room.operator.post(`/api/v1/stories/${id}/publications`, { accounts: [accountId] }), 202)
    await drain(t)
    const publishId = [...wx.jobs.keys()].pop()!
    const done = wx.finish(publishId, 0)
    const push = publishJobFinishPush({ token: callbackToken, publishId, status: 0, ...done })
    const forged = publishJobFinishPush({ token: 'not-the-token', publishId, status: 0, ...done })
    const url = `/api/v1/publishing/callbacks/wechat/${accountId}`
    const refused = await t.app.inject({ method: 'POST', url: `${url}?${forged.query}`, payload: forged.xml, headers: { 'content-type': 'text/xml' } })
    expect(refused.statusCode).toBe(403)
    expect((await publication(id)).status).toBe('awaiting_platform')
    const accepted = await t.app.inject({ method: 'POST', url: `${url}?${push.query}`, payload: push.xml, headers: { 'content-type': 'text/xml' } })
    expect(accepted.statusCode).toBe(200)
    expect(accepted.body).toBe('success')
    expect(await publication(id)).toMatchObject({ status: 'live', url: done.url })
    // The server-URL check WeChat makes when the callback is configured echoes echostr.
    const echo = await t.app.inject({ method: 'GET', url: `${url}?${push.query}&echostr=hello` })
    expect(echo.body).toBe('hello')
  })

  it('turns 45009 and 48001 into clear failures that are not retried, and 53503 into the platform\'s check failure', async () => {
    const quota = await story('东湖区召开安全生产工作会议')
    wx.failNext('/cgi-bin/freepublish/submit', 45009, 'reach max api daily quota limit')
    expectOk(await room.operator.post(`/api/v1/stories/${quota}/publications`, { accounts: [accountId] }), 202)
    await drain(t)
    expect(await publication(quota)).toMatchObject({ status: 'failed', error: { code: 'WX_45009', message: expect.stringContaining('45009'), hint: expect.stringContaining('次日') } })
    const submitsBefore = wx.calls.filter((c) => c === '/cgi-bin/freepublish/submit').length
    await drain(t, { now: later(3_600_000) })
    expect(wx.calls.filter((c) => c === '/cgi-bin/freepublish/submit').length).toBe(submitsBefore)

    // Sending again resumes after the finished steps: no second thumb upload, no second draft.
    const thumbs = wx.thumbs
    const drafts = wx.drafts.length
    expectOk(await room.operator.post(`/api/v1/stories/${quota}/publications`, { accounts: [accountId] }), 202)
    await drain(t)
    expect(await publication(quota)).toMatchObject({ status: 'awaiting_platform', error: null })
    expect([wx.thumbs, wx.drafts.length]).toEqual([thumbs, drafts])

    const unauthorised = await story('东湖区举办就业招聘会')
    wx.failNext('/cgi-bin/material/add_material', 48001, 'api unauthorized')
    expectOk(await room.operator.post(`/api/v1/stories/${unauthorised}/publications`, { accounts: [accountId] }), 202)
    await drain(t)
    expect(await publication(unauthorised)).toMatchObject({ status: 'failed', error: { code: 'WX_48001', hint: expect.stringContaining('认证') } })

    const checked = await story('老旧小区改造工程启动')
    wx.failNext('/cgi-bin/freepublish/submit', 53503, '该草稿未通过发布检查')
    expectOk(await room.operator.post(`/api/v1/stories/${checked}/publications`, { accounts: [accountId] }), 202)
    await drain(t)
    expect(await publication(checked)).toMatchObject({ status: 'failed', error: { code: 'WX_53503', message: expect.stringContaining('该草稿未通过发布检查') } })
    expect((await eventsOf(t, 'publication.failed')).filter((e) => [quota, unauthorised, checked].includes(String(e.storyId)))).toHaveLength(3)
  })

  it('refuses a story without a cover before anything is written', async () => {
    const id = await signedOffStory(room, { title: '没有封面的稿件' })
    const res = await room.operator.post(`/api/v1/stories/${id}/publications`, { accounts: [accountId] })
    expect(res.statusCode).toBe(422)
    expect(res.json()).toMatchObject({ code: 'PUBLICATION_INVALID', errors: [{ field: '东湖发布.cover', message: '微信图文需要封面图' }] })
  })

  it('corrects with a notice (a published article cannot be edited), then withdraws with freepublish/delete', async () => {
    await reviseAndSignOff(room, liveStory, { summary: '会议研究部署三季度重点工作。' })
    await deliverEvents(t)
    await drain(t)
    const notice = wx.drafts[wx.drafts.length - 1].article
    expect(String(notice.title)).toMatch(/^更正：/)
    const publishId = [...wx.jobs.keys()].pop()!
    const done = wx.finish(publishId, 0)
    await drain(t, { now: later(5_000) })
    const pub = await publication(liveStory)
    expect(pub.status).toBe('live')
    expect(pub.corrections).toEqual([expect.objectContaining({ mode: 'notice', url: done.url })])
    expect(pub.url).not.toBe(done.url)

    expectOk(await room.operator.post(`/api/v1/stories/${liveStory}/withdraw`, { reason: '数据有误' }), 202)
    await drain(t)
    expect(await publication(liveStory)).toMatchObject({ status: 'withdrawn', withdrawal: { outcome: 'removed', reason: '数据有误' } })
    expect(wx.deleted).toEqual([{ articleId: expect.stringMatching(/^article-/), index: 0 }])
  })
})
