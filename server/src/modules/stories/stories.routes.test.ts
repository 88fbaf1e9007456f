import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inScope, systemScope } from '../../db/scope.js'
import { findExecutableContext } from '../../kernel/text/fixtures/inspect-html.js'
import { html5secVectors, mutationVectors, owaspVectors } from '../../kernel/text/fixtures/xss-vectors.js'
import { buildTestApp, signIn, type Client, type TestApp } from '../../../test/harness.js'
import { pngPicture, upload } from '../assets/fixtures/files.js'

describe('stories API: write, read, list', () => {
  let t: TestApp
  let reporter: Client
  let editor: Client
  let otherReporter: Client

  beforeAll(async () => {
    t = await buildTestApp()
    reporter = await signIn(t.app, 'district-a.reporter')
    editor = await signIn(t.app, 'district-a.editor')
    otherReporter = await signIn(t.app, 'district-b.reporter')
  }, 60_000)
  afterAll(async () => { await t.close() }, 60_000)

  it('creates a draft in the caller’s tenant (the contract) with version 1, counts and audit', async () => {
    const res = await reporter.post('/api/v1/stories', { title: '市政府召开常务会议', body: '<p>会议研究部署近期工作。</p>', kind: 'article' })
    expect(res.statusCode).toBe(201)
    const story = res.json()
    expect(story).toMatchObject({
      state: 'draft', kind: 'article', title: '市政府召开常务会议', body: '<p>会议研究部署近期工作。</p>', versionNumber: 1,
      stage: null, decisions: [], review: null, lock: null, canEdit: true, canDelete: true, sanitizerRemoved: [],
      wordCount: 10, charCount: 11, authorName: '东湖记者',
    })
    expect(story.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(story.versionHash).toMatch(/^[0-9a-f]{64}$/)
    expect(story.versions).toEqual([expect.objectContaining({ number: 1, reason: 'save', hash: story.versionHash, createdByName: '东湖记者' })])

    const me = (await reporter.get('/api/v1/me')).json()
    expect(story.tenantId).toBe(me.tenant.id)
    const [audit, events] = await inScope(t.db, systemScope, async (trx) => [
      await trx.selectFrom('audit_log').select(['action', 'target_id']).where('target_id', '=', story.id).execute(),
      await trx.selectFrom('outbox_events').select(['type', 'payload']).where('type', 'like', 'story.%').execute(),
    ] as const)
    expect(audit.map((a) => a.action)).toEqual(['story.create'])
    expect(events.filter((e) => (e.payload as { storyId: string }).storyId === story.id).map((e) => e.type)).toEqual(['story.created'])
  })

  it('reads a story back with every field', async () => {
    // A cover must be a picture of the tenant's media library (assets.cover.test.ts covers the refusals).
    const cover = (await upload(reporter, { file: await pngPicture(), filename: 'cover.png', contentType: 'image/png' })).json().id
    const created = (await reporter.post('/api/v1/stories', {
      title: '  全区秋季  招聘会举行 ', subtitle: '副题', summary: '摘要第一段\n第二段', body: '<h2>小标题</h2><p>正文</p>', kind: 'gallery',
      byline: '记者 张三', source: '东湖区融媒体中心', section: '时政', tags: ['就业', '招聘', '就业'], isImportant: true,
      coverAssetId: cover, attachments: [{ name: '报名表.xlsx', url: 'https://example.gov.cn/f.xlsx' }],
    })).json()
    const res = await editor.get(`/api/v1/stories/${created.id}`)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({
      title: '全区秋季 招聘会举行', subtitle: '副题', summary: '摘要第一段\n第二段', body: '<h2>小标题</h2><p>正文</p>', kind: 'gallery',
      byline: '记者 张三', source: '东湖区融媒体中心', section: '时政', tags: ['就业', '招聘'], isImportant: true,
      coverAssetId: cover, attachments: [{ name: '报名表.xlsx', url: 'https://example.gov.cn/f.xlsx' }],
      canEdit: true, canDelete: false, submittedAt: null, signedOffAt: null,
    })
  })

  it('sanitises the body on every write and says what it removed', async () => {
    const hostile = '<p>正文<script>alert(1)</script><img src="https://example.com/a.png" onerror="alert(2)"></p><a href="javascript:alert(3)">链接</a>'
    const created = await reporter.post('/api/v1/stories', { title: '清洗测试', body: hostile })
    expect(created.statusCode).toBe(201)
    const story = created.json()
    expect(story.body).toBe('<p>正文<img src="https://example.com/a.png" /></p><a>链接</a>')
    expect(story.sanitizerRemoved).toEqual(expect.arrayContaining([
      { tag: 'script', reason: 'tag_not_allowed' },
      { tag: 'img', attribute: 'onerror', reason: 'event_handler' },
      { tag: 'a', attribute: 'href', reason: 'unsafe_url' },
    ]))

    const saved = await reporter.put(`/api/v1/stories/${story.id}`, { baseVersion: 1, body: '<p onclick="x()">改</p><svg onload="alert(1)"></svg>' })
    expect(saved.statusCode).toBe(200)
    expect(saved.json().body).toBe('<p>改</p>')
    expect(saved.json().sanitizerRemoved).toEqual(expect.arrayContaining([{ tag: 'p', attribute: 'onclick', reason: 'event_handler' }]))
    // A read reports nothing removed: the stored body is already clean.
    expect((await reporter.get(`/api/v1/stories/${story.id}`)).json().sanitizerRemoved).toEqual([])
  })

  it('stores nothing executable from the published XSS collections (html5sec, OWASP, mutation XSS)', { timeout: 90_000 }, async () => {
    const vectors = [...html5secVectors, ...owaspVectors, ...mutationVectors]
    const story = (await reporter.post('/api/v1/stories', { title: 'XSS' })).json()
    const failures: string[] = []
    let version = 1
    for (const vector of vectors) {
      const res = await reporter.put(`/api/v1/stories/${story.id}`, { baseVersion: version, body: vector })
      if (res.statusCode !== 200) { failures.push(`${vector} → ${res.statusCode}`); continue }
      version = res.json().versionNumber
      const problems = findExecutableContext(res.json().body, 'story')
      if (problems.length > 0) failures.push(`${vector} → ${res.json().body}: ${problems.join(', ')}`)
    }
    expect(failures).toEqual([])
    expect(version).toBeGreaterThan(vectors.length / 2)
  })

  it('counts Chinese the newsroom way in every reply', async () => {
    const body = '<p>市政府召开常务会议。</p><p>2024年GDP增长5.2%</p>'
    const created = (await reporter.post('/api/v1/stories', { title: '字数', body })).json()
    // 12 Han characters + GDP + 2024 + 5.2 = 15; characters without spaces 24.
    expect(created).toMatchObject({ wordCount: 15, charCount: 24 })
    const list = (await reporter.get('/api/v1/stories?q=字数')).json()
    expect(list.items[0]).toMatchObject({ id: created.id, wordCount: 15, charCount: 24 })
    const version = (await reporter.get(`/api/v1/stories/${created.id}/versions/1`)).json()
    expect(version).toMatchObject({ wordCount: 15, charCount: 24 })
  })

  it('refuses invalid input naming the field', async () => {
    const cases: Array<[unknown, string]> = [
      [{ body: '<p>x</p>' }, 'title'],
      [{ title: '   ' }, 'title'],
      [{ title: 'x', kind: 'poem' }, 'kind'],
      [{ title: 'x', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'tags'],
      [{ title: 'x', attachments: [{ name: 'a', url: 'javascript:alert(1)' }] }, 'attachments.0.url'],
      [{ title: 'x', coverAssetId: 'not-a-uuid' }, 'coverAssetId'],
      [{ title: 'x', color: 'red' }, 'color'],
    ]
    for (const [payload, field] of cases) {
      const res = await reporter.post('/api/v1/stories', payload)
      expect(res.statusCode, JSON.stringify(payload)).toBe(400)
      expect(res.json().errors.map((e: { field: string }) => e.field), JSON.stringify(payload)).toContain(field)
    }
  })

  it('lists the tenant’s stories newest first, with filters and cursor pages', async () => {
    const mine = []
    for (const title of ['列表一', '列表二', '列表三']) mine.push((await reporter.post('/api/v1/stories', { title, section: '列表栏目' })).json())
    const editors = (await editor.post('/api/v1/stories', { title: '列表四', section: '列表栏目' })).json()

    const first = (await reporter.get('/api/v1/stories?section=列表栏目&limit=3')).json()
    expect(first.items.map((s: { title: string }) => s.title)).toEqual(['列表四', '列表三', '列表二'])
    expect(first.nextCursor).toEqual(expect.any(String))
    const second = (await reporter.get(`/api/v1/stories?section=列表栏目&limit=3&cursor=${first.nextCursor}`)).json()
    expect(second.items.map((s: { title: string }) => s.title)).toEqual(['列表一'])
    expect(second.nextCursor).toBeNull()

    const onlyMine = (await reporter.get('/api/v1/stories?section=列表栏目&mine=true')).json()
    expect(onlyMine.items.map((s: { id: string }) => s.id)).toEqual(mine.map((s) => s.id).reverse())
    const byAuthor = (await reporter.get(`/api/v1/stories?section=列表栏目&authorId=${editors.authorId}`)).json()
    expect(byAuthor.items.map((s: { id: string }) => s.id)).toEqual([editors.id])
    expect((await reporter.get('/api/v1/stories?q=列表二')).json().items).toHaveLength(1)
    expect((await reporter.get('/api/v1/stories?section=列表栏目&state=in_review')).json().items).toEqual([])
    expect((await reporter.get('/api/v1/stories?cursor=garbage')).statusCode).toBe(400)
    // Another center sees none of them.
    expect((await otherReporter.get('/api/v1/stories?section=列表栏目')).json().items).toEqual([])
  })

  it('answers 404 for another tenant’s story and never shows its data', async () => {
    const story = (await reporter.post('/api/v1/stories', { title: '东湖区内部稿件', body: '<p>机密</p>' })).json()
    for (const res of [
      await otherReporter.get(`/api/v1/stories/${story.id}`),
      await otherReporter.put(`/api/v1/stories/${story.id}`, { baseVersion: 1, title: '改' }),
      await otherReporter.post(`/api/v1/stories/${story.id}/lock`),
      await otherReporter.get(`/api/v1/stories/${story.id}/versions/1`),
      await otherReporter.get(`/api/v1/stories/${story.id}/diff?from=1&to=1`),
      await otherReporter.delete(`/api/v1/stories/${story.id}`),
    ]) {
      expect(res.statusCode).toBe(404)
      expect(res.body).not.toContain('机密')
      expect(res.body).not.toContain('东湖区内部稿件')
    }
    expect((await otherReporter.get(`/api/v1/stories/${story.id}`)).json().code).toBe('STORY_NOT_FOUND')
  })

  it('refuses a grid reporter (no story.create) with 403, and who may not edit someone else’s story', async () => {
    const grid = await signIn(t.app, 'district-a.grid')
    const res = await grid.post('/api/v1/stories', { title: '网格员来稿', body: '<p>x</p>', kind: 'article' })
    expect(res.statusCode).toBe(403)
    expect(res.json()).toMatchObject({ code: 'FORBIDDEN', permission: 'story.create' })

    const story = (await reporter.post('/api/v1/stories', { title: '记者稿件' })).json()
    const proofreader = await signIn(t.app, 'district-a.proofreader')
    const refused = await proofreader.put(`/api/v1/stories/${story.id}`, { baseVersion: 1, title: '校对改标题' })
    expect(refused.statusCode).toBe(403)
    expect(refused.json()).toMatchObject({ code: 'FORBIDDEN', permission: 'story.edit' })
    expect((await proofreader.get(`/api/v1/stories/${story.id}`)).json()).toMatchObject({ title: '记者稿件', canEdit: false })
    // story.edit lets an editor change the reporter's draft.
    const edited = await editor.put(`/api/v1/stories/${story.id}`, { baseVersion: 1, title: '编辑改标题' })
    expect(edited.statusCode).toBe(200)
    expect(edited.json()).toMatchObject({ title: '编辑改标题', versionNumber: 2 })
  })

  it('deletes a never-submitted draft for its author only, and it is gone', async () => {
    const story = (await reporter.post('/api/v1/stories', { title: '将删除' })).json()
    const byEditor = await editor.delete(`/api/v1/stories/${story.id}`)
    expect(byEditor.statusCode).toBe(403)
    expect((await reporter.delete(`/api/v1/stories/${story.id}`)).statusCode).toBe(204)
    expect((await reporter.get(`/api/v1/stories/${story.id}`)).statusCode).toBe(404)
    expect((await reporter.get('/api/v1/stories?q=将删除')).json().items).toEqual([])
    const actions = await inScope(t.db, systemScope, (trx) => trx.selectFrom('audit_log').select('action').where('target_id', '=', story.id).execute())
    expect(actions.map((a) => a.action)).toEqual(['story.create', 'story.delete'])
  })

  it('documents the story routes in OpenAPI, the import as multipart', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/docs/json' })).json()
    expect(Object.keys(doc.paths['/api/v1/stories/import'].post.requestBody.content)).toEqual(['multipart/form-data'])
    for (const path of ['/api/v1/stories', '/api/v1/stories/{id}', '/api/v1/stories/{id}/diff', '/api/v1/stories/{id}/lock/takeover']) {
      expect(doc.paths).toHaveProperty([path])
    }
  })
})
