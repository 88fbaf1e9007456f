import { beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../errors.js'
import { importDocx, PENDING_ASSET_PREFIX, type DocxRefusal } from './docx-import.js'
import { elementTags } from './fixtures/inspect-html.js'
import {
  billionLaughsXml, buildEmptyDocx, buildNewsDocx, buildScriptLinkDocx, compoundFile, deflatedZeros, noise, storedEntry,
  tinyPng, withPart, withoutPart, writeZip, xxeDocumentXml,
} from './fixtures/docx-fixtures.js'

const MiB = 1024 * 1024

async function refusalOf(promise: Promise<unknown>): Promise<{ reason: DocxRefusal; status: number; detail: string }> {
  const error = await promise.then(() => null, (e: unknown) => e)
  expect(error, 'the import should have been refused').toBeInstanceOf(AppError)
  const appError = error as AppError
  expect(appError.code).toBe('DOCX_INVALID')
  return { reason: appError.extra?.reason as DocxRefusal, status: appError.status, detail: appError.message }
}

let news: Buffer

beforeAll(async () => {
  news = await buildNewsDocx()
})

describe('importDocx on a real document', () => {
  it('brings headings, lists, a merged-cell table, the footnote and the image through', async () => {
    const result = await importDocx(news)
    expect(result.title).toBe('市政府召开第十二次常务会议')
    const tags = elementTags(result.html)
    expect(tags).toEqual(expect.arrayContaining(['h2', 'h3', 'ul', 'ol', 'li', 'table', 'td', 'sup', 'img', 'a']))
    expect(tags).not.toContain('h1')
    expect(result.html).toContain('<h2>一、经济运行情况</h2>')
    expect(result.html).toContain('<h3>（一）重点项目</h3>')
    expect(result.html).toContain('<ul><li>新开工项目28个</li><li>竣工项目15个</li></ul>')
    expect(result.html).toContain('<ol><li>加快前期手续办理</li><li>强化要素保障</li></ol>')
    expect(result.html).toContain('<td colspan="2"><p>指标</p></td><td rowspan="2"><p>备注</p></td>')
    expect(result.html).toContain('<sup class="footnote-ref"><a href="#fn-footnote-1" id="fn-footnote-ref-1">[1]</a></sup>')
    expect(result.html).toContain('<ol class="footnotes"><li id="fn-footnote-1"><p>数据来源：市统计局2024年一季度统计公报。')
    expect(result.html).toContain('<a href="https://www.gov.cn/zhengce/" rel="noopener noreferrer nofollow">政策原文</a>')
    expect(result.footnotes).toBe(1)
    expect(result.html).not.toContain('市政府召开第十二次常务会议</') // the title left the body
  })

  it('returns the image bytes and leaves only a pending placeholder in the HTML', async () => {
    const result = await importDocx(news)
    expect(result.images).toHaveLength(1)
    const [image] = result.images
    expect(image.contentType).toBe('image/png')
    expect(image.data.equals(tinyPng())).toBe(true)
    expect(image.alt).toBe('会议现场')
    expect(result.html).toContain(`<img alt="会议现场" src="${PENDING_ASSET_PREFIX}${image.id}" />`)
    expect(result.html).not.toContain('data:')
  })

  it('output is already clean story HTML (sanitising again changes nothing)', async () => {
    const { sanitizeHtml } = await import('./sanitize.js')
    const { html } = await importDocx(news)
    expect(sanitizeHtml(html, 'story')).toEqual({ html, removed: [] })
  })

  it('drops a javascript: hyperlink and says so', async () => {
    const result = await importDocx(await buildScriptLinkDocx())
    expect(result.html).toBe('<p><a>点击查看</a></p>')
    expect(result.warnings).toContain('已移除不安全的链接（a href）。')
  })
})

describe('importDocx refuses broken and hostile files before conversion', () => {
  it('an empty document', async () => {
    expect(await refusalOf(importDocx(await buildEmptyDocx()))).toMatchObject({ reason: 'empty', status: 422 })
    expect((await refusalOf(importDocx(Buffer.alloc(0)))).reason).toBe('empty')
  })

  it('random bytes, and a zip that is not a Word document', async () => {
    expect((await refusalOf(importDocx(noise(4096)))).reason).toBe('not_docx')
    expect((await refusalOf(importDocx(await withoutPart(news, 'word/document.xml')))).reason).toBe('not_docx')
  })

  it('an OLE file: legacy .doc, or an encrypted .docx', async () => {
    expect((await refusalOf(importDocx(compoundFile('WordDocument')))).reason).toBe('legacy_doc')
    expect((await refusalOf(importDocx(compoundFile('EncryptionInfo')))).reason).toBe('encrypted')
  })

  it('a zip entry with the encryption flag', async () => {
    const zip = writeZip([storedEntry('[Content_Types].xml', '<Types/>'), storedEntry('word/document.xml', 'x', 0x1)])
    expect((await refusalOf(importDocx(zip))).reason).toBe('encrypted')
  })

  it('a truncated file', async () => {
    const result = await refusalOf(importDocx(news.subarray(0, Math.floor(news.length / 2))))
    expect(result.reason).toBe('corrupt')
    expect(result.detail).toMatch(/损坏/)
  })

  it('a document part that is not well-formed XML', async () => {
    const broken = await withPart(news, 'word/document.xml', '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p>')
    expect((await refusalOf(importDocx(broken))).reason).toBe('corrupt')
  })

  it('two parts with the same name (a reader-differential trick)', async () => {
    const zip = writeZip([storedEntry('word/document.xml', '<a/>'), storedEntry('word/document.xml', '<b/>')])
    expect((await refusalOf(importDocx(zip))).reason).toBe('corrupt')
  })

  it('XXE: a DOCTYPE with an external entity in word/document.xml', async () => {
    const result = await refusalOf(importDocx(await withPart(news, 'word/document.xml', xxeDocumentXml)))
    expect(result.reason).toBe('external_entities')
  })

  it('billion laughs in word/styles.xml, also when encoded as UTF-16', async () => {
    expect((await refusalOf(importDocx(await withPart(news, 'word/styles.xml', billionLaughsXml)))).reason).toBe('external_entities')
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(billionLaughsXml, 'utf16le')])
    const zip = writeZip([storedEntry('word/document.xml', '<w:document/>'), storedEntry('word/styles.xml', utf16)])
    expect((await refusalOf(importDocx(zip))).reason).toBe('external_entities')
  })

  it('a zip bomb: 200 MB of zeros, refused from the central directory without inflating', async () => {
    const zeros = await deflatedZeros(200 * MiB)
    const bomb = writeZip([storedEntry('[Content_Types].xml', '<Types/>'), { ...zeros, name: 'word/document.xml' }])
    expect(bomb.length).toBeLessThan(MiB)
    expect((await refusalOf(importDocx(bomb))).reason).toBe('zip_bomb')
    // Still refused on the compression ratio when the total-size limit is generous.
    expect((await refusalOf(importDocx(bomb, { maxUncompressedBytes: 1024 * MiB }))).reason).toBe('zip_bomb')
  })

  it('a zip bomb behind headers that lie about the unpacked size', async () => {
    const zeros = await deflatedZeros(200 * MiB)
    const bomb = writeZip([{ ...zeros, name: 'word/document.xml', declaredSize: 900 * 1024 }])
    expect((await refusalOf(importDocx(bomb))).reason).toBe('zip_bomb')
  })

  it('too many entries', async () => {
    expect((await refusalOf(importDocx(news, { maxEntries: 3 }))).reason).toBe('zip_bomb')
  })

  it('a file or an image over the size limits', async () => {
    expect((await refusalOf(importDocx(news, { maxBytes: 1024 }))).reason).toBe('too_large')
    expect((await refusalOf(importDocx(news, { maxImageBytes: 50 }))).reason).toBe('too_large')
  })
})
