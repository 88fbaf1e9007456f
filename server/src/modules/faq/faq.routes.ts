import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AppDeps } from '../../app.js'
import { problemResponses } from '../../kernel/openapi.js'
import { shanghaiDate } from '../calendar/calendar.js'
import { FaqId, FaqInput, FaqList, FaqListQuery, FaqView } from './faq.schema.js'
import { createFaqService, isValidOn, type FaqActing, type FaqRow } from './faq.service.js'

export function faqView(row: FaqRow, score: number | null = null, now = new Date()): FaqView {
  return {
    id: row.id, question: row.question, variants: row.variants, answer: row.answer,
    ownerDepartment: row.owner_department_id ? { id: row.owner_department_id, name: row.owner_department_name ?? '' } : null,
    validFrom: row.valid_from, validTo: row.valid_to, isPublished: row.is_published, isValidNow: isValidOn(row, shanghaiDate(now)),
    score, createdAt: new Date(row.created_at).toISOString(), updatedAt: new Date(row.updated_at).toISOString(),
  }
}

function actingOf(request: FastifyRequest): FaqActing {
  return { actorId: request.actor!.userId, tenant: request.tenant!, audit: request.auditContext }
}

const tags = ['faq']

/** The knowledge base for staff: search, read, and (faq.manage) write entries. */
export async function faqRoutes(app: FastifyInstance, { db }: AppDeps): Promise<void> {
  const faq = createFaqService({ db })

  app.get<{ Querystring: FaqListQuery }>('/faq', {
    schema: { tags, summary: '问答库（q：分词检索，按相关度排序）', querystring: FaqListQuery, response: { 200: FaqList, ...problemResponses(400, 401, 403) } },
    config: { access: 'ticket.read' },
  }, async (request) => {
    const page = await faq.list(actingOf(request), request.query)
    return { items: page.items.map((i) => faqView(i.row, i.score)), nextCursor: page.nextCursor }
  })

  app.get<{ Params: FaqId }>('/faq/:id', {
    schema: { tags, summary: '问答条目', params: FaqId, response: { 200: FaqView, ...problemResponses(401, 403, 404) } },
    config: { access: 'ticket.read' },
  }, async (request) => faqView(await faq.get(actingOf(request), request.params.id)))

  app.post<{ Body: FaqInput }>('/faq', {
    schema: { tags, summary: '新建问答条目', body: FaqInput, response: { 201: FaqView, ...problemResponses(400, 401, 403) } },
    config: { access: 'faq.manage' },
  }, async (request, reply) => reply.status(201).send(faqView(await faq.create(actingOf(request), request.body))))

  app.put<{ Params: FaqId; Body: FaqInput }>('/faq/:id', {
    schema: { tags, summary: '修改问答条目', params: FaqId, body: FaqInput, response: { 200: FaqView, ...problemResponses(400, 401, 403, 404) } },
    config: { access: 'faq.manage' },
  }, async (request) => faqView(await faq.update(actingOf(request), request.params.id, request.body)))

  app.delete<{ Params: FaqId }>('/faq/:id', {
    schema: { tags, summary: '删除问答条目', params: FaqId, response: { 204: { type: 'null' }, ...problemResponses(401, 403, 404) } },
    config: { access: 'faq.manage' },
  }, async (request, reply) => {
    await faq.remove(actingOf(request), request.params.id)
    return reply.status(204).send()
  })
}
