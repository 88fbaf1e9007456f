import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, signIn, type Client, type TestApp } from '../../../test/harness.js'
import { activate, builtinRoleIds, invite } from '../../../test/factories/users.js'
import { photoWithGps, runWorker, upload } from './fixtures/files.js'

/** The shared library (资源共享中心) across tenants, and the public archive of collections. */
describe('sharing and the public archive', () => {
  let t: TestApp
  let centerA: Client
  let centerB: Client
  let unitA: Client
  let platform: Client
  let asset: Record<string, any>

  beforeAll(async () => {
    t = await buildTestApp()
    centerA = await signIn(t.app, 'district-a.editor')
    centerB = await signIn(t.app, 'district-b.editor')
    // Editors of a unit under district A (its child) and of the platform (its parent).
    const admin = await signIn(t.app, 'admin')
    const roles = await builtinRoleIds(t.db)
    const tenants = new Map<string, string>((await admin.get('/api/v1/tenants')).json().items.map((x: any) => [x.slug, x.id]))
    const editorAt = async (username: string, slug: string) => {
      const invited = await invite(admin, { username, memberships: [{ tenantId: tenants.get(slug)!, roleId: roles.editor }] })
      return (await activate(t.app, { username, temporaryPassword: invited.temporaryPassword })).client
    }
    unitA = await editorAt('unit-a.editor', 'district-a-gov')
    platform = await editorAt('platform.editor', 'demo')
    const res = await upload(centerA, { file: await photoWithGps(), fields: { title: '春耕', credit: '区融媒体中心 王五', caption: '田间春耕' } })
    asset = res.json()
    await runWorker(t.db)
  })
  afterAll(async () => { await t.close() })

  const sharedTitles = async (client: Client) => (await client.get('/api/v1/shared-assets')).json().items.map((s: any) => s.title)

  it('offers an asset to the children only: they see it, siblings do not', async () => {
    const res = await centerA.post(`/api/v1/assets/${asset.id}/shares`, { audience: 'children' })
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json()).toMatchObject({ audience: 'children', title: '春耕', credit: '区融媒体中心 王五', ownerName: expect.any(String) })
    expect(res.json().renditions.length).toBeGreaterThan(0)
    expect(await sharedTitles(unitA)).toEqual(['春耕'])
    expect(await sharedTitles(centerB)).toEqual([])
    expect(await sharedTitles(centerA)).toEqual([])
    expect((await centerA.post(`/api/v1/assets/${asset.id}/shares`, { audience: 'children' })).statusCode).toBe(409)
  })

  it('offers to the parent and to the whole platform', async () => {
    expect((await centerA.post(`/api/v1/assets/${asset.id}/shares`, { audience: 'parent' })).statusCode).toBe(201)
    expect(await sharedTitles(platform)).toEqual(['春耕'])
    expect((await centerA.post(`/api/v1/assets/${asset.id}/shares`, { audience: 'platform' })).statusCode).toBe(201)
    expect(await sharedTitles(centerB)).toEqual(['春耕'])
    // Only the owner offers its asset; the platform has no parent to offer to.
    expect((await platform.post(`/api/v1/assets/${asset.id}/shares`, { audience: 'platform' })).statusCode).toBe(404)
    expect((await platform.post(`/api/v1/assets/${asset.id}/shares`, { audience: 'parent' })).json().errors[0].field).toBe('audience')
  })

  it('lets another tenant use a shared asset with the credit carried, and shows the owner where', async () => {
    const share = (await centerB.get('/api/v1/shared-assets')).json().items[0]
    const use = await centerB.post(`/api/v1/shared-assets/${share.id}/use`, { refType: 'story', refId: 'b-story-7', isLive: true })
    expect(use.statusCode, use.body).toBe(201)
    expect(use.json()).toMatchObject({ assetId: asset.id, credit: '区融媒体中心 王五', shareId: share.id })
    const ownerView = (await centerA.get(`/api/v1/assets/${asset.id}/usage`)).json().items
    expect(ownerView).toMatchObject([{ refId: 'b-story-7', tenantId: expect.any(String), isLive: true }])
    // The user sees its own use, never the owner's asset row.
    expect((await centerB.get(`/api/v1/assets/${asset.id}/usage`)).json().items).toHaveLength(1)
    expect((await centerB.get(`/api/v1/assets/${asset.id}`)).statusCode).toBe(404)
    // Its public renditions work for the user too.
    expect((await t.app.inject({ method: 'GET', url: share.renditions[0].url })).statusCode).toBe(200)
  })

  it('withdraws a share: no new uses, existing ones keep working', async () => {
    const shares = (await centerA.get(`/api/v1/assets/${asset.id}/shares`)).json().items
    const platformShare = shares.find((s: any) => s.audience === 'platform')
    const res = await centerA.delete(`/api/v1/asset-shares/${platformShare.id}`)
    expect(res.statusCode).toBe(200)
    expect(res.json().withdrawnAt).not.toBeNull()
    expect(await sharedTitles(centerB)).toEqual([])
    const again = await centerB.post(`/api/v1/shared-assets/${platformShare.id}/use`, { refType: 'story', refId: 'b-story-8' })
    expect(again.statusCode).toBe(404)
    expect(again.json().code).toBe('ASSET_SHARE_NOT_FOUND')
    expect((await centerA.get(`/api/v1/assets/${asset.id}/usage`)).json().items.map((u: any) => u.refId)).toEqual(['b-story-7'])
    expect((await centerB.delete(`/api/v1/asset-shares/${platformShare.id}`)).statusCode).toBe(404)
  })

  it('publishes a collection to the public archive: HTML, no script, strict CSP, search', async () => {
    const other = (await upload(centerA, { file: await photoWithGps({ seed: 3 }), fields: { title: '内部资料' } })).json()
    const collection = (await centerA.post('/api/v1/asset-collections', { title: '乡村振兴影像', description: '春天的田野' })).json()
    expect((await centerA.post(`/api/v1/asset-collections/${collection.id}/items`, { assetIds: [asset.id] })).json().items).toBe(1)
    expect((await centerB.post(`/api/v1/asset-collections/${collection.id}/items`, { assetIds: [asset.id] })).statusCode).toBe(404)
    expect((await t.app.inject({ method: 'GET', url: '/archive/district-a' })).statusCode).toBe(404)
    const published = await centerA.patch(`/api/v1/asset-collections/${collection.id}`, { isPublic: true })
    expect(published.json()).toMatchObject({ isPublic: true, archiveUrl: `/archive/district-a?collection=${collection.id}` })
    await runWorker(t.db)

    const page = await t.app.inject({ method: 'GET', url: '/archive/district-a' })
    expect(page.statusCode).toBe(200)
    expect(page.headers['content-type']).toMatch(/^text\/html/)
    expect(page.headers['content-security-policy']).toMatch(/default-src 'none'/)
    expect(page.headers['content-security-policy']).not.toMatch(/script-src/)
    expect(page.body).not.toMatch(/<script/i)
    expect(page.body).toContain('春耕')
    expect(page.body).not.toContain('内部资料')
    expect(page.body).toContain('<form method="get"')
    expect(page.body).not.toContain('/original')
    const found = await t.app.inject({ method: 'GET', url: `/archive/district-a?q=${encodeURIComponent('春耕 田间')}` })
    expect(found.body).toContain('春耕')
    const none = await t.app.inject({ method: 'GET', url: `/archive/district-a?q=${encodeURIComponent('火箭')}` })
    expect(none.body).toContain('没有找到资源')

    const detail = await t.app.inject({ method: 'GET', url: `/archive/district-a/${asset.id}` })
    expect(detail.statusCode).toBe(200)
    const images = [...detail.body.matchAll(/src="([^"]+)"/g)].map((m) => m[1])
    expect(images.length).toBeGreaterThan(0)
    for (const src of images) {
      expect(src).toMatch(/^\/media\//)
      expect((await t.app.inject({ method: 'GET', url: src })).statusCode).toBe(200)
    }
    expect((await t.app.inject({ method: 'GET', url: `/archive/district-a/${other.id}` })).statusCode).toBe(404)
    expect((await t.app.inject({ method: 'GET', url: `/archive/district-b/${asset.id}` })).statusCode).toBe(404)

    const auditor = await signIn(t.app, 'auditor')
    const entries = (await auditor.get('/api/v1/audit?action=asset.*')).json().items.map((e: any) => e.action)
    expect(entries).toEqual(expect.arrayContaining(['asset.upload', 'asset.share', 'asset.share.withdraw', 'asset.collection.publish']))
  })
})
