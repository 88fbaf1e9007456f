import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, signIn, type Client, type TestApp } from '../../../test/harness.js'
import { photoWithGps, runWorker } from './fixtures/files.js'
import { purgeDue } from './assets.process.js'
import { assetRuntime } from './assets.runtime.js'
import { inScope, systemScope } from '../../db/scope.js'

/** Resumable chunked uploads, and soft delete with retention and purge. */
describe('resumable uploads and purge', () => {
  let t: TestApp
  let reporter: Client
  let photo: Buffer

  beforeAll(async () => {
    t = await buildTestApp({ config: { assetRetentionDays: 0 } })
    reporter = await signIn(t.app, 'district-a.reporter')
    photo = await photoWithGps({ width: 2000, height: 1500 })
  })
  afterAll(async () => { await t.close() })

  const put = (id: string, offset: number, chunk: Buffer) => reporter.request({
    method: 'PUT', url: `/api/v1/asset-uploads/${id}`, payload: chunk,
    headers: { 'content-type': 'application/octet-stream', 'upload-offset': String(offset) },
  })

  it('takes a file in chunks, resumes from the offset the server reports, and completes into an asset', async () => {
    const created = await reporter.post('/api/v1/asset-uploads', { filename: 'big.jpg', size: photo.length, mimeType: 'image/jpeg', meta: { title: '分块上传' } })
    expect(created.statusCode, created.body).toBe(201)
    const { id } = created.json()
    expect(created.json()).toMatchObject({ offset: 0, size: photo.length })
    const third = Math.floor(photo.length / 3)
    expect((await put(id, 0, photo.subarray(0, third))).json().offset).toBe(third)
    // A connection broke: the client asks where the upload stands, and a wrong offset is refused.
    expect((await reporter.get(`/api/v1/asset-uploads/${id}`)).json().offset).toBe(third)
    const wrong = await put(id, third + 5, photo.subarray(third + 5))
    expect(wrong.statusCode).toBe(409)
    expect(wrong.json()).toMatchObject({ code: 'UPLOAD_OFFSET_MISMATCH', offset: third })
    expect((await put(id, third, photo.subarray(third, 2 * third))).json().offset).toBe(2 * third)
    const early = await reporter.post(`/api/v1/asset-uploads/${id}/complete`)
    expect(early.statusCode).toBe(409)
    expect(early.json().code).toBe('UPLOAD_INCOMPLETE')
    const tooMuch = await put(id, 2 * third, Buffer.concat([photo.subarray(2 * third), Buffer.alloc(10)]))
    expect(tooMuch.statusCode).toBe(400)
    expect((await put(id, 2 * third, photo.subarray(2 * third))).json().offset).toBe(photo.length)
    const done = await reporter.post(`/api/v1/asset-uploads/${id}/complete`)
    expect(done.statusCode, done.body).toBe(201)
    expect(done.json()).toMatchObject({ kind: 'image', title: '分块上传', width: 2000, height: 1500 })
    expect((await reporter.get(`/api/v1/asset-uploads/${id}`)).statusCode).toBe(404)
    const other = await signIn(t.app, 'district-b.reporter')
    const foreign = (await reporter.post('/api/v1/asset-uploads', { filename: 'x.jpg', size: 10 })).json()
    expect((await other.get(`/api/v1/asset-uploads/${foreign.id}`)).statusCode).toBe(404)
    expect((await reporter.delete(`/api/v1/asset-uploads/${foreign.id}`)).statusCode).toBe(204)
  })

  it('refuses an upload session larger than any limit (413) and a chunk that is not raw bytes (415)', async () => {
    const huge = await reporter.post('/api/v1/asset-uploads', { filename: 'huge.mp4', size: 10 * 1024 ** 4 })
    expect(huge.statusCode).toBe(413)
    const { id } = (await reporter.post('/api/v1/asset-uploads', { filename: 'a.jpg', size: 100 })).json()
    const json = await reporter.request({ method: 'PUT', url: `/api/v1/asset-uploads/${id}`, payload: { a: 1 }, headers: { 'upload-offset': '0' } })
    expect(json.statusCode).toBe(415)
  })

  it('says asset.licence_expiring when a licence nears its end on an asset in use', async () => {
    const { id } = (await reporter.post('/api/v1/asset-uploads', { filename: 'l.jpg', size: photo.length })).json()
    await put(id, 0, photo)
    const a = (await reporter.post(`/api/v1/asset-uploads/${id}/complete`)).json()
    await reporter.post(`/api/v1/assets/${a.id}/usage`, { refType: 'publication', refId: 'pub-1', isLive: true })
    const expiresAt = new Date(Date.now() + 3 * 86_400_000).toISOString()
    expect((await reporter.patch(`/api/v1/assets/${a.id}`, { licenceExpiresAt: expiresAt })).json().warnings).toEqual(['licence_expiring_in_use'])
    await runWorker(t.db)
    const events = await inScope(t.db, systemScope, (trx) => trx.selectFrom('outbox_events').select(['type', 'payload']).where('type', '=', 'asset.licence_expiring').execute())
    expect(events.map((e) => e.payload)).toEqual([expect.objectContaining({ assetId: a.id, expiresAt, usage: { count: 1, live: 1 } })])
    await reporter.delete(`/api/v1/assets/${a.id}/usage?refType=publication&refId=pub-1`)
    await reporter.delete(`/api/v1/assets/${a.id}`)
    await runWorker(t.db)
  })

  it('purges a deleted asset after retention, keeping a blob another asset still refers to', async () => {
    const first = (await reporter.request({ method: 'POST', url: '/api/v1/asset-uploads', payload: { filename: 'p.jpg', size: photo.length } })).json()
    await put(first.id, 0, photo)
    const a = (await reporter.post(`/api/v1/asset-uploads/${first.id}/complete`)).json()
    await runWorker(t.db)
    const rt = assetRuntime(t.db)
    const blobKey = `originals/${a.sha256.slice(0, 2)}/${a.sha256.slice(2, 4)}/${a.sha256}`
    expect(await rt.storage.head(blobKey)).not.toBeNull()

    // Two assets (from two uploads) share one blob: deleting one must keep the file.
    expect((await reporter.delete(`/api/v1/assets/${a.id}`)).statusCode).toBe(204)
    await runWorker(t.db)
    expect((await reporter.get(`/api/v1/assets/${a.id}`)).statusCode).toBe(404)
    expect(await rt.storage.head(blobKey)).not.toBeNull()
    const survivors = (await reporter.get('/api/v1/assets')).json().items.filter((i: any) => i.sha256 === a.sha256)
    expect(survivors).toHaveLength(1)

    // The last reference goes: past the blob's grace period, the purge removes the original.
    expect((await reporter.delete(`/api/v1/assets/${survivors[0].id}`)).statusCode).toBe(204)
    expect(await purgeDue(rt, { now: new Date(Date.now() + 2 * 3600_000) })).toBe(1)
    expect(await rt.storage.head(blobKey)).toBeNull()
    const web = survivors[0].renditions[0]
    expect((await t.app.inject({ method: 'GET', url: web.url })).statusCode).toBe(404)
  })
})
