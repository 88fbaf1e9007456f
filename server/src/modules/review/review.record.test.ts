import JSZip from 'jszip'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, signIn, type TestApp } from '../../../test/harness.js'
import { recordForm, shanghaiTime } from './review.form.js'
import { renderPdf, requireCjkFont } from './review.pdf.js'
import type { ReviewRecord } from './review.record.js'
import { createStory, decide, expectOk, pdfText, proofread, setWorkflow, signInCrew, submit, type Crew } from './review.testing.js'

const reviewers = ['东湖编辑（初审）', '东湖部门主任（复审）', '东湖总编辑（终审）']

describe('the signed review record (信息发布登记审核表)', () => {
  let t: TestApp
  let crew: Crew
  let id: string
  let record: ReviewRecord

  beforeAll(async () => {
    t = await buildTestApp()
    crew = await signInCrew(t)
    await setWorkflow(crew.chief, { proofreadRoundsRequired: 1 })
    id = await createStory(crew.reporter, {
      title: '东湖区召开安全生产工作会议', section: '时政', byline: '记者 李明',
      body: '<p>会议要求各部门警钟常鸣，压紧压实安全生产责任。</p><p>会议由区政府办公室主持。</p>',
    })
    expectOk(await submit(crew.reporter, id))
    expectOk(await decide(crew.editor, id, 'approve', { comment: '事实核实无误' }))
    expectOk(await decide(crew.section, id, 'approve', { comment: '同意' }))
    expectOk(await decide(crew.chief, id, 'approve', { comment: '同意签发' }))
    expectOk(await proofread(crew.proofreader, id, { marks: [{ start: 7, end: 11, original: '警钟常鸣', correction: '警钟长鸣', note: '错字' }], comment: '一校' }))
    record = (await crew.chief.get(`/api/v1/stories/${id}/record`)).json()
  }, 60_000)
  afterAll(async () => { await t.close() }, 60_000)

  it('gives the record as JSON: story, versions, every reviewer and proofreader, checks and the sign-off', async () => {
    const story = (await crew.reporter.get(`/api/v1/stories/${id}`)).json()
    expect(record.tenant.name).toBe('示例市东湖区融媒体中心')
    expect(record.story).toMatchObject({ title: '东湖区召开安全生产工作会议', authorName: '东湖记者', section: '时政', byline: '记者 李明', state: 'signed_off', wordCount: story.wordCount, charCount: story.charCount })
    expect(record.story.wordCount).toBeGreaterThan(20)
    expect(record.versions).toEqual([expect.objectContaining({ number: 1, reason: 'save', createdByName: '东湖记者', hash: record.story.versionHash })])
    const [cycle] = record.cycles
    expect(cycle.decisions.map((d) => [d.stageName, d.userName, d.decision, d.versionHash])).toEqual(
      reviewers.map((name, i) => [['初审', '复审', '终审'][i], name, 'approve', record.story.versionHash]),
    )
    expect(cycle.proofreads).toEqual([expect.objectContaining({ round: 1, userName: '东湖校对', marks: [expect.objectContaining({ correction: '警钟长鸣' })] })])
    expect(cycle.checks.hits).toEqual([expect.objectContaining({ quote: '警钟常鸣' })])
    expect(record.signOff).toMatchObject({
      cycle: 1, versionNumber: 1, versionHash: record.story.versionHash,
      signers: [expect.objectContaining({ stage: 'final', userName: '东湖总编辑（终审）' })],
    })
  })

  it('downloads as .docx whose document.xml names the unit, the story and every reviewer', async () => {
    const res = await crew.reporter.get(`/api/v1/stories/${id}/record.docx`)
    expectOk(res)
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document')
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="review-record-.+\.docx"; filename\*=UTF-8''/)
    const zip = await JSZip.loadAsync(res.rawPayload)
    const xml = await zip.file('word/document.xml')!.async('string')
    for (const text of ['信息发布登记审核表', '示例市东湖区融媒体中心', '东湖区召开安全生产工作会议', ...reviewers, '东湖校对', '同意签发', record.story.versionHash.slice(0, 12), '警钟常鸣']) {
      expect(xml).toContain(text)
    }
    expect(xml).toContain(shanghaiTime(record.cycles[0].decisions[0].at))
  })

  it('downloads as a PDF in a Chinese font whose text names the reviewers', async () => {
    const res = await crew.reporter.get(`/api/v1/stories/${id}/record.pdf`)
    expectOk(res)
    expect(res.headers['content-type']).toBe('application/pdf')
    const pdf = res.rawPayload
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-')
    expect(pdf.subarray(-8).toString('latin1')).toContain('%%EOF')
    const text = pdfText(pdf)
    for (const phrase of ['信息发布登记审核表', '示例市东湖区融媒体中心', ...reviewers, '东湖校对', '同意签发', '已签发']) expect(text).toContain(phrase)
    expect(text).toMatch(/第 1 页，共 \d+ 页/)
  })

  it('answers 503 naming what to install when no Chinese font exists, never a PDF of empty boxes', () => {
    expect(() => requireCjkFont(() => null)).toThrow(expect.objectContaining({ code: 'RECORD_FONT_MISSING', status: 503 }))
    expect(() => requireCjkFont(() => null)).toThrow(/fonts-wqy-microhei/)
  })

  it('breaks a long record over pages with the table header repeated', async () => {
    const long: ReviewRecord = {
      ...record,
      cycles: [{ ...record.cycles[0], decisions: Array.from({ length: 60 }, (_, i) => ({ ...record.cycles[0].decisions[0], comment: `第${i + 1}条意见` })) }],
    }
    const text = pdfText(await renderPdf(recordForm(long), requireCjkFont()))
    expect(text).toContain('第60条意见')
    const pages = Number(/共 (\d+) 页/.exec(text)![1])
    expect(pages).toBeGreaterThan(1)
    expect(text.split('审核人').length - 1).toBeGreaterThan(1)
  })

  it('is another tenant’s business: 404', async () => {
    const other = await signIn(t.app, 'district-b.chief')
    for (const suffix of ['record', 'record.docx', 'record.pdf']) expect((await other.get(`/api/v1/stories/${id}/${suffix}`)).statusCode).toBe(404)
  })
})
