import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../app.js'
import type { PermissionCode } from '../../kernel/permissions.js'
import { problemResponses } from '../../kernel/openapi.js'
import { catalogueRoutes } from './catalogue.routes.js'
import { publicTicketRoutes } from './public.routes.js'
import { actingOf } from './tickets.http.js'
import { createDeadlinesService } from './tickets.deadlines.js'
import { createTicketQueries } from './tickets.queries.js'
import { createRepliesService } from './tickets.replies.js'
import {
  AcceptInput, CreatedId, DecisionInput, DuplicateList, ExtensionInput, ExtensionParams, FlagsInput, MergeInput, NoteInput, OptionalNoteInput,
  ProgressInput, ReasonInput, ReplyInput, ReplyParams, ReturnedView, ReviewInput, RouteInput, TicketDetailView, TicketId, TicketList, TicketListQuery,
} from './tickets.schema.js'
import { detailView, listItemView } from './tickets.views.js'
import { createWorkflowService } from './tickets.workflow.js'

const tags = ['tickets']

/**
 * Citizens' messages (留言办理) for staff: the dispatcher's inbox and decisions (ticket.dispatch),
 * the departments' workbench (ticket.handle), review of replies (ticket.reply.review); plus the
 * catalogue and the public routes, registered from here.
 */
