import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inScope, systemScope } from '../../db/scope.js'
import {
  buildNewsDocx, buildScriptLinkDocx, compoundFile, deflatedZeros, noise, storedEntry, tinyPng, withPart, writeZip, xxeDocumentXml,
} from '../../kernel/text/fixtures/docx-fixtures.js'
import { buildTestApp, signIn, type Client, type TestApp } from '../../../test/harness.js'

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
const MAX_BYTES = 512 * 1024

type Part = { name: string; value: string } | { name: string; filename: string; contentType: string; data: Buffer }

/** A multipart/form-data body as a browser sends it. */
function form(parts: Part[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----rongmei-test-boundary'
  const chunks: Buffer[] = []
  for (const part of parts) {
    const disposition = 'filename' in part ? `form-data; name="${part.name}"; filename="${part.filename}"` : `form-data; name="${part.name}"`
    const type = 'filename' in part ? `\r\nContent-Type: ${part.contentType}` : ''
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}${type}\r\n\r\n`))
    chunks.push('filename' in part ? part.data : Buffer.from(part.value))
    chunks.push(Buffer.from('\r\n'))
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}

describe('stories API: Word import', () => {
  let t: TestApp
  let reporter: Client

  beforeAll(async () => {
    t = await buildTestApp({ config: { docxMaxBytes: MAX_BYTES } })
    reporter = await signIn(t.app, 'district-a.reporter')
  }, 60_000)
  afterAll(async () => { await t.close() }, 60_000)

  function upload(data: Buffer, { filename = '稿件.docx', contentType = DOCX, fields = [] as Array<{ name: string; value: string }> } = {}) {
    const { payload, headers } = form([...fields, { name: 'file', filename, contentType, data }])
    return reporter.request({ method: 'POST', url: '/api/v1/stories/import', payload, headers })
  }

  async function counts() {
    return inScope(t.db, systemScope, async (trx) => ({
      stories: (await trx.selectFrom('stories').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n,
      versions: (await trx.selectFrom('story_versions').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n,
      images: (await trx.selectFrom('story_images').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n,
    }))
  }

  it('makes a draft of a .docx: title, structure, footnotes, and its image served back', async () => {
    const res = await upload(await buildNewsDocx(), { fields: [{ name: 'kind', value: 'article' }, { name: 'section', value: '时政' }] })
    expect(res.statusCode).toBe(201)
    const story = res.json()
    expect(story).toMatchObject({ state: 'draft', title: '市政府召开第十二次常务会议', section: '时政', kind: 'article', versionNumber: 1, warnings: expect.any(Array) })
    expect(story.versions[0].reason).toBe('import')
    expect(story.body).toContain('<h2>一、经济运行情况</h2>')
    expect(story.body).toContain('<table>')
    expect(story.body).toContain('class="footnotes"')
    expect(story.wordCount).toBeGreaterThan(50)

    const src = /<img [^>]*src="([^"]+)"/.exec(story.body)?.[1]
    expect(src).toMatch(new RegExp(`^/api/v1/stories/${story.id}/images/[0-9a-f-]{36}$`))
    const image = await reporter.get(src!)
    expect(image.statusCode).toBe(200)
    expect(image.headers['content-type']).toBe('image/png')
    expect(image.headers['x-content-type-options']).toBe('nosniff')
    expect(image.rawPayload.equals(tinyPng())).toBe(true)

    // The image path survives later saves (the sanitiser knows it as our own).
    const saved = await reporter.put(`/api/v1/stories/${story.id}`, { baseVersion: 1, body: story.body })
    expect(saved.json().body).toContain(`src="${src}"`)

    const other = await signIn(t.app, 'district-b.reporter')
    expect((await other.get(src!)).statusCode).toBe(404)
    expect((await reporter.get(`/api/v1/stories/${story.id}/images/${story.id}`)).statusCode).toBe(404)
    const audit = await inScope(t.db, systemScope, (trx) => trx.selectFrom('audit_log').select('details').where('target_id', '=', story.id).where('action', '=', 'story.import').execute())
    expect(audit[0].details).toMatchObject({ filename: '稿件.docx', images: 1 })
  })

  it('removes a javascript: link from an imported document and warns', async () => {
    const res = await upload(await buildScriptLinkDocx(), { filename: '链接.docx' })
    expect(res.statusCode).toBe(201)
    expect(res.json().body).not.toContain('javascript')
    expect(res.json().title).toBe('链接')
    expect(res.json().warnings.join('')).toContain('不安全的链接')
  })

  it('refuses broken and hostile files with 422 and creates nothing', async () => {
    const news = await buildNewsDocx()
    const zeros = await deflatedZeros(200 * 1024 * 1024)
    const hostile: Array<[string, Buffer, string]> = [
      ['XXE', await withPart(news, 'word/document.xml', xxeDocumentXml), 'external_entities'],
      ['zip bomb', writeZip([storedEntry('[Content_Types].xml', '<Types/>'), { ...zeros, name: 'word/document.xml' }]), 'zip_bomb'],
      ['not a document', noise(4096), 'not_docx'],
      ['encrypted', compoundFile('EncryptionInfo'), 'encrypted'],
      ['legacy .doc', compoundFile('WordDocument'), 'legacy_doc'],
      ['truncated', news.subarray(0, news.length >> 1), 'corrupt'],
    ]
    const before = await counts()
    for (const [label, data, reason] of hostile) {
      const res = await upload(data)
      expect(res.statusCode, label).toBe(422)
      expect(res.json(), label).toMatchObject({ code: 'DOCX_INVALID', reason })
    }
    expect(await counts()).toEqual(before)
    const failures = await inScope(t.db, systemScope, (trx) => trx.selectFrom('audit_log').select('details').where('action', '=', 'story.import').where('outcome', '=', 'failure').orderBy('seq').execute())
    expect(failures.map((f) => f.details.reason)).toEqual(hostile.map(([, , reason]) => reason))
  })

  it('names the field when the upload is not a .docx form', async () => {
    const before = await counts()
    const json = await reporter.post('/api/v1/stories/import', { file: 'x' })
    expect(json.statusCode).toBe(415)
    expect(json.json().errors).toEqual([{ field: 'file', message: 'must be sent as multipart/form-data' }])

    const noFile = form([{ name: 'kind', value: 'article' }])
    const missing = await reporter.request({ method: 'POST', url: '/api/v1/stories/import', ...noFile })
    expect(missing.statusCode).toBe(400)
    expect(missing.json().errors.map((e: { field: string }) => e.field)).toEqual(['file'])

    const png = await upload(tinyPng(), { filename: 'photo.png', contentType: 'image/png' })
    expect(png.statusCode).toBe(415)
    expect(png.json().errors[0].field).toBe('file')

    const badKind = await upload(await buildNewsDocx(), { fields: [{ name: 'kind', value: 'poem' }] })
    expect(badKind.statusCode).toBe(400)
    expect(badKind.json().errors.map((e: { field: string }) => e.field)).toEqual(['kind'])

    const tooLarge = await upload(noise(MAX_BYTES + 1024))
    expect(tooLarge.statusCode).toBe(413)
    expect(await counts()).toEqual(before)
  })

  it('refuses an import by a user who may not write stories', async () => {
    const grid = await signIn(t.app, 'district-a.grid')
    const { payload, headers } = form([{ name: 'file', filename: 'a.docx', contentType: DOCX, data: await buildNewsDocx() }])
    const res = await grid.request({ method: 'POST', url: '/api/v1/stories/import', payload, headers })
    expect(res.statusCode).toBe(403)
  })
})
