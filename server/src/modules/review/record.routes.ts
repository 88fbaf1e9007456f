import { Type } from 'typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { AppDeps } from '../../app.js'
import { problemResponses } from '../../kernel/openapi.js'
import { renderDocx } from './review.docx.js'
import { recordForm } from './review.form.js'
import { renderPdf, requireCjkFont } from './review.pdf.js'
import { createRecordService, type ReviewRecord } from './review.record.js'
import { actingOf } from './review.http.js'
import { DecisionView, OverrideView, ProofreadView, StoredHit, StoryIdParams } from './review.schema.js'

const tags = ['review']
const Timestamp = Type.String({ format: 'date-time' })

export const RecordView = Type.Object({
  generatedAt: Timestamp,
  tenant: Type.Object({ id: Type.String(), name: Type.String() }),
  story: Type.Object({
    id: Type.String(), title: Type.String(), authorId: Type.String(), authorName: Type.String(), byline: Type.String(), section: Type.String(),
    source: Type.String(), wordCount: Type.Integer(), charCount: Type.Integer(), state: Type.String(), isImportant: Type.Boolean(),
    versionNumber: Type.Integer(), versionHash: Type.String(),
  }),
  versions: Type.Array(Type.Object({
    number: Type.Integer(), hash: Type.String(), reason: Type.String(), createdBy: Type.String(), createdByName: Type.String(), createdAt: Timestamp,
  })),
  cycles: Type.Array(Type.Object({
    cycle: Type.Integer(), phase: Type.String(), submittedAt: Timestamp, submittedBy: Type.String(), submittedByName: Type.String(),
    versionNumber: Type.Integer(), versionHash: Type.String(),
    stages: Type.Array(Type.Object({ index: Type.Integer(), key: Type.String(), name: Type.String(), permission: Type.String() })),
    proofreadRounds: Type.Object({ done: Type.Integer(), required: Type.Integer() }),
    isHeadSignoffRequired: Type.Boolean(),
    checks: Type.Object({ ruleSetVersion: Type.String(), hits: Type.Array(StoredHit) }),
    decisions: Type.Array(DecisionView),
    proofreads: Type.Array(ProofreadView),
    closedAt: Type.Union([Timestamp, Type.Null()]),
  })),
  overrides: Type.Array(OverrideView),
  signOff: Type.Union([Type.Object({
    at: Timestamp, cycle: Type.Integer(), versionNumber: Type.Integer(), versionHash: Type.String(),
    signers: Type.Array(Type.Object({ stage: Type.String(), stageName: Type.String(), userId: Type.String(), userName: Type.String(), at: Timestamp })),
  }), Type.Null()]),
})

const DocxReply = {
  description: '信息发布登记审核表（Word）',
  content: { 'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { schema: Type.String({ format: 'binary' }) } },
}
const PdfReply = { description: '信息发布登记审核表（PDF）', content: { 'application/pdf': { schema: Type.String({ format: 'binary' }) } } }

function sendDocument(reply: FastifyReply, record: ReviewRecord, { type, extension, data }: { type: string; extension: string; data: Buffer }) {
  const name = `信息发布登记审核表-${record.story.title.replace(/[\\/:*?"<>|\s]+/g, '_').slice(0, 60)}.${extension}`
  return reply.type(type)
    .header('content-disposition', `attachment; filename="review-record-${record.story.id}.${extension}"; filename*=UTF-8''${encodeURIComponent(name)}`)
    .header('cache-control', 'no-store')
    .send(data)
}

/** The signed review record of a story, as JSON, .docx and PDF (all from the same data). */
export async function recordRoutes(app: FastifyInstance, { db }: AppDeps): Promise<void> {
  const records = createRecordService({ db })

  app.get<{ Params: StoryIdParams }>('/stories/:id/record', {
    schema: {
      tags, summary: '审核记录（信息发布登记审核表的数据）', params: StoryIdParams,
      response: { 200: RecordView, ...problemResponses(400, 401, 403, 404) },
    },
    config: { access: 'story.read' },
  }, async (request) => records.build(actingOf(request), request.params.id))

  app.get<{ Params: StoryIdParams }>('/stories/:id/record.docx', {
    schema: { tags, summary: '下载信息发布登记审核表（Word）', params: StoryIdParams, response: { 200: DocxReply, ...problemResponses(400, 401, 403, 404) } },
    config: { access: 'story.read' },
  }, async (request, reply) => {
    const record = await records.build(actingOf(request), request.params.id)
    const data = await renderDocx(recordForm(record))
    return sendDocument(reply, record, { type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extension: 'docx', data })
  })

  app.get<{ Params: StoryIdParams }>('/stories/:id/record.pdf', {
    schema: {
      tags, summary: '下载信息发布登记审核表（PDF）', description: '服务器须有中文字体；没有时返回 503 RECORD_FONT_MISSING 并说明要安装的软件包。',
      params: StoryIdParams, response: { 200: PdfReply, ...problemResponses(400, 401, 403, 404, 503) },
    },
    config: { access: 'story.read' },
  }, async (request, reply) => {
    const font = requireCjkFont()
    const record = await records.build(actingOf(request), request.params.id)
    const data = await renderPdf(recordForm(record), font)
    return sendDocument(reply, record, { type: 'application/pdf', extension: 'pdf', data })
  })
}
