import fs from 'node:fs'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, signIn, type Client, type TestApp } from '../../../test/harness.js'
import { containsGpsTag, readExif } from './exif.js'
import { photoWithGps, pngPicture, runWorker, upload } from './fixtures/files.js'

/** Upload, derivatives, privacy of renditions, originals, dedupe, edit, search, similar, delete. */
describe('media library', () => {
  let t: TestApp
  let editor: Client
  let reporter: Client
  let otherCenter: Client
  let photo: Buffer
  let asset: Record<string, any>

  beforeAll(async () => {
    t = await buildTestApp()
    editor = await signIn(t.app, 'district-a.editor')
    reporter = await signIn(t.app, 'district-a.reporter')
    otherCenter = await signIn(t.app, 'district-b.editor')
    photo = await photoWithGps()
  })
  afterAll(async () => { await t.close() })

  it('takes a multipart upload and answers 201 with the contract shape', async () => {
    const res = await upload(reporter, { file: photo, fields: { title: '长江大桥晨景', caption: '清晨的大桥与江面', credit: '张三', tags: '桥梁, 城市、早晨' } })
    expect(res.statusCode, res.body).toBe(201)
    asset = res.json()
    expect(asset).toMatchObject({ kind: 'image', mimeType: 'image/jpeg', title: '长江大桥晨景', credit: '张三', width: 1200, height: 800, tags: ['桥梁', '城市', '早晨'] })
    expect(asset.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(asset.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(Array.isArray(asset.renditions)).toBe(true)
    expect(asset.derivatives.status).toBe('pending')
    expect(asset.metadata).toMatchObject({ camera: 'TestCam X100', hasGps: true })
    expect(asset.shotAt).toBe('2024-05-01T02:20:30.000Z')
  })

  it('makes web sizes, thumbnails and channel crops in the background', async () => {
    await runWorker(t.db)
    const res = await reporter.get(`/api/v1/assets/${asset.id}`)
    expect(res.statusCode).toBe(200)
    const view = res.json()
    expect(view.derivatives).toEqual({ status: 'ready', reason: null })
    const names = view.renditions.map((r: any) => `${r.name}.${r.format}`).sort()
    for (const n of ['thumb.jpeg', 'thumb.webp', 'thumb.avif', 'web.jpeg', 'web.webp', 'web.avif', 'wechat-cover.jpeg', 'square.jpeg', 'wide.jpeg', 'standard.jpeg']) expect(names).toContain(n)
    const cover = view.renditions.find((r: any) => r.name === 'wechat-cover' && r.format === 'jpeg')
    expect(cover.width / cover.height).toBeCloseTo(2.35, 1)
    expect(view.renditions.find((r: any) => r.name === 'thumb' && r.format === 'jpeg').width).toBe(320)
    for (const r of view.renditions) expect(r).toMatchObject({ isPublic: true, url: expect.stringMatching(/^\/media\//) })
    asset = view
  })

  it('serves every rendition without sign-in and with no GPS or maker notes', async () => {
    for (const r of asset.renditions) {
      const res = await t.app.inject({ method: 'GET', url: r.url })
      expect(res.statusCode, r.url).toBe(200)
      expect(res.headers['content-type']).toBe(r.mimeType)
      expect(res.headers['x-content-type-options']).toBe('nosniff')
      const bytes = res.rawPayload
      expect(containsGpsTag(bytes), `${r.url} holds a GPS tag`).toBe(false)
      const meta = await sharp(bytes).metadata()
      expect(meta.exif, `${r.url} holds EXIF`).toBeUndefined()
      expect(readExif(meta.exif).hasGps).toBe(false)
    }
    // The original does hold them: the test would pass vacuously otherwise.
    expect(containsGpsTag(photo)).toBe(true)
  })

  it('applies EXIF orientation to derivatives', async () => {
    const rotated = await sharp(await pngPicture(300, 100)).withMetadata({ orientation: 6 }).jpeg().toBuffer()
    const res = await upload(reporter, { file: rotated, filename: 'rotated.jpg' })
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json()).toMatchObject({ width: 100, height: 300 })
    await runWorker(t.db)
    const view = (await reporter.get(`/api/v1/assets/${res.json().id}`)).json()
    const web = view.renditions.find((r: any) => r.name === 'web' && r.format === 'jpeg')
    const meta = await sharp((await t.app.inject({ method: 'GET', url: web.url })).rawPayload).metadata()
    expect([meta.width, meta.height, meta.orientation]).toEqual([100, 300, undefined])
  })

  it('answers Range requests on renditions with 206, and 416 outside the file', async () => {
    const r = asset.renditions.find((x: any) => x.name === 'web' && x.format === 'jpeg')
    const part = await t.app.inject({ method: 'GET', url: r.url, headers: { range: 'bytes=0-99' } })
    expect(part.statusCode).toBe(206)
    expect(part.headers['content-range']).toBe(`bytes 0-99/${r.bytes}`)
    expect(part.rawPayload.length).toBe(100)
    const bad = await t.app.inject({ method: 'GET', url: r.url, headers: { range: `bytes=${r.bytes + 10}-` } })
    expect(bad.statusCode).toBe(416)
    expect(bad.headers['content-range']).toBe(`bytes */${r.bytes}`)
    const cached = await t.app.inject({ method: 'GET', url: r.url, headers: { 'if-none-match': part.headers.etag as string } })
    expect(cached.statusCode).toBe(304)
  })

  it('keeps the original (with its EXIF) for staff holding asset.original.read only', async () => {
    expect((await t.app.inject({ method: 'GET', url: asset.originalUrl })).statusCode).toBe(401)
    const denied = await reporter.get(asset.originalUrl)
    expect(denied.statusCode).toBe(403)
    expect(denied.json().permission).toBe('asset.original.read')
    const res = await editor.get(asset.originalUrl)
    expect(res.statusCode).toBe(200)
    expect(res.rawPayload.equals(photo)).toBe(true)
    expect(res.headers['content-disposition']).toMatch(/^attachment/)
    expect(readExif((await sharp(res.rawPayload).metadata()).exif).hasGps).toBe(true)
    // Guessing a URL under /media for the original finds nothing.
    expect((await t.app.inject({ method: 'GET', url: `/media/${asset.tenantId}/${asset.id}/original.jpg` })).statusCode).toBe(404)
  })

  it('hands out short-lived signed links to the original; altered or expired ones get 403', async () => {
    const link = (await editor.post(`/api/v1/assets/${asset.id}/original-link`)).json()
    expect(new Date(link.expiresAt).getTime()).toBeGreaterThan(Date.now())
    const ok = await t.app.inject({ method: 'GET', url: link.url, headers: { range: 'bytes=0-9' } })
    expect(ok.statusCode).toBe(206)
    expect(ok.rawPayload.equals(photo.subarray(0, 10))).toBe(true)
    const tampered = link.url.replace(/exp=(\d+)/, (_: string, e: string) => `exp=${Number(e) + 60}`)
    expect((await t.app.inject({ method: 'GET', url: tampered })).statusCode).toBe(403)
    const expired = link.url.replace(/exp=\d+/, 'exp=1000')
    const res = await t.app.inject({ method: 'GET', url: expired })
    expect(res.statusCode).toBe(403)
    expect(res.json().code).toBe('SIGNED_URL_INVALID')
  })

  it('stores the same bytes once; a second asset row refers to the same blob', async () => {
    const again = await upload(editor, { file: photo, filename: 'copy.jpg', fields: { title: '副本' } })
    expect(again.statusCode).toBe(201)
    expect(again.json().sha256).toBe(asset.sha256)
    expect(again.json().id).not.toBe(asset.id)
    const dir = path.join(t.dataDir, 'files', 'originals', asset.sha256.slice(0, 2), asset.sha256.slice(2, 4))
    expect(fs.readdirSync(dir)).toEqual([asset.sha256])
    await runWorker(t.db)
  })

  it('finds another tenant\'s asset nowhere: 404 to read, edit or delete', async () => {
    for (const res of [
      await otherCenter.get(`/api/v1/assets/${asset.id}`),
      await otherCenter.patch(`/api/v1/assets/${asset.id}`, { title: 'x' }),
      await otherCenter.delete(`/api/v1/assets/${asset.id}`),
      await otherCenter.get(`/api/v1/assets/${asset.id}/similar`),
    ]) {
      expect(res.statusCode).toBe(404)
      expect(res.json().code).toBe('ASSET_NOT_FOUND')
    }
    expect((await otherCenter.get('/api/v1/assets')).json().items).toEqual([])
  })

  it('edits metadata and searches it with jieba (OR semantics, ranked)', async () => {
    const res = await editor.patch(`/api/v1/assets/${asset.id}`, { caption: '南京市长江大桥新闻发布会现场', people: ['李四'], licence: 'CC BY 4.0' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ caption: '南京市长江大桥新闻发布会现场', people: ['李四'], licence: 'CC BY 4.0' })
    const search = async (q: string) => (await editor.get(`/api/v1/assets?q=${encodeURIComponent(q)}`)).json().items.map((i: any) => i.id)
    expect(await search('大桥')).toContain(asset.id)
    expect(await search('發布會')).toContain(asset.id)
    expect(await search('李四')).toContain(asset.id)
    expect(await search('桥梁 火箭')).toContain(asset.id)
    expect(await search('火箭')).toEqual([])
    const bad = await editor.patch(`/api/v1/assets/${asset.id}`, { title: 'x'.repeat(201) })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().errors[0].field).toBe('title')
  })

  it('filters by kind, uploader, licence and usage, and pages with a cursor', async () => {
    const all = (await editor.get('/api/v1/assets')).json().items
    expect(all.length).toBeGreaterThanOrEqual(3)
    const first = (await editor.get('/api/v1/assets?limit=2')).json()
    expect(first.items).toHaveLength(2)
    const second = (await editor.get(`/api/v1/assets?limit=2&cursor=${first.nextCursor}`)).json()
    expect(second.items.map((i: any) => i.id)).not.toContain(first.items[0].id)
    expect([...first.items, ...second.items].map((i: any) => i.id)).toEqual(all.slice(0, 4).map((i: any) => i.id))
    expect((await editor.get('/api/v1/assets?kind=video')).json().items).toEqual([])
    const mine = (await editor.get(`/api/v1/assets?uploadedBy=${asset.uploadedBy}`)).json().items
    expect(mine.every((i: any) => i.uploadedBy === asset.uploadedBy)).toBe(true)
    expect((await editor.get('/api/v1/assets?licence=none')).json().items.length).toBe(all.length)
    expect((await editor.get('/api/v1/assets?usage=used')).json().items).toEqual([])
    expect((await editor.get('/api/v1/assets?kind=banana')).statusCode).toBe(400)
  })

  it('finds near-duplicate pictures by perceptual hash', async () => {
    const smaller = await sharp(photo).resize(600).jpeg({ quality: 60 }).toBuffer()
    const near = (await upload(editor, { file: smaller, filename: 'small.jpg' })).json()
    const different = (await upload(editor, { file: await photoWithGps({ seed: 5, width: 500, height: 800 }), filename: 'other.jpg' })).json()
    const res = await editor.get(`/api/v1/assets/${asset.id}/similar?maxDistance=6`)
    expect(res.statusCode).toBe(200)
    const ids = res.json().items.map((i: any) => i.asset.id)
    expect(ids).toContain(near.id)
    expect(ids).not.toContain(different.id)
    await runWorker(t.db)
  })

  it('remakes the crops around a new focal point', async () => {
    const crop = async () => {
      const view = (await editor.get(`/api/v1/assets/${asset.id}`)).json()
      const square = view.renditions.find((r: any) => r.name === 'square' && r.format === 'jpeg')
      return (await t.app.inject({ method: 'GET', url: square.url })).rawPayload
    }
    const before = await crop()
    const res = await editor.put(`/api/v1/assets/${asset.id}/focal-point`, { x: 0.95, y: 0.5 })
    expect(res.statusCode).toBe(200)
    expect(res.json().focalPoint).toEqual({ x: 0.95, y: 0.5 })
    await runWorker(t.db)
    const after = await crop()
    expect(after.equals(before)).toBe(false)
    expect((await editor.put(`/api/v1/assets/${asset.id}/focal-point`, { x: 1.5, y: 0 })).statusCode).toBe(400)
  })

  it('records uses, warns before deleting one in use, and deletes it with force', async () => {
    const use = await editor.post(`/api/v1/assets/${asset.id}/usage`, { refType: 'story', refId: 'story-1', isLive: true })
    expect(use.statusCode).toBe(201)
    const usage = (await editor.get(`/api/v1/assets/${asset.id}/usage`)).json().items
    expect(usage).toMatchObject([{ refType: 'story', refId: 'story-1', isLive: true }])
    expect((await editor.get('/api/v1/assets?usage=used')).json().items.map((i: any) => i.id)).toEqual([asset.id])
    const refused = await editor.delete(`/api/v1/assets/${asset.id}`)
    expect(refused.statusCode).toBe(409)
    expect(refused.json()).toMatchObject({ code: 'ASSET_IN_USE', usage: { count: 1, live: 1 } })
    const soon = new Date(Date.now() + 5 * 86_400_000).toISOString()
    const warned = (await editor.patch(`/api/v1/assets/${asset.id}`, { licenceExpiresAt: soon })).json()
    expect(warned.licenceStatus).toBe('expiring')
    expect(warned.warnings).toEqual(['licence_expiring_in_use'])
    expect((await editor.delete(`/api/v1/assets/${asset.id}?force=true`)).statusCode).toBe(204)
    expect((await editor.get(`/api/v1/assets/${asset.id}`)).json().deletedAt).not.toBeNull()
    expect((await editor.get('/api/v1/assets')).json().items.map((i: any) => i.id)).not.toContain(asset.id)
    expect((await editor.get('/api/v1/assets?deleted=true')).json().items.map((i: any) => i.id)).toContain(asset.id)
    // Renditions of a deleted asset are no longer served.
    expect((await t.app.inject({ method: 'GET', url: asset.renditions[0].url })).statusCode).toBe(404)
    const restored = await editor.post(`/api/v1/assets/${asset.id}/restore`)
    expect(restored.statusCode).toBe(200)
    expect(restored.json().deletedAt).toBeNull()
  })

  it('audits uploads and deletions', async () => {
    const auditor = await signIn(t.app, 'auditor')
    const res = await auditor.get('/api/v1/audit?action=asset.delete')
    expect(res.statusCode).toBe(200)
    const entries = res.json().items
    expect(entries.some((e: any) => e.targetId === asset.id && e.details.isForced === true)).toBe(true)
  })
})
