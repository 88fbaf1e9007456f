import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inScope, systemScope } from '../../db/scope.js'
import { buildTestApp, signIn, type TestApp } from '../../../test/harness.js'
import { createStory, expectOk } from '../review/review.testing.js'
import { weiboLength } from './channels/weibo.js'
import { accountIds, drain, newsroom, signedOffStory, type Newsroom } from './publishing.testing.js'

/** Publications and jobs in the whole database: a preview must leave both untouched. */
async function counts(t: TestApp) {
  return inScope(t.db, systemScope, async (trx) => ({
    publications: Number((await trx.selectFrom('publications').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
    jobs: Number((await trx.selectFrom('publication_jobs').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
  }))
}

describe('publishing: the check before sending (preview)', () => {
  let t: TestApp
  let room: Newsroom
  let ids: Record<string, string>
  let weiboId: string
  let wechatId: string

  beforeAll(async () => {
    t = await buildTestApp()
    room = await newsroom(t)
    ids = await accountIds(room.operator)
    // No platform is called by a preview, so these accounts need no vendor server behind them.
    const weibo = await room.operator.post('/api/v1/accounts', { channel: 'weibo', name: '东湖发布微博', settings: { safeDomain: 'localhost' }, credentials: { accessToken: 'token-not-used' } })
    expectOk(weibo, 201)
    weiboId = weibo.json().id
    const wechat = await room.operator.post('/api/v1/accounts', { channel: 'wechat_oa', name: '东湖发布公众号', credentials: { appId: 'wx-app', appSecret: 'wx-secret' } })
    expectOk(wechat, 201)
    wechatId = wechat.json().id
  }, 120_000)
  afterAll(async () => { await t.close() }, 60_000)

  it('previews a valid story per account: no problems, the title and text as the channel gets them; nothing is written', async () => {
    const id = await signedOffStory(room)
    const before = await counts(t)
    const res = await room.operator.post(`/api/v1/stories/${id}/publications/preview`, { accounts: [ids.website, ids.rss], overrides: { [ids.rss]: { title: '常务会议部署重点工作' } } })
    expectOk(res)
    const body = res.json()
    expect(body.canPublish).toBe(true)
    expect(body.items).toEqual([
      {
        accountId: ids.website, accountName: expect.any(String), channel: 'website', problems: [],
        preview: expect.objectContaining({ title: '区政府召开常务会议研究部署重点工作', titleLength: 17, titleLimit: 200, summary: '区政府常务会议部署下一阶段工作。', text: null, textLimit: null, coverUrl: null, link: expect.stringContaining(`/s/district-a/stories/${id}`) }),
      },
      expect.objectContaining({ accountId: ids.rss, channel: 'rss', problems: [], preview: expect.objectContaining({ title: '常务会议部署重点工作', titleLength: 10 }) }),
    ])
    expect(body.items[0].preview.textLength).toBe([...'会议听取了全区经济运行情况汇报，研究部署下一阶段重点工作。'].length)
    expect(await counts(t)).toEqual(before)
    expect((await room.operator.get(`/api/v1/stories/${id}/publications`)).json().items).toEqual([])
  })

  it('counts Weibo text as Weibo does: a summary that does not fit is a warning, a title that does not fit an error', async () => {
    const id = await signedOffStory(room, { summary: '会议听取了全区经济运行情况汇报，研究部署下一阶段重点工作。'.repeat(5) })
    const fits = await room.operator.post(`/api/v1/stories/${id}/publications/preview`, { accounts: [weiboId] })
    expectOk(fits)
    const [item] = fits.json().items
    expect(fits.json().canPublish).toBe(true)
    expect(item.problems.map((p: { code: string; severity: string }) => [p.code, p.severity])).toEqual([['WEIBO_SUMMARY_CUT', 'warning'], ['WEIBO_NO_PICTURE', 'warning']])
    expect(item.preview).toMatchObject({ textLimit: 140, text: expect.stringMatching(/^【区政府召开常务会议研究部署重点工作】会议.+… http:\/\/localhost/) })
    expect(item.preview.textLength).toBe(weiboLength(item.preview.text))
    expect(item.preview.textLength).toBeLessThanOrEqual(140)

    const long = '东湖区'.repeat(45)
    const over = await room.operator.post(`/api/v1/stories/${id}/publications/preview`, { accounts: [weiboId, ids.website], overrides: { weibo: { title: long } } })
    expectOk(over)
    expect(over.json().canPublish).toBe(false)
    const [weibo, website] = over.json().items
    expect(weibo.problems).toContainEqual({ severity: 'error', code: 'WEIBO_TEXT_TOO_LONG', field: 'title', message: expect.stringMatching(/超过微博的 140 字.*更短的标题/) })
    expect(weibo.preview.textLength).toBeGreaterThan(140)
    // The override was for Weibo only: the website keeps the story's own title.
    expect(website).toMatchObject({ problems: [], preview: { title: '区政府召开常务会议研究部署重点工作' } })
  })

  it('reports what the WeChat adapter says about a story without a cover', async () => {
    const id = await signedOffStory(room)
    const res = await room.operator.post(`/api/v1/stories/${id}/publications/preview`, { accounts: [wechatId] })
    expectOk(res)
    const [item] = res.json().items
    expect(res.json().canPublish).toBe(false)
    expect(item).toMatchObject({ accountId: wechatId, accountName: '东湖发布公众号', channel: 'wechat_oa', preview: { titleLimit: 64, coverUrl: null } })
    expect(item.problems).toContainEqual(expect.objectContaining({ severity: 'error', field: 'cover', code: expect.stringMatching(/^[A-Z0-9_]+$/), message: expect.stringContaining('封面') }))
  })

  it('refuses what the real publish refuses: no sign-off (422), unknown accounts, a withdrawn version (409), and people without the right', async () => {
    const draft = await createStory(room.crew.reporter)
    const unsigned = await room.operator.post(`/api/v1/stories/${draft}/publications/preview`, { accounts: [ids.website] })
    expect(unsigned.statusCode).toBe(422)
    expect(unsigned.headers['content-type']).toContain('application/problem+json')
    expect(unsigned.json()).toMatchObject({ code: 'PUBLICATION_NOT_SIGNED_OFF', detail: '稿件尚未终审签发，不能发布' })
    expect((await room.operator.post(`/api/v1/stories/${draft}/publications/preview`, { accounts: [] })).statusCode).toBe(400)
    expect((await room.operator.post(`/api/v1/stories/${draft}/publications/preview`, { accounts: ['00000000-0000-4000-8000-000000000000'] })).statusCode).toBe(404)
    expect((await room.crew.reporter.post(`/api/v1/stories/${draft}/publications/preview`, { accounts: [ids.website] })).statusCode).toBe(403)
    // Another center's account looks absent.
    const other = await accountIds(await signIn(t.app, 'district-b.operator'))
    expect((await room.operator.post(`/api/v1/stories/${draft}/publications/preview`, { accounts: [other.website] })).json().code).toBe('ACCOUNT_NOT_FOUND')

    const id = await signedOffStory(room, { title: '东湖区召开安全生产工作会议' })
    expectOk(await room.operator.post(`/api/v1/stories/${id}/publications`, { accounts: [ids.website] }), 202)
    await drain(t)
    expectOk(await room.operator.post(`/api/v1/stories/${id}/withdraw`, { reason: '信息有误，撤回核实' }), 202)
    await drain(t)
    const withdrawn = await room.operator.post(`/api/v1/stories/${id}/publications/preview`, { accounts: [ids.website] })
    expect(withdrawn.statusCode).toBe(409)
    expect(withdrawn.json().code).toBe('PUBLICATION_WITHDRAWN')
  })

  it('makes the real publish refuse an account with an error, listing the problems per account, and queue nothing', async () => {
    const id = await signedOffStory(room, { title: '东湖区举办就业招聘会' })
    const before = await counts(t)
    const res = await room.operator.post(`/api/v1/stories/${id}/publications`, { accounts: [ids.website, weiboId], overrides: { [weiboId]: { title: '东湖区'.repeat(45) } } })
    expect(res.statusCode).toBe(422)
    const problem = res.json()
    expect(problem.code).toBe('PUBLICATION_INVALID')
    // Only errors refuse; the warning (no picture) is listed with its account but does not appear as an error.
    expect(problem.errors).toEqual([{ field: '东湖发布微博.title', message: expect.stringContaining('超过微博的 140 字') }])
    expect(problem.accounts).toEqual([expect.objectContaining({
      accountId: weiboId, accountName: '东湖发布微博', channel: 'weibo',
      problems: expect.arrayContaining([expect.objectContaining({ code: 'WEIBO_TEXT_TOO_LONG', severity: 'error' }), expect.objectContaining({ code: 'WEIBO_NO_PICTURE', severity: 'warning' })]),
    })])
    expect(await counts(t)).toEqual(before)

    // Warnings alone do not stop it: the same story with its own title goes out to both.
    const ok = await room.operator.post(`/api/v1/stories/${id}/publications`, { accounts: [ids.website, weiboId] })
    expectOk(ok, 202)
    expect(ok.json().items.map((p: { accountName: string; status: string }) => [p.accountName, p.status])).toEqual([[expect.any(String), 'queued'], ['东湖发布微博', 'queued']])
  })
})

describe('publishing: the board filters and account names', () => {
  let t: TestApp
  let room: Newsroom
  let ids: Record<string, string>
  let first: string
  let second: string

  beforeAll(async () => {
    t = await buildTestApp()
    room = await newsroom(t)
    ids = await accountIds(room.operator)
    first = await signedOffStory(room, { title: '东湖区召开安全生产工作会议' })
    second = await signedOffStory(room, { title: '东湖区举办就业招聘会' })
    expectOk(await room.operator.post(`/api/v1/stories/${first}/publications`, { accounts: [ids.website, ids.rss] }), 202)
    expectOk(await room.operator.post(`/api/v1/stories/${second}/publications`, { accounts: [ids.website] }), 202)
    await drain(t)
    // Fixed creation times around a Shanghai midnight: 23:30 on 5 March and 00:30 on 6 March (UTC+8).
    await inScope(t.db, systemScope, async (trx) => {
      await trx.updateTable('publications').set({ created_at: new Date('2026-03-05T15:30:00Z') }).where('story_id', '=', first).execute()
      await trx.updateTable('publications').set({ created_at: new Date('2026-03-05T16:30:00Z') }).where('story_id', '=', second).execute()
    })
  }, 180_000)
  afterAll(async () => { await t.close() }, 60_000)

  type Item = { storyId: string; channel: string; accountId: string; accountName: string; status: string }
  const board = async (query: string) => {
    const res = await room.crew.chief.get(`/api/v1/publications?${query}`)
    expectOk(res)
    return res.json() as { items: Item[]; nextCursor: string | null }
  }
  const keys = (items: Item[]) => items.map((p) => `${p.storyId === first ? 'first' : 'second'}:${p.channel}`).sort()

  it('gives every publication view its account name, on the story list and the board', async () => {
    const names = Object.fromEntries(((await room.operator.get('/api/v1/accounts')).json().items as Array<{ id: string; name: string }>).map((a) => [a.id, a.name]))
    const story = (await room.operator.get(`/api/v1/stories/${first}/publications`)).json().items as Item[]
    expect(story).toHaveLength(2)
    for (const p of story) expect(p.accountName).toBe(names[p.accountId])
    const all = await board('')
    expect(all.items).toHaveLength(3)
    for (const p of all.items) expect(p.accountName).toBe(names[p.accountId])
  })

  it('filters by channel, status and account', async () => {
    expect(keys((await board('channel=rss')).items)).toEqual(['first:rss'])
    expect(keys((await board('channel=weibo')).items)).toEqual([])
    expect(keys((await board(`accountId=${ids.website}`)).items)).toEqual(['first:website', 'second:website'])
    expect(keys((await board('status=live')).items)).toEqual(['first:rss', 'first:website', 'second:website'])
    expect(keys((await board('status=failed')).items)).toEqual([])
    // Another center's account is not a way into its publications.
    const other = await accountIds(await signIn(t.app, 'district-b.operator'))
    expect((await board(`accountId=${other.website}`)).items).toEqual([])
  })

  it('filters by creation time, a date alone being a whole Asia/Shanghai day', async () => {
    expect(keys((await board('from=2026-03-05&to=2026-03-05')).items)).toEqual(['first:rss', 'first:website'])
    expect(keys((await board('from=2026-03-06')).items)).toEqual(['second:website'])
    expect(keys((await board('to=2026-03-05')).items)).toEqual(['first:rss', 'first:website'])
    // A time without an offset is Shanghai time; with one it is taken as given.
    expect(keys((await board('from=2026-03-06T00:00')).items)).toEqual(['second:website'])
    expect(keys((await board(`from=${encodeURIComponent('2026-03-05T16:00:00Z')}&to=${encodeURIComponent('2026-03-05T17:00:00Z')}`)).items)).toEqual(['second:website'])
  })

  it('combines the filters and pages through them', async () => {
    expect(keys((await board(`channel=website&status=live&from=2026-03-05&to=2026-03-06&accountId=${ids.website}`)).items)).toEqual(['first:website', 'second:website'])
    expect(keys((await board('channel=website&from=2026-03-06')).items)).toEqual(['second:website'])
    expect(keys((await board('channel=rss&to=2026-03-04')).items)).toEqual([])
    const page1 = await board('channel=website&limit=1')
    expect(page1.items).toHaveLength(1)
    expect(page1.nextCursor).toEqual(expect.any(String))
    const page2 = await board(`channel=website&limit=1&cursor=${encodeURIComponent(page1.nextCursor!)}`)
    expect(page2.items).toHaveLength(1)
    expect(page2.nextCursor).toBeNull()
    expect(keys([...page1.items, ...page2.items])).toEqual(['first:website', 'second:website'])
  })

  it('answers invalid filters with 400 problem+json naming the field', async () => {
    for (const query of ['channel=myspace', 'status=done', 'accountId=website', 'from=yesterday', 'from=2026-13-45', 'to=2026-03-05T25:99', 'from=2026-03-06&to=2026-03-05', 'limit=0']) {
      const res = await room.crew.chief.get(`/api/v1/publications?${query}`)
      expect(res.statusCode, query).toBe(400)
      expect(res.headers['content-type']).toContain('application/problem+json')
      const field = query.split('=')[0]
      const named = query.startsWith('from=2026-03-06&') ? 'to' : field
      expect(res.json().errors.map((e: { field: string }) => e.field).join(' '), query).toContain(named)
    }
  })
})
