import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, signIn, type Client, type TestApp } from '../../../test/harness.js'
import {
  cleanSvg, corruptJpeg, jpegHtmlPolyglot, jpegWithScriptComment, jpegZipPolyglot, photoWithGps, pixelBombPng, plainZip, pngPicture,
  runWorker, svgWithEntities, svgWithHandler, svgWithScript, truncatedJpeg, upload, zipBombDocx,
} from './fixtures/files.js'

/**
 * Hostile files: each gets a clear refusal (415/413/422 problem+json naming the reason), leaves
 * nothing behind, and the server keeps serving afterwards.
 */
describe('hostile uploads', () => {
  let t: TestApp
  let reporter: Client

  beforeAll(async () => {
    t = await buildTestApp()
    reporter = await signIn(t.app, 'district-a.reporter')
  })
  afterAll(async () => { await t.close() })

  async function expectRefused(file: Buffer, { filename, contentType, status, code, reason }: {
    filename: string; contentType: string; status: number; code: string; reason?: string
  }) {
    const res = await upload(reporter, { file, filename, contentType })
    expect(res.statusCode, res.body).toBe(status)
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
    const problem = res.json()
    expect(problem.code).toBe(code)
    if (reason) expect(problem.reason).toBe(reason)
    expect(problem.errors[0].field).toBe('file')
    expect(problem.detail.length).toBeGreaterThan(3)
    // Still serving, and no temp file left behind.
    expect((await reporter.get('/api/v1/me')).statusCode).toBe(200)
    const tmp = path.join(t.dataDir, 'tmp', 'assets')
    expect(fs.existsSync(tmp) ? fs.readdirSync(tmp).filter((f) => f.endsWith('.upload')) : []).toEqual([])
    return problem
  }

  it('refuses a file whose content is of no known type (415)', async () => {
    await expectRefused(Buffer.from('just some text, no magic bytes at all'), { filename: 'notes.txt', contentType: 'text/plain', status: 415, code: 'ASSET_TYPE_UNSUPPORTED', reason: 'unknown-type' })
  })

  it('refuses a forbidden type, whatever it is called (415)', async () => {
    const problem = await expectRefused(await plainZip(), { filename: 'photo.jpg', contentType: 'image/jpeg', status: 415, code: 'ASSET_TYPE_UNSUPPORTED', reason: 'forbidden-type' })
    expect(problem.detail).toContain('application/zip')
  })

  it('refuses content that contradicts the name or declared type (415)', async () => {
    const problem = await expectRefused(await pngPicture(), { filename: 'clip.mp4', contentType: 'video/mp4', status: 415, code: 'ASSET_TYPE_MISMATCH', reason: 'type-mismatch' })
    expect(problem.detail).toContain('image/png')
  })

  it('accepts a picture of one format named as another (a PNG called .jpg), recording its real type', async () => {
    const res = await upload(reporter, { file: await pngPicture(), filename: 'wechat-save.jpg', contentType: 'image/jpeg' })
    expect(res.statusCode).toBe(201)
    expect(res.json().mimeType).toBe('image/png')
  })

  it('refuses a file over the tenant\'s limit for its kind (413), and the limit is per tenant', async () => {
    const admin = await signIn(t.app, 'admin', { tenant: 'district-a' })
    const set = await admin.put('/api/v1/asset-limits/image', { maxBytes: 20_000 })
    expect(set.statusCode, set.body).toBe(200)
    expect(set.json().image).toBe(20_000)
    await expectRefused(await photoWithGps(), { filename: 'big.jpg', contentType: 'image/jpeg', status: 413, code: 'ASSET_TOO_LARGE', reason: 'too-large' })
    const other = await signIn(t.app, 'district-b.reporter')
    expect((await upload(other, { file: await photoWithGps(), filename: 'big.jpg' })).statusCode).toBe(201)
    await admin.put('/api/v1/asset-limits/image', { maxBytes: 50 * 1024 * 1024 })
    expect((await reporter.put('/api/v1/asset-limits/image', { maxBytes: 1 << 30 })).statusCode).toBe(403)
  })

  it('refuses a pixel bomb from its header, before decoding (422)', async () => {
    const started = Date.now()
    const problem = await expectRefused(pixelBombPng(), { filename: 'bomb.png', contentType: 'image/png', status: 422, code: 'ASSET_PIXELS_EXCEEDED', reason: 'too-many-pixels' })
    expect(problem.detail).toContain('100000×100000')
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('refuses a zip-bomb document (422)', async () => {
    await expectRefused(await zipBombDocx(), {
      filename: 'report.docx', contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      status: 422, code: 'ASSET_DECOMPRESSION_BOMB', reason: 'decompression-bomb',
    })
  })

  it('refuses truncated and corrupt pictures (422)', async () => {
    await expectRefused(await truncatedJpeg(), { filename: 'cut.jpg', contentType: 'image/jpeg', status: 422, code: 'ASSET_CORRUPT', reason: 'truncated' })
    await expectRefused(await corruptJpeg(), { filename: 'noise.jpg', contentType: 'image/jpeg', status: 422, code: 'ASSET_CORRUPT' })
  })

  it('refuses SVG with scripts, event handlers or entities (422), and accepts a plain drawing', async () => {
    for (const svg of [svgWithScript, svgWithHandler, svgWithEntities]) {
      await expectRefused(svg, { filename: 'logo.svg', contentType: 'image/svg+xml', status: 422, code: 'ASSET_SVG_UNSAFE', reason: 'svg-unsafe' })
    }
    const res = await upload(reporter, { file: cleanSvg, filename: 'logo.svg', contentType: 'image/svg+xml' })
    expect(res.statusCode, res.body).toBe(201)
    await runWorker(t.db)
    const view = (await reporter.get(`/api/v1/assets/${res.json().id}`)).json()
    // Its public renditions are pictures rasterised from it, never SVG.
    expect(view.renditions.length).toBeGreaterThan(0)
    expect(view.renditions.every((r: any) => r.mimeType !== 'image/svg+xml')).toBe(true)
  })

  it('refuses polyglots: a JPEG that is also a ZIP, or carries HTML (422)', async () => {
    await expectRefused(await jpegZipPolyglot(), { filename: 'x.jpg', contentType: 'image/jpeg', status: 422, code: 'ASSET_POLYGLOT', reason: 'zip-directory' })
    await expectRefused(await jpegHtmlPolyglot(), { filename: 'x.jpg', contentType: 'image/jpeg', status: 422, code: 'ASSET_POLYGLOT', reason: 'trailing-html' })
    await expectRefused(await jpegWithScriptComment(), { filename: 'x.jpg', contentType: 'image/jpeg', status: 422, code: 'ASSET_POLYGLOT', reason: 'html-in-head' })
  })

  it('says what is wrong with a form: no file, a second file, an unknown field, a bad date (400)', async () => {
    const noFile = await reporter.request({ method: 'POST', url: '/api/v1/assets', payload: '--b\r\nContent-Disposition: form-data; name="title"\r\n\r\nx\r\n--b--\r\n', headers: { 'content-type': 'multipart/form-data; boundary=b' } })
    expect(noFile.statusCode).toBe(400)
    expect(noFile.json().errors[0].field).toBe('file')
    const unknown = await upload(reporter, { file: await pngPicture(), filename: 'a.png', contentType: 'image/png', fields: { colour: 'red' } })
    expect(unknown.statusCode).toBe(400)
    expect(unknown.json().errors[0].field).toBe('colour')
    const date = await upload(reporter, { file: await pngPicture(), filename: 'a.png', contentType: 'image/png', fields: { shotAt: 'yesterday' } })
    expect(date.statusCode).toBe(400)
    expect(date.json().errors[0].field).toBe('shotAt')
    const json = await reporter.post('/api/v1/assets', { file: 'x' })
    expect(json.statusCode).toBe(415)
  })

  it('records refused uploads in the audit log', async () => {
    const auditor = await signIn(t.app, 'auditor')
    const entries = (await auditor.get('/api/v1/audit?action=asset.upload')).json().items
    const reasons = entries.filter((e: any) => e.outcome === 'failure').map((e: any) => e.details.reason)
    expect(reasons).toEqual(expect.arrayContaining(['too-many-pixels', 'zip-directory', 'trailing-html', 'svg-unsafe', 'decompression-bomb']))
  })
})
