import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inScope, systemScope } from '../../db/scope.js'
import { buildTestApp, type TestApp } from '../../../test/harness.js'
import { publishJobFinishPush, startWechatServer, type WechatServer } from '../../../test/vendors/wechat.js'
import { photoWithGps, runWorker, upload } from '../assets/fixtures/files.js'
import { expectOk } from '../review/review.testing.js'
import { SUBMIT_SETTLE_MS } from './channels/wechat.js'
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
  // The public site's address from configuration: WeChat's 原文链接 is built on it.
  const publicUrl = 'https://news.donghu.example.cn'
  const later = (ms: number) => () => new Date(Date.now() + ms)

  beforeAll(async () => {
    t = await buildTestApp({ config: { publicUrl: `${publicUrl}/` } })
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
  let liveArticleId: string

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
    expect(article.content_source_url).toBe(`${publicUrl}/s/district-a/stories/${liveStory}`)
    expect(String(article.content)).toContain('mmbiz.qpic.cn')
    expect(String(article.content)).not.toContain('/media/')
  })

  it('learns the outcome by polling freepublish/get: still publishing, then live with the article URL', async () => {
    await drain(t, { now: later(2_000) })
    expect((await publication(liveStory)).status).toBe('awaiting_platform')
    const [publishId] = [...wx.jobs.keys()]
    const { url, articleId } = wx.finish(publishId, 0)
    liveArticleId = articleId
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

  it('loses the answer of a submit that WeChat carried out, finds the article with batchget, and never submits it again', async () => {
    const id = await story('全区防汛工作部署会议召开')
    const before = { submits: wx.submits, drafts: wx.drafts.length, thumbs: wx.thumbs }
    // WeChat performs the submit; the answer (with its publish_id) never comes back.
    wx.dropNext('/cgi-bin/freepublish/submit', { isPerformed: true })
    expectOk(await room.operator.post(`/api/v1/stories/${id}/publications`, { accounts: [accountId] }), 202)
    await drain(t)
    expect(await publication(id)).toMatchObject({ status: 'queued', error: { code: 'NETWORK' } })
    expect(wx.submits).toBe(before.submits + 1)

    // The retry asks batchget first; WeChat is still publishing, so it waits rather than submit again.
    const batchgets = wx.calls.filter((c) => c === '/cgi-bin/freepublish/batchget').length
    await drain(t, { now: later(6_000) })
    expect(await publication(id)).toMatchObject({ status: 'queued', error: { code: 'WX_SUBMIT_UNCONFIRMED', hint: expect.stringContaining('不会重复发布') } })
    expect(wx.calls.filter((c) => c === '/cgi-bin/freepublish/batchget').length).toBe(batchgets + 1)
    expect(wx.submits).toBe(before.submits + 1)

    // Published meanwhile: the next retry recognises it (its cover material, 原文链接 and title) and takes the article.
    const publishId = [...wx.jobs.entries()].find(([, j]) => j.mediaId === wx.drafts[wx.drafts.length - 1].mediaId)![0]
    const done = wx.finish(publishId, 0)
    await drain(t, { now: later(SUBMIT_SETTLE_MS + 60_000) })
    expect(await publication(id)).toMatchObject({ status: 'live', url: done.url, error: null })
    expect([wx.submits, wx.drafts.length, wx.thumbs]).toEqual([before.submits + 1, before.drafts + 1, before.thumbs + 1])
    expect((await eventsOf(t, 'publication.live')).filter((e) => e.storyId === id)).toHaveLength(1)

    // Withdrawal reaches the article found that way.
    expectOk(await room.operator.post(`/api/v1/stories/${id}/withdraw`, { reason: '重复稿件' }), 202)
    await drain(t, { now: later(SUBMIT_SETTLE_MS + 120_000) })
    expect(wx.deleted).toContainEqual({ articleId: done.articleId, index: 0 })
  })

  it('submits once more, after the settle window, when the lost submit never reached WeChat', async () => {
    const id = await story('东湖区开展消防安全大检查')
    const before = { submits: wx.submits, drafts: wx.drafts.length }
    wx.dropNext('/cgi-bin/freepublish/submit', { isPerformed: false })
    expectOk(await room.operator.post(`/api/v1/stories/${id}/publications`, { accounts: [accountId] }), 202)
    await drain(t)
    await drain(t, { now: later(6_000) })
    expect(await publication(id)).toMatchObject({ status: 'queued', error: { code: 'WX_SUBMIT_UNCONFIRMED' } })
    expect(wx.submits).toBe(before.submits)
    await drain(t, { now: later(SUBMIT_SETTLE_MS + 60_000) })
    expect(await publication(id)).toMatchObject({ status: 'awaiting_platform', error: null })
    // One draft, one submit: the draft recorded before the lost call is the one submitted.
    expect([wx.submits, wx.drafts.length]).toEqual([before.submits + 1, before.drafts + 1])
  })

  it('reconciles a correction notice whose submit answer was lost the same way, and keeps the original article', async () => {
    const id = await story('区图书馆延长开放时间')
    expectOk(await room.operator.post(`/api/v1/stories/${id}/publications`, { accounts: [accountId] }), 202)
    await drain(t)
    const lastJob = () => [...wx.jobs.entries()].find(([, j]) => j.mediaId === wx.drafts[wx.drafts.length - 1].mediaId)![0]
    const original = wx.finish(lastJob(), 0)
    await drain(t, { now: later(2_000) })
    expect(await publication(id)).toMatchObject({ status: 'live', url: original.url })

    const submits = wx.submits
    await reviseAndSignOff(room, id, { summary: '开放时间延长至每晚九点。' })
    wx.dropNext('/cgi-bin/freepublish/submit', { isPerformed: true })
    await deliverEvents(t)
    await drain(t)
    expect(wx.submits).toBe(submits + 1)
    const remote = async () => inScope(t.db, systemScope, async (trx) => (await trx.selectFrom('publications').select('remote').where('story_id', '=', id).executeTakeFirstOrThrow()).remote as Record<string, unknown>)
    // The notice's own steps are kept apart from the original's ids.
    expect(await remote()).toMatchObject({ articleId: original.articleId, noticeProgress: { submittedAt: expect.any(String), publishId: null } })

    const notice = wx.finish(lastJob(), 0)
    await drain(t, { now: later(SUBMIT_SETTLE_MS + 60_000) })
    const pub = await publication(id)
    expect(pub).toMatchObject({ status: 'live', url: original.url })
    expect(pub.corrections).toEqual([expect.objectContaining({ mode: 'notice', url: notice.url })])
    expect(wx.submits).toBe(submits + 1)
    // A withdrawal would still reach the original article, not the notice.
    expect(await remote()).toMatchObject({ articleId: original.articleId })
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
    // The original article is what goes, not the correction notice.
    expect(wx.deleted.slice(-1)).toEqual([{ articleId: liveArticleId, index: 0 }])
  })
})
