import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../app.js'
import { problemResponses } from '../../kernel/openapi.js'
import { toShanghaiIso } from '../calendar/calendar.js'
import { FaqSuggestList, FaqSuggestQuery } from '../faq/faq.schema.js'
import { createFaqService } from '../faq/faq.service.js'
import { attachmentHooks } from './attachments.js'
import {
  CenterParams, CodeInput, CodeReply, FormReply, LookupInput, LookupReply, PublicList, PublicListQuery, RatingInput, RatingReply, SubmitInput, SubmitReply,
} from './public.schema.js'
import { createIntakeService } from './tickets.intake.js'
import { formLimits, kindNames, ticketKinds } from './tickets.model.js'
import { createTicketQueries } from './tickets.queries.js'
import { createRepliesService } from './tickets.replies.js'
import { lookupView, publicItemView } from './tickets.views.js'

const tags = ['public']

/**
 * What citizens call without signing in, per center (`/public/{center}/…`): the form's facts,
 * submission, SMS codes, lookup and rating by lookup code + the phone's last 4 digits, the public
 * list of answered messages and the knowledge base's suggestions. Writes and lookups are rate
 * limited per client IP (RONGMEI_PUBLIC_RATE_LIMIT a minute; reads 12 times that).
 */
export async function publicTicketRoutes(app: FastifyInstance, { db, config }: AppDeps): Promise<void> {
  const intake = createIntakeService({ db })
  const queries = createTicketQueries({ db })
  const answers = createRepliesService({ db })
  const faq = createFaqService({ db })
  const writeLimit = { max: config.publicRateLimitPerMinute, timeWindow: '1 minute' }
  const readLimit = { max: config.publicRateLimitPerMinute * 12, timeWindow: '1 minute' }

  app.get<{ Params: CenterParams }>('/public/:center/tickets/form', {
    schema: { tags, summary: '留言表单：类别、类型与办理时限、字数限制、个人信息使用说明', params: CenterParams, response: { 200: FormReply, ...problemResponses(404, 429) } },
    config: { access: 'public', rateLimit: readLimit },
  }, async (request) => {
    const center = await intake.resolveCenter(request.params.center)
    const { services, settings } = await intake.formOf(center)
    return {
      center: { slug: center.slug, name: center.name },
      kinds: ticketKinds.map((k) => ({ code: k, name: kindNames[k], replyWithinWorkingDays: settings.clocks[k].final })),
      categories: services.map((s) => ({ code: s.code, name: s.name, description: s.description, group: s.group_name, defaultKind: s.default_kind })),
      limits: { ...formLimits, phoneDailyLimit: settings.phoneDailyLimit },
      consentText: settings.consentText, consentVersion: settings.consentVersion,
      isPhoneVerificationRequired: settings.isPhoneVerificationRequired, isAttachmentsAvailable: attachmentHooks() !== null,
    }
  })

  app.post<{ Params: CenterParams; Body: SubmitInput }>('/public/:center/tickets', {
    schema: {
      tags, summary: '提交留言（返回查询码）', params: CenterParams, body: SubmitInput,
      response: { 201: SubmitReply, ...problemResponses(400, 404, 409, 422, 429) },
    },
    config: { access: 'public', rateLimit: writeLimit },
  }, async (request, reply) => {
    const center = await intake.resolveCenter(request.params.center)
    const result = await intake.submit({ center, input: request.body, channel: 'web', audit: request.auditContext, actorName: '留言人' })
    return reply.status(201).send({
      number: result.number, lookupCode: result.lookupCode, state: 'submitted', kind: result.kind, category: result.service.code,
      createdAt: toShanghaiIso(result.createdAt), expectedReplyBy: toShanghaiIso(result.deadlines.final), lookupUrl: `/s/${center.slug}/tickets/lookup`,
    })
  })

  app.post<{ Params: CenterParams; Body: CodeInput }>('/public/:center/verification-codes', {
    schema: { tags, summary: '发送短信验证码', params: CenterParams, body: CodeInput, response: { 201: CodeReply, ...problemResponses(400, 404, 429) } },
    config: { access: 'public', rateLimit: writeLimit },
  }, async (request, reply) => {
    const center = await intake.resolveCenter(request.params.center)
    const { validMinutes } = await intake.sendVerificationCode({ center, phone: request.body.phone })
    return reply.status(201).send({ sent: true, validMinutes })
  })

  app.post<{ Params: CenterParams; Body: LookupInput }>('/public/:center/tickets/lookup', {
    schema: { tags, summary: '凭查询码和手机号后四位查询办理进度', params: CenterParams, body: LookupInput, response: { 200: LookupReply, ...problemResponses(400, 404, 429) } },
    config: { access: 'public', rateLimit: writeLimit },
  }, async (request) => {
    const center = await intake.resolveCenter(request.params.center)
    return lookupView(await queries.lookup({ center, ...request.body }))
  })

  app.post<{ Params: CenterParams; Body: RatingInput }>('/public/:center/tickets/rating', {
    schema: { tags, summary: '评价答复（满意、基本满意、不满意）', params: CenterParams, body: RatingInput, response: { 200: RatingReply, ...problemResponses(400, 404, 409, 429) } },
    config: { access: 'public', rateLimit: writeLimit },
  }, async (request) => {
    const center = await intake.resolveCenter(request.params.center)
    const { lookupCode, phoneLast4, rating, comment } = request.body
    return answers.rate({ center, lookupCode: lookupCode.toUpperCase(), phoneLast4, rating, comment, audit: request.auditContext })
  })

  app.get<{ Params: CenterParams; Querystring: PublicListQuery }>('/public/:center/tickets', {
    schema: { tags, summary: '已答复留言公开列表（个人信息已脱敏）', params: CenterParams, querystring: PublicListQuery, response: { 200: PublicList, ...problemResponses(400, 404, 429) } },
    config: { access: 'public', rateLimit: readLimit },
  }, async (request) => {
    const center = await intake.resolveCenter(request.params.center)
    const page = await queries.publicList({ center, ...request.query })
    return { items: page.items.map((t) => publicItemView(t, page.services, page.replies.get(t.id), page.names)), nextCursor: page.nextCursor }
  })

  app.get<{ Params: CenterParams; Querystring: FaqSuggestQuery }>('/public/:center/faq/suggest', {
    schema: { tags, summary: '问答库推荐（留言前先看看是否已有答案）', params: CenterParams, querystring: FaqSuggestQuery, response: { 200: FaqSuggestList, ...problemResponses(400, 404, 429) } },
    config: { access: 'public', rateLimit: readLimit },
  }, async (request) => {
    const center = await intake.resolveCenter(request.params.center)
    const hits = await faq.suggest({ centerId: center.id, q: request.query.q, limit: request.query.limit })
    return { items: hits.map((h) => ({ id: h.row.id, question: h.row.question, answer: h.row.answer, score: Math.round(h.score * 1000) / 1000 })) }
  })
}