export async function ticketsRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const { db } = deps
  const queries = createTicketQueries({ db })
  const workflow = createWorkflowService({ db })
  const answers = createRepliesService({ db })
  const deadlines = createDeadlinesService({ db })

  await app.register(catalogueRoutes, deps)
  await app.register(publicTicketRoutes, deps)

  app.get<{ Querystring: TicketListQuery }>('/tickets', {
    schema: { tags, summary: '留言列表（中心：本中心留言；部门：本部门承办的留言）', querystring: TicketListQuery, response: { 200: TicketList, ...problemResponses(400, 401, 403) } },
    config: { access: 'ticket.read' },
  }, async (request) => {
    const { state, overdue, ...query } = request.query
    const page = await queries.list(actingOf(request), { ...query, states: state as never, isOverdueOnly: overdue })
    return { items: page.items.map((t) => listItemView(t, page.services, page.names)), nextCursor: page.nextCursor }
  })

  app.get<{ Params: TicketId }>('/tickets/:id', {
    schema: { tags, summary: '留言详情（状态、期限、办理过程）', params: TicketId, response: { 200: TicketDetailView, ...problemResponses(401, 403, 404) } },
    config: { access: 'ticket.read' },
  }, async (request) => detailView(await queries.get(actingOf(request), request.params.id)))

  app.get<{ Params: TicketId }>('/tickets/:id/duplicates', {
    schema: { tags, summary: '疑似重复留言（同一手机号或内容相近），供并单', params: TicketId, response: { 200: DuplicateList, ...problemResponses(401, 403, 404) } },
    config: { access: 'ticket.dispatch' },
  }, async (request) => {
    const items = await queries.duplicates(actingOf(request), request.params.id)
    return {
      items: items.map((c) => ({
        id: c.row.id, number: c.row.number, title: c.row.title, kind: c.row.kind, state: c.row.state, createdAt: new Date(c.row.created_at).toISOString(),
        isSamePhone: c.isSamePhone, similarity: Math.round(c.similarity * 1000) / 1000,
      })),
    }
  })

  /** A transition route: runs `act`, then answers the ticket as it now is. */
  function transition<B>(method: 'post' | 'patch', url: string, summary: string, access: PermissionCode, body: object | null,
    act: (acting: ReturnType<typeof actingOf>, id: string, body: B, params: Record<string, string>) => Promise<unknown>, params: object = TicketId) {
    app[method]<{ Params: TicketId; Body: B }>(url, {
      schema: { tags, summary, params, ...(body ? { body } : {}), response: { 200: TicketDetailView, ...problemResponses(400, 401, 403, 404, 409, 422) } },
      config: { access },
    }, async (request) => {
      const acting = actingOf(request)
      await act(acting, request.params.id, request.body as B, request.params as Record<string, string>)
      return detailView(await queries.get(acting, request.params.id))
    })
  }

  transition<AcceptInput>('post', '/tickets/:id/accept', '受理（审核通过）', 'ticket.dispatch', AcceptInput, (a, id, b) => workflow.accept(a, id, b))
  transition<ReasonInput>('post', '/tickets/:id/reject', '不予受理', 'ticket.dispatch', ReasonInput, (a, id, b) => workflow.reject(a, id, b))
  transition<RouteInput>('post', '/tickets/:id/route', '转办或改派（主办、协办部门）', 'ticket.dispatch', RouteInput, (a, id, b) => workflow.route(a, id, b))
  transition<FlagsInput>('patch', '/tickets/:id', '设置紧急、是否公开', 'ticket.dispatch', FlagsInput, (a, id, b) => workflow.updateFlags(a, id, b))
  transition<MergeInput>('post', '/tickets/:id/merge', '并单（并入另一条留言）', 'ticket.dispatch', MergeInput, (a, id, b) => workflow.merge(a, id, b))
  transition<NoteInput>('post', '/tickets/:id/urge', '催办', 'ticket.dispatch', NoteInput, (a, id, b) => deadlines.urge(a, id, b))
  transition<OptionalNoteInput>('post', '/tickets/:id/close', '办结', 'ticket.dispatch', OptionalNoteInput, (a, id, b) => answers.closeTicket(a, id, b))
  transition<NoteInput>('post', '/tickets/:id/reopen', '回退重办', 'ticket.dispatch', NoteInput, (a, id, b) => answers.reopenTicket(a, id, b))
  transition<DecisionInput>('post', '/tickets/:id/extensions/:extensionId/decision', '审批延期申请（须在期限届满前批准）', 'ticket.dispatch', DecisionInput,
    (a, id, b, p) => deadlines.decideExtension(a, id, p.extensionId, b), ExtensionParams)
  transition<null>('post', '/tickets/:id/sign-for', '签收', 'ticket.handle', null, (a, id) => workflow.signFor(a, id))
  transition<ProgressInput>('post', '/tickets/:id/progress', '记录办理进展（协办部门：协办意见）', 'ticket.handle', ProgressInput, (a, id, b) => workflow.progress(a, id, b))
  transition<ReviewInput>('post', '/tickets/:id/replies/:replyId/review', '审核答复（先审后发）', 'ticket.reply.review', ReviewInput,
    (a, id, b, p) => answers.reviewReply(a, id, p.replyId, b), ReplyParams)

  // The department stops seeing the ticket the moment it returns it, so the reply is only its new state.
  app.post<{ Params: TicketId; Body: ReasonInput }>('/tickets/:id/return', {
    schema: { tags, summary: '退单（非本部门职责，退回分办）', params: TicketId, body: ReasonInput, response: { 200: ReturnedView, ...problemResponses(400, 401, 403, 404, 409) } },
    config: { access: 'ticket.handle' },
  }, async (request) => {
    await workflow.returnTicket(actingOf(request), request.params.id, request.body)
    return { id: request.params.id, state: 'returned' as const }
  })

  app.post<{ Params: TicketId; Body: ReplyInput }>('/tickets/:id/replies', {
    schema: { tags, summary: '提交答复（主办部门）', params: TicketId, body: ReplyInput, response: { 201: TicketDetailView, ...problemResponses(400, 401, 403, 404, 409, 422) } },
    config: { access: 'ticket.handle' },
  }, async (request, reply) => {
    const acting = actingOf(request)
    await answers.submitReply(acting, request.params.id, request.body)
    return reply.status(201).send(detailView(await queries.get(acting, request.params.id)))
  })

  app.post<{ Params: TicketId; Body: ExtensionInput }>('/tickets/:id/extensions', {
    schema: { tags, summary: '申请延期（答复期限届满前）', params: TicketId, body: ExtensionInput, response: { 201: CreatedId, ...problemResponses(400, 401, 403, 404, 409, 422) } },
    config: { access: 'ticket.handle' },
  }, async (request, reply) => reply.status(201).send({ id: await deadlines.requestExtension(actingOf(request), request.params.id, request.body) }))
}
