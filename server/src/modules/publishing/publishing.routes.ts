import { Type } from 'typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AppDeps } from '../../app.js'
import { problemResponses } from '../../kernel/openapi.js'
import { accountView, createAccountsService, type PublishingActing } from './publishing.accounts.js'
import { channelsFor, registerRuntime } from './publishing.runtime.js'
import {
  AccountCreate, AccountList, AccountListQuery, AccountUpdate, AccountView, BoardPage, BoardQuery, ChannelSetInput, ChannelSetList, ChannelSetView,
  CorrectionInput, IdParams, PublicationList, PublishInput, PublishPreview, ScheduleQuery, TestResult, WithdrawInput, type PublicationView,
} from './publishing.schema.js'
import { createPublishingService } from './publishing.service.js'
import type { PublicationRow } from './publishing.store.js'

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null)

/** A publication as the status board shows it: `url` when live, the platform's words when failed. */
export function publicationView(row: PublicationRow & { story_title?: string; account_name: string }): PublicationView {
  const hasWithdrawal = row.withdrawal_reason !== null || row.withdrawn_at !== null
  return {
    id: row.id, storyId: row.story_id, accountId: row.account_id, channel: row.channel, status: row.status,
    ...(row.story_title !== undefined ? { storyTitle: row.story_title } : {}),
    accountName: row.account_name,
    versionNumber: row.version_number, liveVersionNumber: row.live_version_number,
    url: row.status === 'withdrawn' ? null : row.url,
    error: row.error_code ? { code: row.error_code, message: row.error_message ?? '', hint: row.error_hint ?? '' } : null,
    scheduledAt: iso(row.scheduled_at), liveAt: iso(row.live_at),
    withdrawal: hasWithdrawal ? { reason: row.withdrawal_reason, at: iso(row.withdrawn_at), outcome: row.withdrawal_outcome } : null,
    corrections: (row.corrections as Array<{ versionNumber: number; mode: string; at: string; url?: string | null }>).map((c) => ({ versionNumber: c.versionNumber, mode: c.mode, at: c.at, url: c.url ?? null })),
    createdAt: iso(row.created_at)!, updatedAt: iso(row.updated_at)!,
  }
}

function actingOf(request: FastifyRequest): PublishingActing {
  return { actorId: request.actor!.userId, tenant: request.tenant!, audit: request.auditContext }
}

const tags = ['publishing']

/**
 * The publishing center's API (docs/design/publishing.md): channel accounts and saved channel
 * sets, publishing a signed-off story to accounts, the per-story status, correction, withdrawal,
 * the tenant-wide board and the schedule, and WeChat's publish callback.
 */
