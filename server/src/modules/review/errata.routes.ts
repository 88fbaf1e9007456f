import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../app.js'
import { problemResponses } from '../../kernel/openapi.js'
import { ErrorInput, ErrorList, ErrorReport, ErrorReportQuery, ErrorView } from './errata.schema.js'
import { createErrataService } from './errata.service.js'
import { actingOf } from './review.http.js'
import { StoryIdParams } from './review.schema.js'

const tags = ['review']

/** 差错管理: record a story's errors, list them, and the report per author or reviewer. */
export async function errataRoutes(app: FastifyInstance, { db }: AppDeps): Promise<void> {
  const errata = createErrataService({ db })

  app.post<{ Params: StoryIdParams; Body: ErrorInput }>('/stories/:id/errors', {
    schema: {
      tags, summary: '登记差错（审核中或发布后发现）', description: '审核、校对、签发或发布人员可登记；责任人须参与过这篇稿件。',
      params: StoryIdParams, body: ErrorInput, response: { 201: ErrorView, ...problemResponses(400, 401, 403, 404) },
    },
    config: { access: 'story.read' },
  }, async (request, reply) => reply.status(201).send(await errata.record(actingOf(request), request.params.id, request.body)))

  app.get<{ Params: StoryIdParams }>('/stories/:id/errors', {
    schema: { tags, summary: '稿件的差错记录', params: StoryIdParams, response: { 200: ErrorList, ...problemResponses(400, 401, 403, 404) } },
    config: { access: 'story.read' },
  }, async (request) => errata.listForStory(actingOf(request), request.params.id))

  app.get<{ Querystring: ErrorReportQuery }>('/review/error-report', {
    schema: {
      tags, summary: '差错统计：按作者或审核人员、按月', description: '需要终审（story.review.final）或数据查看（analytics.read）权限。',
      querystring: ErrorReportQuery, response: { 200: ErrorReport, ...problemResponses(400, 401, 403) },
    },
    // Either of two permissions: the service checks which (a route declares only one).
    config: { access: 'authenticated' },
  }, async (request) => errata.report(actingOf(request), request.query))
}
