import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, signIn, type Client, type TestApp } from '../../../test/harness.js'
import { photoWithGps, runWorker, upload } from './fixtures/files.js'

/** A story's cover comes from the media library, and the asset's usage list follows it. */
describe('story covers from the media library', () => {
  let t: TestApp
  let editor: Client
  let other: Client
  let photo: Record<string, any>
  let second: Record<string, any>

  beforeAll(async () => {
    t = await buildTestApp()
    editor = await signIn(t.app, 'district-a.editor')
    other = await signIn(t.app, 'district-b.editor')
    photo = (await upload(editor, { file: await photoWithGps(), fields: { title: '封面一', credit: '摄影 李四' } })).json()
    second = (await upload(editor, { file: await photoWithGps({ seed: 3 }), fields: { title: '封面二' } })).json()
    await runWorker(t.db)
  })
  afterAll(async () => { await t.close() })

  const usageOf = async (client: Client, assetId: string) => (await client.get(`/api/v1/assets/${assetId}/usage`)).json().items
  const save = (client: Client, story: Record<string, any>, change: Record<string, unknown>) =>
    client.put(`/api/v1/stories/${story.id}`, { baseVersion: story.versionNumber, ...change })

  it('records the cover as a use on create, moves it on change and releases it when cleared', async () => {
    const created = await editor.post('/api/v1/stories', { title: '带封面的稿件', coverAssetId: photo.id })
    expect(created.statusCode, created.body).toBe(201)
    const story = created.json()
    expect(story.coverAssetId).toBe(photo.id)
    expect(await usageOf(editor, photo.id)).toMatchObject([{ refType: 'story', refId: story.id, credit: '摄影 李四', isLive: false }])

    const moved = await save(editor, story, { coverAssetId: second.id })
    expect(moved.statusCode, moved.body).toBe(200)
    expect(await usageOf(editor, photo.id)).toEqual([])
    expect(await usageOf(editor, second.id)).toMatchObject([{ refType: 'story', refId: story.id }])
    expect((await editor.get(`/api/v1/assets/${second.id}`)).json().usage).toEqual({ count: 1, live: 0 })
    // In use: deleting warns unless forced.
    expect((await editor.delete(`/api/v1/assets/${second.id}`)).json().code).toBe('ASSET_IN_USE')

    const cleared = await save(editor, moved.json(), { coverAssetId: null })
    expect(cleared.statusCode, cleared.body).toBe(200)
    expect(cleared.json().coverAssetId).toBeNull()
    expect(await usageOf(editor, second.id)).toEqual([])
  })

  it('refuses a cover that is not a picture of this tenant with 422, and writes nothing', async () => {
    const story = (await editor.post('/api/v1/stories', { title: '封面校验', coverAssetId: photo.id })).json()
    const unknown = await save(editor, story, { coverAssetId: '0f8c2c1e-8a1b-4c55-9a8e-1b2c3d4e5f60' })
    expect(unknown.statusCode).toBe(422)
    expect(unknown.json()).toMatchObject({ code: 'ASSET_COVER_INVALID', errors: [{ field: 'coverAssetId' }] })
    // Another tenant's picture that was never offered is just as unknown.
    const foreign = (await upload(other, { file: await photoWithGps({ seed: 9 }), fields: { title: '别家的图' } })).json()
    expect((await save(editor, story, { coverAssetId: foreign.id })).statusCode).toBe(422)
    expect((await editor.post('/api/v1/stories', { title: 'x', coverAssetId: foreign.id })).statusCode).toBe(422)
    const after = (await editor.get(`/api/v1/stories/${story.id}`)).json()
    expect(after.coverAssetId).toBe(photo.id)
    expect(after.versionNumber).toBe(story.versionNumber)
    expect((await usageOf(editor, photo.id)).map((u: any) => u.refId)).toContain(story.id)
  })

  it('refuses a non-picture asset as cover', async () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n')
    const doc = await upload(editor, { file: pdf, filename: 'notice.pdf', contentType: 'application/pdf' })
    expect(doc.statusCode, doc.body).toBe(201)
    const res = await editor.post('/api/v1/stories', { title: '文档封面', coverAssetId: doc.json().id })
    expect(res.statusCode).toBe(422)
    expect(res.json().errors[0].message).toMatch(/picture/)
    expect((await editor.get('/api/v1/stories?q=文档封面')).json().items ?? []).toEqual([])
  })

  it('accepts a picture offered in the shared library, carrying the owner credit', async () => {
    const shared = (await upload(other, { file: await photoWithGps({ seed: 5 }), fields: { title: '共享封面', credit: '乙区融媒 张三' } })).json()
    expect((await other.post(`/api/v1/assets/${shared.id}/shares`, { audience: 'platform' })).statusCode).toBe(201)
    const res = await editor.post('/api/v1/stories', { title: '用共享图', coverAssetId: shared.id })
    expect(res.statusCode, res.body).toBe(201)
    expect(await usageOf(editor, shared.id)).toMatchObject([{ refType: 'story', refId: res.json().id, credit: '乙区融媒 张三', shareId: expect.any(String) }])
    // The owner sees the use by the other unit.
    expect((await usageOf(other, shared.id)).map((u: any) => u.refId)).toEqual([res.json().id])
  })

  it('releases the cover when a draft is deleted', async () => {
    const story = (await editor.post('/api/v1/stories', { title: '将删除', coverAssetId: second.id })).json()
    expect(await usageOf(editor, second.id)).toHaveLength(1)
    expect((await editor.delete(`/api/v1/stories/${story.id}`)).statusCode).toBe(204)
    expect(await usageOf(editor, second.id)).toEqual([])
  })
})

describe('my shares (我的共享)', () => {
  let t: TestApp
  beforeAll(async () => { t = await buildTestApp() })
  afterAll(async () => { await t.close() })

  it('lists the tenant\'s own shares, open and withdrawn, newest first, in cursor pages', async () => {
    const owner = await signIn(t.app, 'district-a.editor')
    const neighbour = await signIn(t.app, 'district-b.editor')
    expect((await owner.get('/api/v1/asset-shares')).json()).toEqual({ items: [], nextCursor: null })
    const a = (await upload(owner, { file: await photoWithGps({ seed: 1 }), fields: { title: '甲' } })).json()
    const b = (await upload(owner, { file: await photoWithGps({ seed: 2 }), fields: { title: '乙' } })).json()
    const first = (await owner.post(`/api/v1/assets/${a.id}/shares`, { audience: 'platform' })).json()
    await owner.post(`/api/v1/assets/${b.id}/shares`, { audience: 'platform' })
    await owner.delete(`/api/v1/asset-shares/${first.id}`)
    const page1 = (await owner.get('/api/v1/asset-shares?limit=1')).json()
    expect(page1.items.map((s: any) => s.title)).toEqual(['乙'])
    const page2 = (await owner.get(`/api/v1/asset-shares?limit=1&cursor=${page1.nextCursor}`)).json()
    expect(page2.items).toMatchObject([{ title: '甲', withdrawnAt: expect.any(String) }])
    expect(page2.nextCursor).toBeNull()
    // Another tenant sees none of them as its own.
    expect((await neighbour.get('/api/v1/asset-shares')).json().items).toEqual([])
  })
})