export async function publishingRoutes(app: FastifyInstance, { db, secretBox, config }: AppDeps): Promise<void> {
  registerRuntime(db, { secretBox, publicUrl: config.publicUrl })
  const channels = channelsFor(db)
  const accounts = createAccountsService({ db, secretBox, channels })
  const publishing = createPublishingService({ db, secretBox, channels, publicUrl: config.publicUrl })
  const view = (row: Parameters<typeof accountView>[0]) => accountView(row, channels)

  app.get<{ Querystring: AccountListQuery }>('/accounts', {
    schema: { tags, summary: '渠道账号列表（id、channel、name、status 等；凭据从不返回）', querystring: AccountListQuery, response: { 200: AccountList, ...problemResponses(400, 401, 403) } },
    config: { access: 'publication.read' },
  }, async (request) => ({ items: (await accounts.list(actingOf(request), request.query)).map(view) }))

  app.post<{ Body: AccountCreate }>('/accounts', {
    schema: { tags, summary: '新建渠道账号', body: AccountCreate, response: { 201: AccountView, ...problemResponses(400, 401, 403, 422) } },
    config: { access: 'account.manage' },
  }, async (request, reply) => reply.status(201).send(view(await accounts.create(actingOf(request), request.body))))

  app.get<{ Params: IdParams }>('/accounts/:id', {
    schema: { tags, summary: '渠道账号', params: IdParams, response: { 200: AccountView, ...problemResponses(401, 403, 404) } },
    config: { access: 'publication.read' },
  }, async (request) => view(await accounts.get(actingOf(request), request.params.id)))

  app.patch<{ Params: IdParams; Body: AccountUpdate }>('/accounts/:id', {
    schema: { tags, summary: '修改渠道账号（凭据只改给出的字段）', params: IdParams, body: AccountUpdate, response: { 200: AccountView, ...problemResponses(400, 401, 403, 404) } },
    config: { access: 'account.manage' },
  }, async (request) => view(await accounts.update(actingOf(request), request.params.id, request.body)))

  app.delete<{ Params: IdParams }>('/accounts/:id', {
    schema: { tags, summary: '删除渠道账号（发布记录保留）', params: IdParams, response: { 204: Type.Null(), ...problemResponses(401, 403, 404) } },
    config: { access: 'account.manage' },
  }, async (request, reply) => {
    await accounts.remove(actingOf(request), request.params.id)
    return reply.status(204).send()
  })

  app.post<{ Params: IdParams }>('/accounts/:id/test', {
    schema: { tags, summary: '测试连接：用保存的凭据访问平台', params: IdParams, response: { 200: TestResult, ...problemResponses(401, 403, 404, 422) } },
    config: { access: 'account.manage' },
  }, async (request) => {
    const result = await accounts.test(actingOf(request), request.params.id)
    return { ...result, account: view(result.account) }
  })

  app.get('/channel-sets', {
    schema: { tags, summary: '保存的渠道组合', response: { 200: ChannelSetList, ...problemResponses(401, 403) } },
    config: { access: 'publication.read' },
  }, async (request) => ({ items: (await accounts.listSets(actingOf(request))).map((s) => ({ id: s.id, name: s.name, accountIds: s.account_ids, createdAt: iso(s.created_at)! })) }))

  app.post<{ Body: ChannelSetInput }>('/channel-sets', {
    schema: { tags, summary: '保存渠道组合', body: ChannelSetInput, response: { 201: ChannelSetView, ...problemResponses(400, 401, 403, 409) } },
    config: { access: 'publication.manage' },
  }, async (request, reply) => {
    const s = await accounts.createSet(actingOf(request), request.body)
    return reply.status(201).send({ id: s.id, name: s.name, accountIds: s.account_ids, createdAt: iso(s.created_at)! })
  })

  app.delete<{ Params: IdParams }>('/channel-sets/:id', {
    schema: { tags, summary: '删除渠道组合', params: IdParams, response: { 204: Type.Null(), ...problemResponses(401, 403, 404) } },
    config: { access: 'publication.manage' },
  }, async (request, reply) => {
    await accounts.removeSet(actingOf(request), request.params.id)
    return reply.status(204).send()
  })

  app.post<{ Params: IdParams; Body: PublishInput }>('/stories/:id/publications', {
    schema: {
      tags, summary: '发布签发稿件到账号（每个账号一条发布，异步发送）', params: IdParams, body: PublishInput,
      response: { 202: PublicationList, ...problemResponses(400, 401, 403, 404, 409, 422) },
    },
    config: { access: 'publication.manage' },
  }, async (request, reply) => reply.status(202).send({ items: (await publishing.publish(actingOf(request), request.params.id, request.body)).map(publicationView) }))

  app.post<{ Params: IdParams; Body: PublishInput }>('/stories/:id/publications/preview', {
    schema: {
      tags, summary: '发布前检查：按账号列出问题（error 会阻止发布）和渠道将收到的内容；不发送、不写入', params: IdParams, body: PublishInput,
      response: { 200: PublishPreview, ...problemResponses(400, 401, 403, 404, 409, 422) },
    },
    config: { access: 'publication.manage' },
  }, async (request) => publishing.preview(actingOf(request), request.params.id, request.body))

  app.get<{ Params: IdParams }>('/stories/:id/publications', {
    schema: { tags, summary: '稿件的发布状态', params: IdParams, response: { 200: PublicationList, ...problemResponses(401, 403, 404) } },
    config: { access: 'publication.read' },
  }, async (request) => ({ items: (await publishing.listForStory(actingOf(request), request.params.id)).map(publicationView) }))

  app.post<{ Params: IdParams; Body: CorrectionInput }>('/stories/:id/corrections', {
    schema: { tags, summary: '更正：把新签发的版本送到所有已上线的发布', params: IdParams, body: CorrectionInput, response: { 202: PublicationList, ...problemResponses(400, 401, 403, 404, 422) } },
    config: { access: 'publication.manage' },
  }, async (request, reply) => reply.status(202).send({ items: (await publishing.correct(actingOf(request), request.params.id, request.body)).map(publicationView) }))

  app.post<{ Params: IdParams; Body: WithdrawInput }>('/stories/:id/withdraw', {
    schema: { tags, summary: '撤稿：从所有渠道撤回（无法撤回的会记录）', params: IdParams, body: WithdrawInput, response: { 202: PublicationList, ...problemResponses(400, 401, 403, 404, 409) } },
    config: { access: 'publication.manage' },
  }, async (request, reply) => reply.status(202).send({ items: (await publishing.withdraw(actingOf(request), request.params.id, request.body)).map(publicationView) }))

  app.get<{ Querystring: BoardQuery }>('/publications', {
    schema: { tags, summary: '发布状态看板（全机构，按更新时间倒序）；可按状态、渠道、账号和创建时间（from/to）筛选', querystring: BoardQuery, response: { 200: BoardPage, ...problemResponses(400, 401, 403) } },
    config: { access: 'publication.read' },
  }, async (request) => {
    const page = await publishing.board(actingOf(request), request.query)
    return { items: page.items.map(publicationView), nextCursor: page.nextCursor }
  })

  app.get<{ Querystring: ScheduleQuery }>('/publications/schedule', {
    schema: { tags, summary: '发布排期（from ≤ 排期时间 < to，最长 92 天）', querystring: ScheduleQuery, response: { 200: PublicationList, ...problemResponses(400, 401, 403) } },
    config: { access: 'publication.read' },
  }, async (request) => ({ items: (await publishing.schedule(actingOf(request), request.query)).map(publicationView) }))

  // WeChat posts XML to the callback URL set in its console; the body is verified by signature.
  app.addContentTypeParser(['text/xml', 'application/xml'], { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => done(null, body))
  const callbackSchema = {
    tags, summary: '微信公众号事件回调（PUBLISHJOBFINISH）；签名按微信文档校验', params: IdParams,
    querystring: Type.Object({ signature: Type.Optional(Type.String()), timestamp: Type.Optional(Type.String()), nonce: Type.Optional(Type.String()), echostr: Type.Optional(Type.String()) }),
    response: { 200: Type.String(), ...problemResponses(403, 404) },
  }
  const callback = async (request: FastifyRequest<{ Params: IdParams; Querystring: Record<string, string | undefined> }>, reply: import('fastify').FastifyReply) => {
    const text = await publishing.wechatCallback({ accountId: request.params.id, query: request.query, body: typeof request.body === 'string' ? request.body : '' })
    return reply.type('text/plain').send(text)
  }
  app.get<{ Params: IdParams; Querystring: Record<string, string | undefined> }>('/publishing/callbacks/wechat/:id', { schema: callbackSchema, config: { access: 'public' } }, callback)
  app.post<{ Params: IdParams; Querystring: Record<string, string | undefined> }>('/publishing/callbacks/wechat/:id', { schema: callbackSchema, config: { access: 'public' } }, callback)
}
